"""SQL of the stored rule versions (0082 ``monitoring_rules``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg


@dataclass(frozen=True, slots=True)
class StoredRule:
    """One stored version of a rule, as written (validated before it was stored)."""

    name: str
    version: int
    definition: dict[str, Any]
    changed_by: UUID
    changed_at: datetime
    note: str


_COLUMNS = "name, version, definition, changed_by, changed_at, note"

LATEST = f"""
SELECT DISTINCT ON (name) {_COLUMNS} FROM monitoring_rules ORDER BY name, version DESC
"""  # noqa: S608

HISTORY = f"SELECT {_COLUMNS} FROM monitoring_rules WHERE name = $1 ORDER BY version"  # noqa: S608

# Versions of one rule are numbered under a transaction lock on its name, so two
# supervisors saving at once cannot both write version n + 1 (the PK would refuse one).
LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('monitoring_rules:' || $1, 0))"

CURRENT_VERSION = "SELECT coalesce(max(version), 0) FROM monitoring_rules WHERE name = $1"

INSERT = f"""
INSERT INTO monitoring_rules (name, version, definition, changed_by, changed_at, note)
VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING {_COLUMNS}
"""  # noqa: S608


def _stored(row: asyncpg.Record) -> StoredRule:
    definition = row["definition"]
    if isinstance(definition, str):
        definition = json.loads(definition)
    return StoredRule(
        row["name"], row["version"], definition, row["changed_by"], row["changed_at"], row["note"]
    )


async def latest(conn: asyncpg.Connection) -> list[StoredRule]:
    return [_stored(row) for row in await conn.fetch(LATEST)]


async def history(conn: asyncpg.Connection, name: str) -> list[StoredRule]:
    return [_stored(row) for row in await conn.fetch(HISTORY, name)]


async def lock_and_version(conn: asyncpg.Connection, name: str) -> int:
    await conn.execute(LOCK, name)
    return int(await conn.fetchval(CURRENT_VERSION, name))


async def insert(
    conn: asyncpg.Connection, name: str, version: int, definition: dict[str, Any],
    changed_by: UUID, changed_at: datetime, note: str,
) -> StoredRule:  # fmt: skip
    row = await conn.fetchrow(
        INSERT, name, version, json.dumps(definition), changed_by, changed_at, note
    )
    assert row is not None
    return _stored(row)
