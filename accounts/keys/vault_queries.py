"""All SQL of members' vault keys (migration 0070)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

# A concurrent first use by two tabs: the second insert does nothing, both read the one key.
INSERT_VAULT_KEY = """
INSERT INTO user_vault_keys (user_id, key) VALUES ($1, $2)
ON CONFLICT (user_id) DO NOTHING
"""

SELECT_VAULT_KEY = "SELECT key FROM user_vault_keys WHERE user_id = $1"


async def vault_key(conn: asyncpg.Connection, user_id: UUID) -> bytes | None:
    value = await conn.fetchval(SELECT_VAULT_KEY, user_id)
    return None if value is None else bytes(value)


async def insert_vault_key(conn: asyncpg.Connection, user_id: UUID, key: bytes) -> None:
    await conn.execute(INSERT_VAULT_KEY, user_id, key)
