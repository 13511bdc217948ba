"""Numbered, forward-only SQL migrations, each applied in its own transaction.

Files are ``web/db/migrations/NNNN_name.sql``, numbered upwards (gaps allowed, so
parallel work can reserve ranges). A migration already applied is never
edited: its SHA-256 is recorded and a changed file stops the server with a clear error.
An advisory lock keeps two processes from migrating at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import re
from importlib import resources

import asyncpg

from web.errors import MigrationError

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# An arbitrary constant shared by every etender process (pg_advisory_lock key space).
MIGRATION_LOCK_KEY = 0x65_74_65_6E_64_65_72

CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    sha256 text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
)
"""
TABLE_EXISTS = "SELECT to_regclass('schema_migrations') IS NOT NULL"
SELECT_APPLIED = "SELECT version, name, sha256 FROM schema_migrations ORDER BY version"
INSERT_APPLIED = "INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations() -> tuple[Migration, ...]:
    """Every migration shipped with the package, in order; gaps and duplicates refused."""
    found: list[Migration] = []
    for entry in resources.files("web.db.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match is None:
            continue
        found.append(
            Migration(version=int(match[1]), name=match[2], sql=entry.read_text(encoding="utf-8"))
        )
    found.sort(key=lambda m: m.version)
    for before, after in itertools.pairwise(found):
        if before.version == after.version:
            raise MigrationError(f"two migrations are numbered {after.version:04d}")
    return tuple(found)


async def pending(conn: asyncpg.Connection) -> tuple[Migration, ...]:
    """Migrations not yet applied; a changed applied migration is an error."""
    exists = await conn.fetchval(TABLE_EXISTS)
    applied = {r["version"]: r for r in await conn.fetch(SELECT_APPLIED)} if exists else {}
    result = []
    newest = max(applied, default=0)
    for migration in load_migrations():
        row = applied.get(migration.version)
        if row is None:
            if migration.version < newest:
                # Forward-only: a migration slipped in below one already applied would
                # run in a different order here than on a fresh database.
                raise MigrationError(
                    f"migration {migration.version:04d}_{migration.name} is numbered below "
                    f"{newest:04d}, which is applied already; renumber it above"
                )
            result.append(migration)
        elif row["sha256"] != migration.sha256:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} was changed after it was "
                "applied; migrations are forward-only: add a new one instead"
            )
    return tuple(result)


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply every pending migration; return the names applied (empty: nothing to do)."""
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    try:
        # Only when missing: a server that runs as the application role (DATABASE_URL
        # naming etender_app, migrations applied by the owner) may not create tables,
        # and `CREATE TABLE IF NOT EXISTS` checks that privilege even when it exists.
        if not await conn.fetchval(TABLE_EXISTS):
            await conn.execute(CREATE_MIGRATIONS_TABLE)
        done = []
        for migration in await pending(conn):
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    INSERT_APPLIED, migration.version, migration.name, migration.sha256
                )
            label = f"{migration.version:04d}_{migration.name}"
            log.info("db.migrated", extra={"migration": label})
            done.append(label)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


async def is_current(conn: asyncpg.Connection) -> bool:
    """Whether every shipped migration is applied (for /readyz)."""
    try:
        return not await pending(conn)
    except MigrationError:
        return False
