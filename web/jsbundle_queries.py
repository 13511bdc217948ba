"""SQL of web/jsbundle.py: has a script bundle's SHA-256 been published in the log?"""

from __future__ import annotations

import asyncpg

LOCK_PUBLICATION = "SELECT pg_advisory_xact_lock(hashtext('web.script_bundle_published'))"


async def lock_publication(conn: asyncpg.Connection) -> None:
    """Serialise start-ups' publications (held until the transaction ends)."""
    await conn.execute(LOCK_PUBLICATION)


# Entries are canonical JSON bytes (docs/audit-log.md §1); the kind index narrows the scan.
BUNDLE_PUBLISHED = """
SELECT EXISTS (
    SELECT 1 FROM log_entries
    WHERE kind = $1 AND convert_from(entry, 'UTF8')::jsonb -> 'data' ->> 'sha256' = $2
)
"""


async def bundle_published(conn: asyncpg.Connection, kind: str, sha256: str) -> bool:
    published: bool = await conn.fetchval(BUNDLE_PUBLISHED, kind, sha256)
    return published
