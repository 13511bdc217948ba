"""Migrations: forward-only, idempotent, and the schema they build is what the code expects."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import asyncpg
import pytest

from tests.packages import OURS
from web.db import migrate as migrations
from web.errors import MigrationError

ROOT = Path(__file__).resolve().parents[2]
STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


def sql_constants() -> list[tuple[str, str]]:
    """Every module-level SQL string constant in the packages' queries modules."""
    found = []
    for package in OURS:  # every package's queries modules (live/ has SQL too)
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if not info.name.endswith("queries"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if name.isupper() and isinstance(value, str) and STATEMENT.match(value):
                    found.append((f"{info.name}.{name}", value))
    return found


async def test_a_second_migration_run_is_a_no_op(pool: asyncpg.Pool) -> None:
    """The template is migrated; migrating again applies nothing."""
    async with pool.acquire() as conn:
        assert await migrations.pending(conn) == ()


async def test_every_shipped_migration_is_recorded(owner_conn: asyncpg.Connection) -> None:
    """schema_migrations lists each file with its SHA-256."""
    rows = await owner_conn.fetch("SELECT version, sha256 FROM schema_migrations ORDER BY 1")
    shipped = migrations.load_migrations()
    assert [(r["version"], r["sha256"]) for r in rows] == [(m.version, m.sha256) for m in shipped]


async def test_a_changed_applied_migration_stops_the_server(
    owner_conn: asyncpg.Connection,
) -> None:
    """Forward-only: editing an applied migration is detected, not silently re-run."""
    await owner_conn.execute("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1")
    with pytest.raises(MigrationError, match="forward-only"):
        await migrations.pending(owner_conn)


def test_there_are_queries_to_check() -> None:
    """The schema check below has something to check (guards a broken discovery)."""
    names = {name for name, _ in sql_constants()}
    assert "audit.queries.APPEND" in names


async def test_every_query_prepares_against_the_migrated_schema(pool: asyncpg.Pool) -> None:
    """Every SQL constant the code holds is valid against the schema migrations build."""
    failures = []
    async with pool.acquire() as conn:
        for name, sql in sql_constants():
            try:
                await conn.prepare(sql)
            except asyncpg.PostgresError as exc:
                failures.append(f"{name}: {exc}")
    assert failures == []
