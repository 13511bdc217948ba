"""The application role cannot rewrite the log's bookkeeping (issue 9, item 17).

Migration 0056: ``log_head``, ``log_cosignatures``, ``log_witnesses`` and
``security_events`` refuse UPDATE and DELETE from ``etender_app``; the writes the
application needs go through SECURITY DEFINER functions, which still work.
"""

from __future__ import annotations

import asyncpg
import pytest

from audit import queries

REFUSED = [
    ("log_head", "UPDATE log_head SET size = 0"),
    ("log_head", "DELETE FROM log_head"),
    ("log_cosignatures", "UPDATE log_cosignatures SET line = ''"),
    ("log_cosignatures", "DELETE FROM log_cosignatures"),
    ("log_witnesses", "UPDATE log_witnesses SET vkey = ''"),
    ("log_witnesses", "DELETE FROM log_witnesses"),
    ("security_events", "UPDATE security_events SET count = 1"),
    ("security_events", "DELETE FROM security_events"),
    ("log_entries", "INSERT INTO log_entries (idx, entry, kind) VALUES (999999, '', 'x')"),
    ("log_nodes", "INSERT INTO log_nodes (level, idx, hash) VALUES (0, 999999, '')"),
]


@pytest.mark.parametrize(("table", "statement"), REFUSED, ids=[s for _, s in REFUSED])
async def test_app_role_cannot_update_or_delete_log_bookkeeping(
    pool: asyncpg.Pool, table: str, statement: str
) -> None:
    """UPDATE/DELETE on each table (and a leaf bypassing log_append) is refused."""
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT current_user") == "etender_app"
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match=table):
            await conn.execute(statement)


async def test_app_role_still_appends_counts_and_claims_through_functions(
    pool: asyncpg.Pool, owner_conn: asyncpg.Connection
) -> None:
    """log_append, the security-event counter and the summary claim run as the app."""
    async with pool.acquire() as conn:
        first = await queries.append_entries(conn, [(b"one", "test.one"), (b"two", "test.two")])
        assert await queries.log_size(conn) == first + 2
        assert await queries.count_security_event(conn, "auth.login_failed", "a", "s") == 1
        assert await queries.count_security_event(conn, "auth.login_failed", "a", "s") == 2
    await owner_conn.execute("UPDATE security_events SET bucket = bucket - interval '2 minutes'")
    async with pool.acquire() as conn:
        claimed = await queries.claim_security_events(conn)
        assert [(r["kind"], r["count"]) for r in claimed] == [("auth.login_failed", 2)]
        assert await queries.claim_security_events(conn) == []


async def test_functions_run_with_a_fixed_search_path(owner_conn: asyncpg.Connection) -> None:
    """Every SECURITY DEFINER function pins search_path (no shadowing by pg_temp)."""
    rows = await owner_conn.fetch(
        "SELECT proname, proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND prosecdef"
    )
    assert {r["proname"] for r in rows} >= {
        "log_append", "log_store_cosignature", "security_event_count", "security_events_claim"
    }  # fmt: skip
    for row in rows:
        assert "search_path=pg_catalog, public, pg_temp" in (row["proconfig"] or []), row
