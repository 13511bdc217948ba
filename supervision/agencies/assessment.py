"""Computing and publishing a period's service-quality assessments (issue 14, item 1;
DOMAIN.md "Monitoring and supervision": assessed from platform data plus inspections,
results published). The facts come from the platform (assessment_queries.py), the
score from the formula (formula.py); facts, formula version, score and grade are stored
together, so anyone can recompute a published result. A period is published once.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from uuid import UUID

import asyncpg

from accounts.model import Actor
from supervision.agencies import assessment_queries as db
from supervision.agencies.errors import AssessmentPeriodInvalid
from supervision.agencies.events import AgencyEvent, append
from supervision.agencies.formula import Formula
from tender.queries import database_now

CHINA = dt.timezone(dt.timedelta(hours=8))
LONGEST_PERIOD = dt.timedelta(days=366)


def period_bounds(first: date, last: date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and last days (Beijing time) as [start, end) instants."""
    if first > last or last - first >= LONGEST_PERIOD:
        raise AssessmentPeriodInvalid(
            "a period starts on or before its last day, within 366 days",
            details={"period_start": first.isoformat(), "period_end": last.isoformat()},
        )
    start = dt.datetime.combine(first, dt.time(), tzinfo=CHINA)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=CHINA)
    return start, end


def _result(
    agency: UUID, facts: dict[str, int], first: date, last: date, formula: Formula,
    now: dt.datetime,
) -> db.Assessment:  # fmt: skip
    score = formula.score(facts)
    return db.Assessment(
        organisation_id=agency, name="", period_start=first, period_end=last,
        formula_version=formula.version, facts=facts, score=score,
        grade=formula.grade(score), published_at=now,
    )  # fmt: skip


async def publish(
    conn: asyncpg.Connection, actor: Actor, first: date, last: date, formula: Formula
) -> list[db.Assessment]:
    """Score every registered agency for the period and publish the results at once."""
    start, end = period_bounds(first, last)
    # One snapshot for every fact; a second publication of the period meets the UNIQUE
    # constraint (agency_assessment_published_conflict), whichever commits first.
    async with conn.transaction(isolation="repeatable_read"):
        now = await database_now(conn)
        if end > now:
            raise AssessmentPeriodInvalid(
                "a period is assessed once it has ended",
                details={"period_end": last.isoformat()},
            )
        facts = await db.facts(conn, start, end, first, last)
        results = [_result(a, values, first, last, formula, now) for a, values in facts.items()]
        await db.insert_assessments(conn, results, actor.user_id)
        await append(
            conn, AgencyEvent.ASSESSMENTS_PUBLISHED, f"{first.isoformat()}_{last.isoformat()}",
            actor=actor, role="centre_staff",
            data={
                "period_start": first.isoformat(), "period_end": last.isoformat(),
                "formula_version": formula.version,
                "scores": {str(a.organisation_id): str(a.score) for a in results},
            },
        )  # fmt: skip
        return await db.published(conn, first, last, len(results) + 1)
