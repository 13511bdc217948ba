"""Logins, throttling, rate limiting, sessions and tokens, on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re

import asyncpg
import pytest

from accounts import errors
from accounts.model import Organisation, OrgKind, Role
from accounts.sessions import service as sessions
from accounts.sessions.model import IssuedToken, LoginPolicy, SessionKind
from accounts.sessions.throttle import ThrottlePolicy
from accounts.users import service as users
from signing.log.entry import LogEntry
from tests.accounts.factory import (
    ADDRESS,
    PASSWORD,
    count_rows,
    last_entry_kind,
    log_size,
    make_organisation,
    make_user,
    newest_entry,
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
    return await sessions.login(
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
    raw = await newest_entry(conn)
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
    actor = await sessions.authenticate(conn, issued.token, address="198.51.100.7")
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


# Waits of minutes, so no test depends on how fast it runs; the documented numbers
# (1 s doubling to 900 s) are checked with the time passed in
# (tests/accounts/sessions/test_throttle.py).
SLOW = LoginPolicy(throttle=ThrottlePolicy(backoff_base_seconds=60, backoff_max_seconds=3600))


async def _failures(conn: asyncpg.Connection, username: str, times: int, **how: str) -> None:
    for _ in range(times):
        with pytest.raises(errors.CredentialsInvalid):
            await login(conn, username, "Wrong-password-1", policy=SLOW, **how)


async def _wait_passes(conn: asyncpg.Connection, seconds: float) -> None:
    """Time passes for the throttle: every remembered attempt moves back (no sleeping)."""
    await conn.execute(
        "UPDATE login_attempts SET at = at - make_interval(secs => $1)", float(seconds)
    )


def _wait_of(refused: errors.AccountsError) -> int:
    assert isinstance(refused.details, dict)
    wait: int = refused.details["retry_after_seconds"]
    return wait


async def test_failures_slow_down_their_own_username_and_address_only(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Three failures from one address: that pair waits; the right password elsewhere works.

    The old lockout refused the right password from every address: a competitor could
    keep a bidder out until the deadline (issue 9, item 8).
    """
    await make_user(conn, centre, username="staff")
    await _failures(conn, "staff", 3)
    with pytest.raises(errors.LoginThrottled) as throttled:
        await login(conn, "staff", policy=SLOW)  # even the right password, same address
    assert throttled.value.code == "login_throttled"
    assert 0 < _wait_of(throttled.value) <= 60
    for _ in range(2):  # and again: nothing locks the account
        issued = await login(conn, "staff", address="198.51.100.7", policy=SLOW)
        assert TOKEN.fullmatch(issued.token)


