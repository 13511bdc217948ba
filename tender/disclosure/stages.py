"""The public home page's stages: a tender at each stage of the lifecycle, newest first
(issue 15, item 6: a newcomer sees the whole lifecycle at once).

Only what is public at ``now``: a published notice's status and deadline (DOMAIN.md,
"Results and disclosure"); the page each stage links to shows the rest.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

import asyncpg

from tender.disclosure import stage_queries

# In lifecycle order.
STAGES = ("open_for_bids", "opening_today", "evaluation", "candidates", "awarded")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StageTender:
    """The newest public tender at one stage."""

    stage: str  # one of STAGES
    id: UUID
    code: str
    title: str
    deadline: datetime | None


async def stage_tenders(conn: asyncpg.Connection, now: datetime) -> list[StageTender]:
    """The stages that have a tender, in lifecycle order, each with its newest."""
    rows = {r["stage"]: r for r in await stage_queries.stage_tenders(conn, now)}
    return [
        StageTender(
            stage=stage,
            id=row["id"],
            code=row["code"],
            title=row["title"],
            deadline=row["deadline"],
        )
        for stage in STAGES
        if (row := rows.get(stage)) is not None
    ]
