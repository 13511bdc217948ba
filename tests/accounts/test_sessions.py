"""Logins, lockout, rate limiting, sessions and tokens, on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re

import asyncpg
import pytest

from accounts import errors, service
from accounts.model import IssuedToken, LoginPolicy, Organisation, Role, SessionKind
from audit.entry import LogEntry
from tests.accounts.factory import (
    ADDRESS,
    PASSWORD,
    count_rows,
    last_entry_kind,
    log_size,
    make_user,
)

POLICY = LoginPolicy()
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


async def login(
    conn: asyncpg.Connection,
    username: str,
    password: str = PASSWORD,
    *,
    address: str = ADDRESS,
    policy: LoginPolicy = POLICY,
) -> IssuedToken:
    return await service.login(
        conn,
        username=username,
        password=password,
        address=address,
        kind=SessionKind.BEARER,
        policy=policy,
    )


async def test_a_login_issues_a_token_whose_hash_alone_is_stored(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """32 random bytes in base64url; the database holds SHA-256 of them, nothing else."""
    user = await make_user(conn, centre, Role.CENTRE_STAFF, username="staff")
    issued = await login(conn, "staff")
    assert TOKEN.fullmatch(issued.token)
    assert issued.token not in repr(issued)
    stored = await conn.fetchval("SELECT token_sha256 FROM sessions WHERE user_id = $1", user.id)
    assert stored == hashlib.sha256(base64.urlsafe_b64decode(issued.token + "=")).digest()
    dump = str(await conn.fetch("SELECT * FROM sessions"))
    assert issued.token not in dump


async def test_a_login_is_logged_without_password_or_token(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """auth.login names the user and address; never the secrets."""
    user = await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    raw = await conn.fetchval("SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1")
    entry = LogEntry.from_bytes(raw)
    assert entry.kind == "auth.login"
    assert entry.actor.user_id == str(user.id)
    assert entry.address == ADDRESS
    assert PASSWORD.encode() not in raw
    assert issued.token.encode() not in raw


async def test_the_token_authenticates_its_user_with_roles(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """authenticate() returns the actor with its grants and the request's address."""
    user = await make_user(conn, centre, Role.CENTRE_STAFF, username="staff")
    issued = await login(conn, "staff")
    actor = await service.authenticate(conn, issued.token, address="198.51.100.7")
    assert actor.user_id == user.id
    assert actor.roles == {Role.CENTRE_STAFF}
    assert actor.address == "198.51.100.7"
    assert actor.session_id == issued.session.id


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """credentials_invalid either way: the answer does not reveal who exists."""
    await make_user(conn, centre, username="staff")
    with pytest.raises(errors.CredentialsInvalid) as wrong:
        await login(conn, "staff", "Wrong-password-1")
    with pytest.raises(errors.CredentialsInvalid) as unknown:
        await login(conn, "nobody", "Wrong-password-1")
    assert wrong.value.message == unknown.value.message
    assert await count_rows(conn, "sessions") == 0


