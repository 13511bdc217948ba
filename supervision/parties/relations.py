"""Related parties, for monitoring (Reg. 34: bidders in one lot with a shared legal
representative or principal, or a controlling or management relation)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from supervision.parties import queries


async def related(
    conn: asyncpg.Connection, org_ids: Iterable[UUID]
) -> list[tuple[UUID, UUID, str]]:
    """Every related pair among ``org_ids`` as (from, to, kind): recorded relations as
    recorded, shared people as (smaller id, larger id, shared_…), sorted, each once."""
    ids = sorted(set(org_ids))
    if len(ids) < 2:
        return []
    return await queries.related(conn, ids)
