"""tests/dbreset.py: a used test database is handed on only while its catalogs are the
template's — each kind of schema change is seen, rows and temporary tables are not."""

from __future__ import annotations

import asyncpg
import pytest

from tests import dbreset
from tests.conftest import TEMPLATE, CloneDatabase, PgServer

CHANGES = [
    "ALTER TABLE log_entries DISABLE TRIGGER ALL",
    "TRUNCATE log_head CASCADE",
    "CREATE TABLE stray (a int)",
    "ALTER TABLE log_entries ADD COLUMN stray int",
    "ALTER TABLE log_entries ALTER COLUMN kind SET DEFAULT 'x'",
    "CREATE INDEX stray ON log_entries (kind)",
    "CREATE FUNCTION stray() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE SCHEMA stray",
    "CREATE RULE stray AS ON INSERT TO log_head DO INSTEAD NOTHING",
    "ALTER TABLE log_entries ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY stray ON log_entries USING (true)",
    "DROP TABLE IF EXISTS log_head CASCADE",
]


@pytest.fixture
async def owner(database: CloneDatabase) -> asyncpg.Connection:
    conn = await asyncpg.connect(database.owner_dsn)
    yield conn
    await conn.close()


@pytest.mark.parametrize("change", CHANGES)
async def test_a_change_of_the_schema_is_seen_and_a_rolled_back_one_is_not(
    pg_server: PgServer, owner: asyncpg.Connection, change: str
) -> None:
    base = pg_server.shelf.baselines[TEMPLATE]
    assert await dbreset._fingerprint(owner) == base.fingerprint
    tx = owner.transaction()
    await tx.start()
    await owner.execute(change)
    assert await dbreset._fingerprint(owner) != base.fingerprint
    await tx.rollback()
    assert await dbreset._fingerprint(owner) == base.fingerprint


async def test_rows_sequences_and_temporary_tables_leave_the_fingerprint(
    pg_server: PgServer, owner: asyncpg.Connection, database: CloneDatabase
) -> None:
    base = pg_server.shelf.baselines[TEMPLATE]
    other = await asyncpg.connect(database.owner_dsn)
    await other.execute("CREATE TEMP TABLE scratch (a int)")
    sequence = await other.fetchval(
        "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences LIMIT 1"
    )
    await other.execute("SELECT nextval($1::regclass)", sequence)
    await other.close()
    await owner.execute("ANALYZE")
    assert await dbreset.reset(owner, base) is True
    assert await dbreset._fingerprint(owner) == base.fingerprint
    # ... and the reset put the sequence and every table back to the template's state.
    sequences = await owner.fetch(
        "SELECT format('%I.%I', schemaname, sequencename), start_value, last_value"
        "  FROM pg_sequences ORDER BY 1"
    )
    assert tuple((r[0], r[1], r[2]) for r in sequences) == base.sequences
    assert {r[0] for r in await owner.fetch(base.probe())} == set(base.seeded)
