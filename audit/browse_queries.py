"""The SQL of the audit administrator's log browser (read only; audit/browse_service.py)."""

from __future__ import annotations

import asyncpg

# Newest first, below a position; the kind uses log_entries_kind_idx (kind, idx).
SCAN_ENTRIES = """
SELECT idx, entry FROM log_entries
WHERE idx < $1 AND ($2::text IS NULL OR kind = $2)
ORDER BY idx DESC
LIMIT $3
"""


async def scan_entries(
    conn: asyncpg.Connection, before: int, kind: str | None, limit: int
) -> list[tuple[int, bytes]]:
    """Up to ``limit`` leaves below ``before``, newest first (of one kind if given)."""
    rows = await conn.fetch(SCAN_ENTRIES, before, kind, limit)
    return [(r["idx"], bytes(r["entry"])) for r in rows]


# A loose index scan over log_entries_kind_idx: one probe per distinct kind, not a
# walk of the whole log.
SELECT_KINDS = """
WITH RECURSIVE k AS (
    (SELECT kind FROM log_entries ORDER BY kind LIMIT 1)
    UNION ALL
    SELECT (SELECT e.kind FROM log_entries e WHERE e.kind > k.kind ORDER BY e.kind LIMIT 1)
    FROM k WHERE k.kind IS NOT NULL
)
SELECT kind FROM k WHERE kind IS NOT NULL
"""


async def kinds(conn: asyncpg.Connection) -> list[str]:
    """Every kind the log holds, sorted."""
    return [r["kind"] for r in await conn.fetch(SELECT_KINDS)]


SELECT_CHECKPOINTS = """
SELECT c.size, c.root, c.note, c.signed_at,
       coalesce(array_agg(s.witness ORDER BY s.witness)
                FILTER (WHERE s.witness IS NOT NULL), '{}') AS witnesses,
       coalesce(array_agg(s.line ORDER BY s.witness)
                FILTER (WHERE s.witness IS NOT NULL), '{}') AS lines,
       coalesce(array_agg(s.received_at ORDER BY s.witness)
                FILTER (WHERE s.witness IS NOT NULL), '{}') AS received
FROM (SELECT size, root, note, signed_at FROM log_checkpoints
      WHERE size < $1 ORDER BY size DESC LIMIT $2) c
LEFT JOIN log_cosignatures s ON s.size = c.size
GROUP BY c.size, c.root, c.note, c.signed_at
ORDER BY c.size DESC
"""


async def checkpoints(conn: asyncpg.Connection, below: int, limit: int) -> list[asyncpg.Record]:
    """Signed checkpoints smaller than ``below``, newest first, with their cosignatures."""
    return list(await conn.fetch(SELECT_CHECKPOINTS, below, limit))


SELECT_WITNESS_ROWS = """
SELECT w.name, w.vkey, w.added_at, count(s.size) AS cosigned,
       max(s.size) AS last_size, max(s.received_at) AS last_received
FROM log_witnesses w
LEFT JOIN log_cosignatures s ON s.witness = w.name
GROUP BY w.name, w.vkey, w.added_at
ORDER BY w.name
"""


async def witness_rows(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every registered witness with how many checkpoints it cosigned and the newest."""
    return list(await conn.fetch(SELECT_WITNESS_ROWS))


# The checkpoint an entry is verified against by default: the newest one that covers
# it and that a witness cosigned (docs/audit-log.md §6.1 step 4), else the newest.
SELECT_PROOF_CHECKPOINT = """
SELECT coalesce(
    (SELECT c.size FROM log_checkpoints c
     WHERE c.size > $1 AND EXISTS (SELECT 1 FROM log_cosignatures s WHERE s.size = c.size)
     ORDER BY c.size DESC LIMIT 1),
    (SELECT max(size) FROM log_checkpoints))
"""


async def proof_checkpoint(conn: asyncpg.Connection, index: int) -> int | None:
    """The size of the checkpoint to verify entry ``index`` against (None: none yet)."""
    size: int | None = await conn.fetchval(SELECT_PROOF_CHECKPOINT, index)
    return size
