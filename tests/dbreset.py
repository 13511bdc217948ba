"""Test databases handed from test to test: reset to the template's rows, not cloned anew.

Cloning the migrated template (``CREATE DATABASE … TEMPLATE``) cost PostgreSQL about
0.4 s of CPU per test (1,100 relation files and 14 MB of WAL for every clone), a third
of the whole suite's CPU on two cores (session 13: the suite ran 23 min against an aim
of 15). A test leaves a handful of rows in a few of the 132 tables, so a used database
is put back instead: every other session on it ended, the tables that hold rows
emptied, the three tables the migrations fill given their rows back, the sequences
set back — with triggers and rules off (``session_replication_role = replica``, as a
superuser) so that the append-only guards of the log do not stop the reset.

A reset that cannot be trusted is not attempted: a fingerprint of the catalogs (of
relations, columns, defaults, constraints, indexes, triggers, rules, functions, types,
policies, schemas: each one's count of rows and newest row version) is taken from the
template, and a database whose catalogs no longer match it (a test changed the schema,
disabled a trigger, truncated a table) is dropped and
the next test gets a fresh clone. So a test still starts on exactly the template's
schema and rows, as before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io

import asyncpg

# Every change to a catalog row writes a new row version, stamped with its transaction's
# id (xmin), and ids only grow: so a catalog no statement changed since the template has
# the template's count of live rows and the template's newest xmin. (Statistics that
# VACUUM and ANALYZE keep in pg_class are updated in place, without a new version.) This
# reads ten catalogs in about 1 ms; the column-by-column digest it replaced took 10–25
# ms of PostgreSQL's CPU per test, three quarters of the whole reset (session 16).
_CATALOGS = (
    "pg_class", "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index", "pg_trigger",
    "pg_rewrite", "pg_proc", "pg_type", "pg_policy", "pg_event_trigger", "pg_depend",
    "pg_largeobject_metadata",
)  # fmt: skip
_FINGERPRINT = " UNION ALL ".join(
    f"SELECT '{c}', count(*), coalesce(max(xmin::text::bigint), 0) FROM {c}" for c in _CATALOGS
) + (
    # Temporary schemas (pg_temp_N) stay once a session made one; they hold nothing now.
    " UNION ALL SELECT 'pg_namespace', count(*), coalesce(max(xmin::text::bigint), 0)"
    " FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_temp\\_%'"
    " AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
)

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


async def _fingerprint(conn: asyncpg.Connection) -> str:
    return repr(sorted(tuple(r) for r in await conn.fetch(_FINGERPRINT)))


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
    fingerprint = await _fingerprint(conn)
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
    if await _fingerprint(conn) != base.fingerprint:
        return False
    used = {r[0] for r in await conn.fetch(base.probe())}
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        # One round trip for every table, one for every sequence (13 and more apiece).
        emptied = sorted(used | base.seeded.keys())
        if emptied:
            await conn.execute(";".join(f"DELETE FROM {table}" for table in emptied))
        for seed in base.seeded.values():
            await conn.copy_to_table(
                seed.name,
                schema_name=seed.schema,
                columns=seed.columns,
                source=io.BytesIO(seed.rows),
                format="binary",
            )
        await conn.execute(
            "SELECT setval(s::regclass, v, called)"
            "  FROM unnest($1::text[], $2::bigint[], $3::bool[]) AS x(s, v, called)",
            [sequence for sequence, _, _ in base.sequences],
            [start if value is None else value for _, start, value in base.sequences],
            [value is not None for _, _, value in base.sequences],
        )
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
