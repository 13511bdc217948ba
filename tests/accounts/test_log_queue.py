"""The accounts' entries queue for the sequencer (docs/audit-log.md §2.2; issue 17 item 2).

A login, a logout, a role grant and an account change each queue their entry in their
own transaction — a plain INSERT into ``log_queue`` — instead of appending it under the
row lock on ``log_head``: none reads its index there, so none waits for another
change's commit. The entry gets its gap-free index when the leader integrates it; a
rolled-back change queues nothing.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from accounts import errors
from accounts.model import Organisation, OrgKind, Role
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from accounts.users import service as users
from audit import service as audit
from signing.log.entry import LogEntry
from tests.accounts.factory import ADDRESS, CONSOLE, PASSWORD, make_organisation, make_user


async def _login(conn: asyncpg.Connection, username: str) -> str:
    issued = await sessions.login(
        conn, username=username, password=PASSWORD, address=ADDRESS,
        kind=SessionKind.BEARER, policy=LoginPolicy(),
    )  # fmt: skip
    return issued.token


async def test_a_login_and_a_grant_commit_while_another_transaction_holds_the_log_head(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The head's row lock held by a long change (a direct append not yet committed)
    delays no login, logout or grant; the leader then indexes them in commit order."""
    user = await make_user(conn, centre, username="queued")
    bidder = await make_organisation(conn, OrgKind.BIDDER)
    size = await conn.fetchval("SELECT size FROM log_head")
    holder = owner_conn.transaction()
    await holder.start()
    await owner_conn.execute("SELECT size FROM log_head FOR UPDATE")
    try:
        async with asyncio.timeout(30):  # a lock wait would hang here, not slow it down
            token = await _login(conn, "queued")
            actor = await sessions.authenticate(conn, token, address=ADDRESS)
            await sessions.logout(conn, actor)
            await users.grant_role(conn, CONSOLE, user_id=user.id, role=Role.CENTRE_STAFF)
            other = await make_user_without_integrating(conn, bidder)
    finally:
        await holder.rollback()
    assert await conn.fetchval("SELECT size FROM log_head") == size  # nothing indexed yet
    queued = await conn.fetch("SELECT id, kind FROM log_queue ORDER BY id")
    assert [r["kind"] for r in queued] == [
        "auth.login", "auth.logout", "auth.role_granted", "account.user_created",
    ]  # fmt: skip
    assert await audit.integrate(conn) == size + 4
    indexes = await audit.indexes_of(conn, [r["id"] for r in queued])
    assert sorted(indexes.values()) == list(range(size, size + 4))  # gap-free, in order
    raw = await conn.fetchval("SELECT entry FROM log_entries WHERE idx = $1", size + 3)
    subject = LogEntry.from_bytes(raw).subject
    assert subject is not None
    assert subject.id == other
    assert await conn.fetchval("SELECT count(*) FROM log_queue") == 0


async def make_user_without_integrating(conn: asyncpg.Connection, org: Organisation) -> str:
    created = await users.create_user(
        conn, CONSOLE, organisation_id=org.id, username="other", display_name="测试用户",
        password=None,
    )  # fmt: skip
    return str(created.id)


async def test_a_refused_change_queues_nothing(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A refused login (a wrong password) queues no entry: refusals are counted in the
    security-events table, never logged (docs/audit-log.md §1)."""
    await make_user(conn, centre, username="refused")
    with pytest.raises(errors.CredentialsInvalid):
        await sessions.login(
            conn, username="refused", password="wrong-" + PASSWORD, address=ADDRESS,
            kind=SessionKind.BEARER, policy=LoginPolicy(),
        )  # fmt: skip
    assert await conn.fetchval("SELECT count(*) FROM log_queue") == 0
