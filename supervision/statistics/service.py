"""The statistics dashboard's use case (issue 14, item 6): every chart of a period,
counted over the departments the reader supervises (centre staff: all of them), in one
read-only snapshot so the charts agree with each other."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg

from accounts.model import Actor
from supervision.statistics import model
from supervision.statistics import queries as db
from supervision.statistics.model import Chart, Period
from tender.queries import database_now


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Dashboard:
    """The charts of one period, as one reader may see them."""

    period: Period
    departments: tuple[str, ...] | None  # None: every department (centre staff)
    charts: tuple[Chart, ...]


async def dashboard(
    conn: asyncpg.Connection, actor: Actor, first: dt.date | None, last: dt.date | None
) -> Dashboard:
    """Every chart of the period (by default the year so far)."""
    seen = model.departments_seen(actor)
    departments = sorted(seen) if seen is not None else None
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        period = model.period(first, last, await database_now(conn))
        span = (period.start, period.end, departments)
        charts = (
            model.volume_by_category(await db.volume_by_category(conn, *span)),
            model.volume_by_county(await db.volume_by_county(conn, *span)),
            model.savings(await db.savings(conn, *span)),
            model.durations(await db.durations(conn, *span)),
            model.remote_share(*await db.remote(conn, *span)),
            model.expert_usage(await db.expert_usage(conn, period.first, period.last, departments)),
            model.agency_scores(await db.agency_scores(conn, period.first, period.last)),
        )
    shown = tuple(str(d) for d in departments) if departments is not None else None
    return Dashboard(period=period, departments=shown, charts=charts)
