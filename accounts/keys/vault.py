"""The server's half of a member's browser vault (docs/browser-signing.md §3).

The browser encrypts its vault records (sheet drafts, sealed-but-unrevealed sheets and
their keys) with this per-user key, so another member on a shared browser profile reads
nothing there (DESIGN.md "Blind scoring"), and the server, holding only this key, reads
nothing either. The key is a secret like a password: never logged, never in the
transparency log.
"""

from __future__ import annotations

import secrets
from uuid import UUID

import asyncpg

from accounts.keys import vault_queries as queries

VAULT_KEY_BYTES = 32


async def vault_key(conn: asyncpg.Connection, user_id: UUID) -> bytes:
    """The member's vault key, made on first use; the same key ever after."""
    async with conn.transaction():
        key = await queries.vault_key(conn, user_id)
        if key is None:
            await queries.insert_vault_key(conn, user_id, secrets.token_bytes(VAULT_KEY_BYTES))
            key = await queries.vault_key(conn, user_id)
    assert key is not None  # just inserted, or inserted by a concurrent first use
    return key
