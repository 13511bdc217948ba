"""Use cases of logins and sessions: password login, sessions, tokens, logout.

Refusals — failed and throttled logins, forged tokens — are counted in the
security-events table (accounts/security_events.py). Password logins are throttled
per (username, address) and per address, never locked (accounts/sessions/throttle.py;
issue 9, item 8).

Tokens are 32 random bytes in unpadded base64url; only their SHA-256 is stored, and
the database clock decides expiry (DESIGN.md, "Time").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import secrets
from collections.abc import Iterable
from typing import NoReturn
from uuid import UUID

import asyncpg

from accounts.errors import (
    CredentialsInvalid,
    LoginRateLimited,
    LoginThrottled,
    SessionExpired,
    TokenInvalid,
)
from accounts.journal import log_address
from accounts.model import Actor, Role, RoleGrant, User, UserStatus, hidden_role
from accounts.passwords import verify_password
from accounts.queries import database_now
from accounts.security_events import (
    LOGIN_FAILED,
    LOGIN_RATE_LIMITED,
    LOGIN_THROTTLED,
    record_refusal,
)
from accounts.sessions import queries, throttle
from accounts.sessions.model import IssuedToken, LoginPolicy, SessionKind
from accounts.users import queries as user_queries
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import EntryKind, LogEntry, Subject, format_time

log = logging.getLogger(__name__)

TOKEN_BYTES = 32
TOKEN_CHARS = 43  # unpadded base64url of 32 bytes


_WRONG_CARRIER = {
    SessionKind.BEARER: "this is a browser session's cookie, not an API token: "
    "log in at /api/v1/auth/login for a bearer token",
    SessionKind.COOKIE: "this is an API token, not a browser session: send it as "
    "'Authorization: Bearer <token>'",
}


def token_digest(token: str) -> bytes:
    """SHA-256 of a token's 32 bytes; anything but canonical base64url of 32 bytes is refused."""
    if len(token) != TOKEN_CHARS:
        raise TokenInvalid("the token is malformed")
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise TokenInvalid("the token is malformed") from None
    if len(raw) != TOKEN_BYTES or _encode_token(raw) != token:
        raise TokenInvalid("the token is malformed")
    return hashlib.sha256(raw).digest()


def _encode_token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def login_name_key(username: str) -> bytes:
    """SHA-256 of the username as typed: the throttle's key, the same for unknown names."""
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).digest()


async def _admit_attempt(
    conn: asyncpg.Connection, username: str, name_key: bytes, address: str, policy: LoginPolicy
) -> int:
    """Refuse a throttled attempt, else record it (its id) until its password is checked.

    Recorded before scrypt runs, under the address's lock: parallel guesses at one
    username all count for it.
    """
    rules = policy.throttle
    async with conn.transaction():
        await queries.lock_login_address(conn, address)
        now = await database_now(conn)
        pair = await queries.pair_failures(conn, name_key, address, seconds=rules.memory_seconds)
        recent = await queries.address_failures(
            conn, address, seconds=rules.address_window_seconds, limit=rules.address_failures
        )
        refusal = throttle.decide(now, pair=pair, address=recent, policy=rules)
        if refusal is None:
            return await queries.record_login_attempt(
                conn, name_key, address, memory_seconds=rules.memory_seconds
            )
    await _refuse_throttled(conn, refusal, username, address)


async def _refuse_throttled(
    conn: asyncpg.Connection, refusal: throttle.Refusal, username: str, address: str
) -> NoReturn:
    wait = refusal.retry_after_seconds
    details = {"retry_after_seconds": wait}
    if refusal.scope is throttle.Scope.ADDRESS:
        await record_refusal(conn, kind=LOGIN_RATE_LIMITED, address=address, subject=username[:64])
        raise LoginRateLimited(
            f"too many failed logins from your address: try again in {wait} s", details=details
        )
    await record_refusal(conn, kind=LOGIN_THROTTLED, address=address, subject=username[:64])
    raise LoginThrottled(
        f"too many failed logins with this username from your address: try again in {wait} s",
        details=details,
    )


async def login(
    conn: asyncpg.Connection,
    *,
    username: str,
    password: str,
    address: str | None,
    kind: SessionKind,
    policy: LoginPolicy,
) -> IssuedToken:
    """Check a password and open a session, logged as auth.login.

    Never says whether the username exists: unknown names cost the same scrypt run,
    get the same answer and are throttled alike (accounts/sessions/throttle.py). Nothing locks
    an account: failures slow down their own (username, address) pair and address only.
    """
    where = (address or "")[:64]
    name_key = login_name_key(username)
    attempt = await _admit_attempt(conn, username, name_key, where, policy)
    found = await user_queries.credentials(conn, username)
    # Scrypt runs even for unknown users (against a dummy hash), so timing does not
    # reveal who exists.
    correct = await verify_password(password, found.password_hash if found else None)
    if found is None or not correct or found.user.status is not UserStatus.ACTIVE:
        # The attempt's row stays, now a failure for its address too.
        await queries.mark_login_failed(conn, attempt)
        await record_refusal(conn, kind=LOGIN_FAILED, address=where, subject=username[:64])
        raise CredentialsInvalid("the username or password is wrong")
    await queries.forget_login_failures(conn, name_key, where)
    return await open_session(conn, found.user, address=address, kind=kind, policy=policy)


