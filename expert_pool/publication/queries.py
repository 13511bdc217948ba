"""SQL of the draws' publication (table draw_publications, migration 0073)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from expert_pool.publication.model import Publication, publication

SELECT_COMPLETE_DRAWS = """
SELECT id FROM draws WHERE tender_id = $1 AND status = 'complete' ORDER BY id
"""


async def complete_draws(conn: asyncpg.Connection, tender_id: str) -> list[str]:
    """Ids of the tender's complete draws (its committees that sat), in id order."""
    return [r["id"] for r in await conn.fetch(SELECT_COMPLETE_DRAWS, tender_id)]


INSERT_PUBLICATION = """
INSERT INTO draw_publications (draw_id, tender_id, body, sha256, published_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (draw_id) DO NOTHING
"""


async def insert(conn: asyncpg.Connection, found: Publication) -> bool:
    """Store a publication once; False when the draw was already published."""
    status: str = await conn.execute(
        INSERT_PUBLICATION, found.draw_id, found.tender_id, found.body, found.sha256,
        found.published_at,
    )  # fmt: skip
    return status.endswith(" 1")


SELECT_OF_TENDER = """
SELECT draw_id, tender_id, body, published_at FROM draw_publications
WHERE tender_id = $1 ORDER BY draw_id
"""
SELECT_ONE = """
SELECT draw_id, tender_id, body, published_at FROM draw_publications WHERE draw_id = $1
"""


def _publication(row: asyncpg.Record) -> Publication:
    published_at: datetime = row["published_at"]
    return publication(
        draw_id=row["draw_id"], tender_id=row["tender_id"], body=bytes(row["body"]),
        published_at=published_at,
    )  # fmt: skip


async def of_tender(conn: asyncpg.Connection, tender_id: str) -> list[Publication]:
    """The tender's published draws, in id order (none before the award)."""
    return [_publication(r) for r in await conn.fetch(SELECT_OF_TENDER, tender_id)]


async def one(conn: asyncpg.Connection, draw_id: str) -> Publication | None:
    """One draw's publication, if the award published it."""
    row = await conn.fetchrow(SELECT_ONE, draw_id)
    return None if row is None else _publication(row)
