"""Test databases handed from test to test: reset to the template's rows, not cloned anew.

Cloning the migrated template (``CREATE DATABASE … TEMPLATE``) cost PostgreSQL about
0.4 s of CPU per test (1,100 relation files and 14 MB of WAL for every clone), a third
of the whole suite's CPU on two cores (session 13: the suite ran 23 min against an aim
of 15). A test leaves a handful of rows in a few of the 132 tables, so a used database
is put back instead: every other session on it ended, the tables that hold rows
emptied, the three tables the migrations fill given their rows back, the sequences
set back — with triggers and rules off (``session_replication_role = replica``, as a
superuser) so that the append-only guards of the log do not stop the reset.

A reset that cannot be trusted is not attempted: a fingerprint of the catalogs (every
relation and its file, column, constraint, trigger and its state, rule, function body
and grant) is taken from the template, and a database whose catalogs no longer match
it (a test changed the schema, disabled a trigger, truncated a table) is dropped and
the next test gets a fresh clone. So a test still starts on exactly the template's
schema and rows, as before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io

import asyncpg

_FINGERPRINT = """
SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
    SELECT 'c' || c.oid || ':' || c.relfilenode || c.relkind::text || c.relhastriggers
        || c.relrowsecurity || c.relnatts || coalesce(c.relacl::text, '')
      FROM pg_class c WHERE c.relpersistence <> 't'
    UNION ALL SELECT 'a' || attrelid || ':' || attnum || attname || atttypid || attnotnull
        || atthasdef || attisdropped || attidentity::text || attgenerated::text
      FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0
    UNION ALL SELECT 'd' || oid || md5(pg_get_expr(adbin, adrelid)) FROM pg_attrdef
    UNION ALL SELECT 'k' || oid || convalidated FROM pg_constraint
    UNION ALL SELECT 't' || oid || tgenabled::text FROM pg_trigger
    UNION ALL SELECT 'r' || oid || ev_enabled::text FROM pg_rewrite
    UNION ALL SELECT 'p' || oid || md5(prosrc) || coalesce(proacl::text, '') || proowner
      FROM pg_proc WHERE oid >= 16384
    UNION ALL SELECT 'n' || oid || coalesce(nspacl::text, '') FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
    UNION ALL SELECT 'e' || oid || evtenabled::text FROM pg_event_trigger
    UNION ALL SELECT 'l' || count(*) FROM pg_largeobject_metadata
) s(x)
"""

_TABLES = """
SELECT n.nspname, c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\\_%'
 ORDER BY 1, 2
"""

_COLUMNS = """
SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
 WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
"""

_SEQUENCES = """
SELECT format('%I.%I', schemaname, sequencename), start_value, last_value
  FROM pg_sequences ORDER BY 1
"""

_OTHER_SESSIONS = """
SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Seeded:
    """A table that holds rows in the template: its columns and rows (COPY binary)."""

    schema: str
    name: str
    columns: list[str]  # generated columns left out: computed again on the way back in
    rows: bytes


@dataclasses.dataclass(frozen=True, kw_only=True)
class Baseline:
    """What a fresh clone of a template holds, read once from the template."""

    fingerprint: str
    tables: tuple[str, ...]  # quoted, schema-qualified
    seeded: dict[str, Seeded]
    # (name, start value, last value — None while never called)
    sequences: tuple[tuple[str, int, int | None], ...]

    def probe(self) -> str:
        """One query naming the tables that hold a row."""
        arms = ",".join(f"('{t}', EXISTS (SELECT 1 FROM {t}))" for t in self.tables)
        return f"SELECT t FROM (VALUES {arms}) v(t, used) WHERE used"


def _quoted(schema: str, name: str) -> str:
    return '"{}"."{}"'.format(schema.replace('"', '""'), name.replace('"', '""'))


async def baseline(conn: asyncpg.Connection) -> Baseline:
    """Read a template's state (a superuser connection to the template)."""
    tables: list[str] = []
    seeded: dict[str, Seeded] = {}
    for schema, name in await conn.fetch(_TABLES):
        table = _quoted(schema, name)
        tables.append(table)
        if not await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            continue
        columns: list[str] = await conn.fetchval(_COLUMNS, table)
        chunks: list[bytes] = []

        async def sink(chunk: bytes, chunks: list[bytes] = chunks) -> None:
            chunks.append(chunk)

        listed = ", ".join('"{}"'.format(c.replace('"', '""')) for c in columns)
        await conn.copy_from_query(f"SELECT {listed} FROM {table}", output=sink, format="binary")
        seeded[table] = Seeded(schema=schema, name=name, columns=columns, rows=b"".join(chunks))
    sequences = tuple((r[0], r[1], r[2]) for r in await conn.fetch(_SEQUENCES))
    fingerprint: str = await conn.fetchval(_FINGERPRINT)
    return Baseline(
        fingerprint=fingerprint, tables=tuple(tables), seeded=seeded, sequences=sequences
    )


async def reset(conn: asyncpg.Connection, base: Baseline) -> bool:
    """Put a used database back to its template's state; False if it cannot be.

    ``conn`` is a superuser connection to that database. Every other session on it is
    ended first (a leftover server's pool must not write into the next test).
    """
    while pids := [r[0] for r in await conn.fetch(_OTHER_SESSIONS)]:
        await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid", pids)
        await asyncio.sleep(0.005)
    if await conn.fetchval(_FINGERPRINT) != base.fingerprint:
        return False
    used = {r[0] for r in await conn.fetch(base.probe())}
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        for table in sorted(used | base.seeded.keys()):
            await conn.execute(f"DELETE FROM {table}")
        for seed in base.seeded.values():
            await conn.copy_to_table(
                seed.name,
                schema_name=seed.schema,
                columns=seed.columns,
                source=io.BytesIO(seed.rows),
                format="binary",
            )
        for sequence, start, value in base.sequences:
            if value is None:
                await conn.execute("SELECT setval($1::regclass, $2, false)", sequence, start)
            else:
                await conn.execute("SELECT setval($1::regclass, $2, true)", sequence, value)
    return True


class Shelf:
    """One test process's used clones, by the template they were cloned from."""

    def __init__(self) -> None:
        self.baselines: dict[str, Baseline] = {}
        self.spare: dict[str, list[str]] = {}

    def take(self, source: str) -> str | None:
        """A spare clone of ``source`` in its state, if one is on the shelf."""
        spare = self.spare.get(source)
        return spare.pop() if spare else None

    def put(self, source: str, name: str) -> None:
        self.spare.setdefault(source, []).append(name)

    def orphans(self, source: str) -> list[str]:
        """Spare clones of a database that is about to change (they are dropped)."""
        self.baselines.pop(source, None)
        return self.spare.pop(source, [])
