"""SQL of the opened files' durable half: the file key each opened part was opened with.

Apart from tender/opening/queries.py (at its 400-line limit) and on purpose: this is
the one statement that selects ``opening_results.file_key``, for re-deriving a part's
opened files (tender/opening/opened.py). No API serves it.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

SELECT_FILE_KEY = """
SELECT file_key FROM opening_results WHERE bid_id = $1 AND part = $2 AND outcome = 'opened'
"""


async def file_key(conn: asyncpg.Connection, bid_id: UUID, part: str) -> bytes | None:
    """The key that opened the part; None if it is not opened or was opened before 0101."""
    value = await conn.fetchval(SELECT_FILE_KEY, bid_id, part)
    return None if value is None else bytes(value)