async def test_the_wait_doubles_with_each_failure_and_ends_when_waited(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """After 3, 4, 5 failures the pair waits 1, 2, 4 units; once waited, the password works."""
    await make_user(conn, centre, username="staff")
    await _failures(conn, "staff", 3)
    waits = []
    for failures in (3, 4, 5):
        with pytest.raises(errors.LoginThrottled) as throttled:
            await login(conn, "staff", "Wrong-password-1", policy=SLOW)
        waits.append(_wait_of(throttled.value))
        await _wait_passes(conn, 60 * 2 ** (failures - 3))
        if failures < 5:
            await _failures(conn, "staff", 1)
    assert [w > limit / 2 for w, limit in zip(waits, (60, 120, 240), strict=True)] == [True] * 3
    assert [w <= limit for w, limit in zip(waits, (60, 120, 240), strict=True)] == [True] * 3
    assert TOKEN.fullmatch((await login(conn, "staff", policy=SLOW)).token)


async def test_the_wait_has_a_cap(conn: asyncpg.Connection, centre: Organisation) -> None:
    """However many failures are remembered, a pair never waits more than the cap."""
    await make_user(conn, centre, username="staff")
    await _failures(conn, "staff", 3)
    for _ in range(10):
        await _wait_passes(conn, 3600)
        await _failures(conn, "staff", 1)
    with pytest.raises(errors.LoginThrottled) as throttled:
        await login(conn, "staff", policy=SLOW)
    assert 1800 < _wait_of(throttled.value) <= 3600


async def test_a_right_password_clears_the_pairs_failures(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Two failures, a success, then three more failures before any wait."""
    await make_user(conn, centre, username="staff")
    await _failures(conn, "staff", 2)
    await login(conn, "staff", policy=SLOW)
    await _failures(conn, "staff", 3)
    with pytest.raises(errors.LoginThrottled):
        await login(conn, "staff", policy=SLOW)


async def test_known_and_unknown_usernames_are_throttled_alike(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Same codes and messages for a user who exists and one who does not."""
    await make_user(conn, centre, username="staff")
    answers: dict[str, list[tuple[str, str]]] = {}
    for name in ("staff", "nobody"):
        answers[name] = []
        for _ in range(5):
            try:
                await login(conn, name, "Wrong-password-1", policy=SLOW)
            except errors.AccountsError as refused:
                answers[name].append((refused.code, refused.message.split(":")[0]))
    assert answers["staff"] == answers["nobody"]
    codes = [code for code, _ in answers["staff"]]
    assert codes == ["credentials_invalid"] * 3 + ["login_throttled"] * 2


async def test_an_address_with_too_many_failures_is_refused(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """After 20 failures from one address within 2 minutes, the next login is refused."""
    await make_user(conn, centre, username="staff")
    for i in range(20):
        await _failures(conn, f"guess{i}", 1)
    with pytest.raises(errors.LoginRateLimited) as limited:
        await login(conn, "staff", policy=SLOW)
    assert limited.value.code == "login_rate_limited"
    assert 0 < _wait_of(limited.value) <= 120
    issued = await login(conn, "staff", address="198.51.100.7", policy=SLOW)
    assert TOKEN.fullmatch(issued.token)
    await _wait_passes(conn, 120)
    await login(conn, "staff", policy=SLOW)


async def test_attempts_in_flight_count_for_their_username_not_for_the_address(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """25 people behind one address signing in at once: nobody is refused for it."""
    await make_user(conn, centre, username="staff")
    await conn.executemany(
        "INSERT INTO login_attempts (name_sha256, address) VALUES ($1, $2)",
        [(sessions.login_name_key(f"person{i}"), ADDRESS) for i in range(25)],
    )
    await login(conn, "staff", policy=SLOW)
    pending = sessions.login_name_key("person0")
    await conn.execute(
        "INSERT INTO login_attempts (name_sha256, address) "
        "SELECT $1, $2 FROM generate_series(1, 3)",
        pending,
        ADDRESS,
    )
    with pytest.raises(errors.LoginThrottled):
        await login(conn, "person0", policy=SLOW)


async def test_failures_are_forgotten_after_a_day(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A day later the pair starts afresh, and the old rows are purged."""
    await make_user(conn, centre, username="staff")
    await _failures(conn, "staff", 3)
    await _wait_passes(conn, 24 * 3600 + 1)
    await _failures(conn, "staff", 1)  # not throttled; its write purges the old rows
    assert await count_rows(conn, "login_attempts") == 1


async def test_a_forged_token_is_invalid(conn: asyncpg.Connection, centre: Organisation) -> None:
    """A well-formed token that was never issued, or garbage, is token_invalid."""
    await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    forged = ("A" if issued.token[0] != "A" else "B") + issued.token[1:]
    for token in (forged, "", "not a token", issued.token + "=", issued.token[:-1] + "~"):
        with pytest.raises(errors.TokenInvalid) as refused:
            await sessions.authenticate(conn, token, address=ADDRESS)
        assert refused.value.code == "token_invalid"


async def test_logout_really_revokes(conn: asyncpg.Connection, centre: Organisation) -> None:
    """After logout the same token is session_expired, and auth.logout is logged."""
    await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    actor = await sessions.authenticate(conn, issued.token, address=ADDRESS)
    await sessions.logout(conn, actor)
    assert await last_entry_kind(conn) == "auth.logout"
    with pytest.raises(errors.SessionExpired):
        await sessions.authenticate(conn, issued.token, address=ADDRESS)


async def test_an_expired_token_is_refused(conn: asyncpg.Connection, centre: Organisation) -> None:
    """A one-second lifetime set by policy: the database clock ends the session."""
    await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff", policy=LoginPolicy(token_ttl_seconds=1))
    await sessions.authenticate(conn, issued.token, address=ADDRESS)
    await asyncio.sleep(1.2)
    with pytest.raises(errors.SessionExpired) as expired:
        await sessions.authenticate(conn, issued.token, address=ADDRESS)
    assert expired.value.code == "session_expired"


async def test_a_password_change_ends_every_session(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Old tokens stop working once the password changes."""
    user = await make_user(conn, centre, username="staff")
    issued = await login(conn, "staff")
    actor = await sessions.authenticate(conn, issued.token, address=ADDRESS)
    await users.set_password(conn, actor, user_id=user.id, password="Another-secret-7")
    with pytest.raises(errors.SessionExpired):
        await sessions.authenticate(conn, issued.token, address=ADDRESS)
    with pytest.raises(errors.CredentialsInvalid):
        await login(conn, "staff")
    await login(conn, "staff", "Another-secret-7")


async def test_racing_failures_are_all_counted(pool: asyncpg.Pool, centre: Organisation) -> None:
    """Five wrong passwords at once on five connections: each counts, none gets through."""
    async with pool.acquire() as setup:
        await make_user(setup, centre, username="staff")

    async def attempt() -> str:
        async with pool.acquire() as conn:
            try:
                await login(conn, "staff", "Wrong-password-1", policy=SLOW)
            except (errors.CredentialsInvalid, errors.LoginThrottled) as refused:
                return refused.code
        return "accepted"

    codes = await asyncio.gather(*(attempt() for _ in range(5)))
    assert sorted(codes) == ["credentials_invalid"] * 3 + ["login_throttled"] * 2
    async with pool.acquire() as conn:
        with pytest.raises(errors.LoginThrottled):
            await login(conn, "staff", policy=SLOW)


@pytest.mark.parametrize("role", [Role.BIDDER, Role.TENDERER])
async def test_a_hidden_roles_login_and_logout_name_nobody_but_the_session_keeps_who(
    conn: asyncpg.Connection, role: Role
) -> None:
    """docs/audit-log.md §1.3 (finding F1, session 16): a bidder's login a second before its
    anonymous bid, a tenderer's before its representative's act on a sealed committee,
    would name who acted; the session table, not the log, keeps the user and address."""
    kind = OrgKind.BIDDER if role is Role.BIDDER else OrgKind.TENDERER
    user = await make_user(conn, await make_organisation(conn, kind), role, username="party")
    issued = await login(conn, "party")
    actor = await sessions.authenticate(conn, issued.token, address=ADDRESS)
    await sessions.logout(conn, actor)
    for raw in await _newest(conn, 2):
        entry = LogEntry.from_bytes(raw)
        assert entry.kind in {"auth.login", "auth.logout"}
        assert (entry.actor.user_id, entry.actor.role, entry.address) == (None, str(role), None)
        assert str(user.id).encode() not in raw
        assert ADDRESS.encode() not in raw
    kept = await conn.fetchrow(
        "SELECT user_id, address FROM sessions WHERE id = $1", issued.session.id
    )
    assert (kept["user_id"], kept["address"]) == (user.id, ADDRESS)


async def _newest(conn: asyncpg.Connection, count: int) -> list[bytes]:
    await newest_entry(conn)  # integrates the queued entries (docs/audit-log.md §2.2)
    rows = await conn.fetch("SELECT entry FROM log_entries ORDER BY idx DESC LIMIT $1", count)
    return [bytes(r["entry"]) for r in rows]