async def open_session(
    conn: asyncpg.Connection,
    user: User,
    *,
    address: str | None,
    kind: SessionKind,
    policy: LoginPolicy,
) -> IssuedToken:
    """Open a session for a user whose credentials were just checked, logged as auth.login.

    Password throttling does not apply here: a certificate login (accounts/keys/service.py)
    opens its session whatever wrong passwords others have typed for the account.
    """
    raw = secrets.token_bytes(TOKEN_BYTES)
    async with conn.transaction():
        grants = await user_queries.role_grants(conn, user.id)
        session = await queries.insert_session(
            conn,
            token_sha256=hashlib.sha256(raw).digest(),
            user_id=user.id,
            kind=kind,
            ttl_seconds=policy.ttl_for(kind),
            address=address or "",
        )
        entry = LogEntry(
            kind=EntryKind.AUTH_LOGIN,
            time=await database_now(conn),
            actor=_session_actor(user.id, grants),
            address=_session_address(address, grants),
            subject=Subject(type="session", id=str(session.id)),
            data={"session_kind": str(kind), "expires_at": format_time(session.expires_at)},
        )
        await audit.queue(conn, entry)  # nothing reads its index here (audit-log.md §2.2)
    log.info("accounts.login", extra={"user_id": str(user.id), "session_kind": str(kind)})
    return IssuedToken(token=_encode_token(raw), session=session)


def _hidden(grants: Iterable[RoleGrant]) -> Role | None:
    return hidden_role(grant.role for grant in grants)


def _session_actor(user_id: UUID, grants: Iterable[RoleGrant]) -> LogActor:
    """Who opened or ended a session, as the log names it.

    A login right before a secret act names who acted: an expert's after a draw names who
    was drawn (issue 9, item 3), a bidder's before its anonymous bid, download, objection
    or complaint names the bidder before the deadline (finding F1, session 16). An
    account holding such a role (``HIDDEN_ROLES``, docs/audit-log.md §1.3) logs in and
    out as ``{"user_id": null, "role": <that role>}``, and the session table (not the
    log) keeps who it was and from where.
    """
    role = _hidden(grants)
    if role is not None:
        return LogActor(user_id=None, role=role.value)
    return LogActor(user_id=str(user_id), role="user")


def _session_address(address: str | None, grants: Iterable[RoleGrant]) -> str | None:
    """The client address for a session entry; none for a hidden role (``_session_actor``)."""
    return None if _hidden(grants) is not None else log_address(address)


async def authenticate(
    conn: asyncpg.Connection,
    token: str,
    *,
    address: str | None,
    kind: SessionKind | None = None,
) -> Actor:
    """The actor a token stands for: ``token_invalid`` if forged, ``session_expired`` if ended.

    ``kind`` is how the token came (header or cookie): a browser session's cookie value
    is no bearer token and a bearer token no cookie session (issue 9, item 18), so a
    token is refused when it arrives the other way. None (the console) checks no kind.
    """
    found = await queries.session_by_token_hash(conn, token_digest(token))
    if found is None:
        raise TokenInvalid("the token was not issued by this platform")
    session, user, ended = found
    if kind is not None and session.kind is not kind:
        raise TokenInvalid(_WRONG_CARRIER[kind])
    if ended:
        raise SessionExpired("the session has ended: log in again")
    if user.status is not UserStatus.ACTIVE:
        raise SessionExpired("the account is disabled")
    grants = await user_queries.role_grants(conn, user.id)
    return Actor(
        user_id=user.id,
        organisation_id=user.organisation_id,
        username=user.username,
        display_name=user.display_name,
        grants=frozenset(grants),
        address=address,
        session_id=session.id,
    )


async def logout(conn: asyncpg.Connection, actor: Actor) -> None:
    """End the actor's session for good, logged as auth.logout."""
    if actor.session_id is None:
        return
    async with conn.transaction():
        if not await queries.revoke_session(conn, actor.session_id):
            return
        entry = LogEntry(
            kind=EntryKind.AUTH_LOGOUT,
            time=await database_now(conn),
            actor=_session_actor(actor.user_id, actor.grants),
            address=_session_address(actor.address, actor.grants),
            subject=Subject(type="session", id=str(actor.session_id)),
        )
        await audit.queue(conn, entry)  # nothing reads its index here (audit-log.md §2.2)
    log.info("accounts.logout", extra={"user_id": str(actor.user_id)})
