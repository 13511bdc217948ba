"""SQL every part of accounts shares: the database clock.

The database clock decides login throttling, expiry and every log entry's time
(DESIGN.md, "Time"). The SQL of each feature lives in its own queries module
(accounts/organisations/queries.py, accounts/users/queries.py, ...).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

DATABASE_NOW = """
SELECT clock_timestamp()
"""


async def database_now(conn: asyncpg.Connection) -> datetime:
    """The database clock, which decides every deadline and expiry."""
    now: datetime = await conn.fetchval(DATABASE_NOW)
    return now