async def test_failures_are_counted_as_security_events_not_log_entries(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Refusals go to the rate-limited table (DESIGN.md), not the log."""
    await make_user(conn, centre, username="staff")
    before = await log_size(conn)
    for _ in range(2):
        with pytest.raises(errors.CredentialsInvalid):
            await login(conn, "staff", "Wrong-password-1")
    assert await log_size(conn) == before
    counted = await conn.fetchval(
        "SELECT sum(count) FROM security_events WHERE kind = 'auth.login_failed' "
        "AND address = $1 AND subject = 'staff'",
        ADDRESS,
    )
    assert counted == 2


async def test_five_consecutive_failures_lock_the_account(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The fifth failure locks; even the right password is then refused."""
    await make_user(conn, centre, username="staff")
    for _ in range(4):
        with pytest.raises(errors.CredentialsInvalid):
            await login(conn, "staff", "Wrong-password-1")
    with pytest.raises(errors.AccountLocked) as locked:
        await login(conn, "staff", "Wrong-password-1")
    assert locked.value.code == "account_locked"
    with pytest.raises(errors.AccountLocked):
        await login(conn, "staff")
    assert await count_rows(conn, "sessions") == 0


async def test_a_success_resets_the_consecutive_failures(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Only consecutive failures lock: four, a success, four more is fine."""
    await make_user(conn, centre, username="staff")
    for _ in range(2):
        for _ in range(4):
            with pytest.raises(errors.CredentialsInvalid):
                await login(conn, "staff", "Wrong-password-1")
        await login(conn, "staff")


async def test_the_lock_ends_after_its_period(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """With the lock shortened to a second by policy, the right password works again."""
    await make_user(conn, centre, username="staff")
    short = LoginPolicy(lock_seconds=1)
    for _ in range(5):
        with pytest.raises((errors.CredentialsInvalid, errors.AccountLocked)):
            await login(conn, "staff", "Wrong-password-1", policy=short)
    with pytest.raises(errors.AccountLocked):
        await login(conn, "staff", policy=short)
    await asyncio.sleep(1.2)
    issued = await login(conn, "staff", policy=short)
    assert issued.session.kind is SessionKind.BEARER


async def test_an_address_with_too_many_failures_is_refused(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """After 20 failures from one address, the next login is refused, even a right one."""
    await make_user(conn, centre, username="staff")
    for i in range(20):
        with pytest.raises(errors.CredentialsInvalid):
            await login(conn, f"guess{i}", "Wrong-password-1")
    with pytest.raises(errors.LoginRateLimited) as limited:
        await login(conn, "staff")
    assert limited.value.code == "login_rate_limited"
    issued = await login(conn, "staff", address="198.51.100.7")
    assert TOKEN.fullmatch(issued.token)


async def test_a_forged_token_is_invalid(conn: asyncpg.Connection, centre: Organisation) -> None:
    """A well-formed token that was never issued, or garbage, is token_invalid."""
    await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    forged = ("A" if issued.token[0] != "A" else "B") + issued.token[1:]
    for token in (forged, "", "not a token", issued.token + "=", issued.token[:-1] + "~"):
        with pytest.raises(errors.TokenInvalid) as refused:
            await service.authenticate(conn, token, address=ADDRESS)
        assert refused.value.code == "token_invalid"


async def test_logout_really_revokes(conn: asyncpg.Connection, centre: Organisation) -> None:
    """After logout the same token is session_expired, and auth.logout is logged."""
    await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    actor = await service.authenticate(conn, issued.token, address=ADDRESS)
    await service.logout(conn, actor)
    assert await last_entry_kind(conn) == "auth.logout"
    with pytest.raises(errors.SessionExpired):
        await service.authenticate(conn, issued.token, address=ADDRESS)


async def test_an_expired_token_is_refused(conn: asyncpg.Connection, centre: Organisation) -> None:
    """A one-second lifetime set by policy: the database clock ends the session."""
    await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff", policy=LoginPolicy(token_ttl_seconds=1))
    await service.authenticate(conn, issued.token, address=ADDRESS)
    await asyncio.sleep(1.2)
    with pytest.raises(errors.SessionExpired) as expired:
        await service.authenticate(conn, issued.token, address=ADDRESS)
    assert expired.value.code == "session_expired"


async def test_a_password_change_ends_every_session(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Old tokens stop working once the password changes."""
    user = await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    actor = await service.authenticate(conn, issued.token, address=ADDRESS)
    await service.set_password(conn, actor, user_id=user.id, password="Another-secret-7")
    with pytest.raises(errors.SessionExpired):
        await service.authenticate(conn, issued.token, address=ADDRESS)
    with pytest.raises(errors.CredentialsInvalid):
        await login(conn, "staff")
    await login(conn, "staff", "Another-secret-7")


async def test_racing_failures_are_all_counted(pool: asyncpg.Pool, centre: Organisation) -> None:
    """Five wrong passwords at once on five connections still lock the account."""
    async with pool.acquire() as setup:
        await make_user(setup, centre, username="staff")

    async def attempt() -> str:
        async with pool.acquire() as conn:
            try:
                await login(conn, "staff", "Wrong-password-1")
            except (errors.CredentialsInvalid, errors.AccountLocked) as refused:
                return refused.code
        return "accepted"

    codes = await asyncio.gather(*(attempt() for _ in range(5)))
    assert "accepted" not in codes
    async with pool.acquire() as conn:
        with pytest.raises(errors.AccountLocked):
            await login(conn, "staff")
