"""SQL of the service-quality assessment: the facts read from the platform for a
period, and the published results (supervision/agencies/formula.py names the facts).

A period runs from ``$1`` (inclusive) to ``$2`` (exclusive), timestamps of the local
days' bounds (Beijing time); inspection findings count by the day they were found.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from supervision.agencies.errors import AssessmentPublished

# The platform's facts per registered agency (overdue alerts and complaints upheld are
# read apart: their tables come with issue 14's other helpers).
FACTS = """
SELECT r.organisation_id,
    (SELECT count(*) FROM tenders t WHERE t.agency_id = r.organisation_id
        AND t.published_at >= $1 AND t.published_at < $2) AS tenders_handled,
    (SELECT count(*) FROM candidate_objections o JOIN tenders t ON t.id = o.tender_id
        WHERE t.agency_id = r.organisation_id AND o.upheld
        AND o.answered_at >= $1 AND o.answered_at < $2) AS objections_upheld,
    (SELECT count(*) FROM tender_clarifications c JOIN tenders t ON t.id = c.tender_id
        WHERE t.agency_id = r.organisation_id AND c.kind = 'amendment'
        AND c.issued_at >= $1 AND c.issued_at < $2) AS documents_amended,
    (SELECT count(*) FROM tender_closures c JOIN tenders t ON t.id = c.tender_id
        WHERE t.agency_id = r.organisation_id AND c.kind = 'failed'
        AND c.published_at >= $1 AND c.published_at < $2) AS failed_tenders,
    coalesce(f.observation, 0) AS findings_observation,
    coalesce(f.minor, 0) AS findings_minor,
    coalesce(f.major, 0) AS findings_major
FROM agency_registrations r
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE x.severity = 'observation') AS observation,
           count(*) FILTER (WHERE x.severity = 'minor') AS minor,
           count(*) FILTER (WHERE x.severity = 'major') AS major
    FROM agency_inspection_findings x JOIN agency_inspections i ON i.id = x.inspection_id
    WHERE i.organisation_id = r.organisation_id AND x.found_on BETWEEN $3 AND $4
) f ON true
ORDER BY r.organisation_id
"""

# Complaints upheld (Reg. 60-62; supervision/complaints, 0078) in the period.
COMPLAINTS_UPHELD = """
SELECT t.agency_id, count(*) AS n FROM complaints c JOIN tenders t ON t.id = c.tender_id
WHERE c.decision = 'upheld' AND c.decided_at >= $1 AND c.decided_at < $2
GROUP BY t.agency_id
"""

# Time limits not kept: every alert rule ending in "_overdue" (tender/events.py
# AlertKind), from the one alert store (supervision/alerts, 0077).
OVERDUE_ALERTS = r"""
SELECT t.agency_id, count(*) AS n FROM supervision_alerts a JOIN tenders t ON t.id = a.tender_id
WHERE a.rule LIKE '%\_overdue' AND a.raised_at >= $1 AND a.raised_at < $2
GROUP BY t.agency_id
"""


async def _per_agency(
    conn: asyncpg.Connection, query: str, start: datetime, end: datetime
) -> dict[UUID, int]:
    return {r["agency_id"]: int(r["n"]) for r in await conn.fetch(query, start, end)}


async def facts(
    conn: asyncpg.Connection, start: datetime, end: datetime, first: date, last: date
) -> dict[UUID, dict[str, int]]:
    """Each registered agency's facts for the period (every name of formula.FACTS)."""
    found = {
        row["organisation_id"]: {k: int(v) for k, v in row.items() if k != "organisation_id"}
        for row in await conn.fetch(FACTS, start, end, first, last)
    }
    upheld = await _per_agency(conn, COMPLAINTS_UPHELD, start, end)
    overdue = await _per_agency(conn, OVERDUE_ALERTS, start, end)
    for agency, values in found.items():
        values["overdue_alerts"] = overdue.get(agency, 0)
        values["complaints_upheld"] = upheld.get(agency, 0)
    return found


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Assessment:
    """A published assessment of one agency for one period."""

    organisation_id: UUID
    name: str
    period_start: date
    period_end: date
    formula_version: str
    facts: Mapping[str, int]
    score: Decimal
    grade: str
    published_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Assessment:
        return cls(
            organisation_id=row["organisation_id"], name=row["name"],
            period_start=row["period_start"], period_end=row["period_end"],
            formula_version=row["formula_version"], facts=json.loads(row["facts"]),
            score=row["score"], grade=row["grade"], published_at=row["published_at"],
        )  # fmt: skip


INSERT_ASSESSMENT = """
INSERT INTO agency_assessments (organisation_id, period_start, period_end, formula_version,
    facts, score, grade, published_by, published_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
"""
PUBLISHED = """
SELECT a.*, o.name FROM agency_assessments a JOIN organisations o ON o.id = a.organisation_id
WHERE ($1::date IS NULL OR a.period_start = $1) AND ($2::date IS NULL OR a.period_end = $2)
ORDER BY a.period_end DESC, a.score DESC, o.name
LIMIT $3
"""
OF_AGENCY = """
SELECT a.*, o.name FROM agency_assessments a JOIN organisations o ON o.id = a.organisation_id
WHERE a.organisation_id = $1 ORDER BY a.period_end DESC
"""
LATEST = """
SELECT a.*, o.name FROM agency_assessments a JOIN organisations o ON o.id = a.organisation_id
WHERE a.period_end = (SELECT max(period_end) FROM agency_assessments)
ORDER BY a.score DESC, o.name
"""


def _assessment_args(a: Assessment, published_by: UUID) -> tuple[object, ...]:
    facts = json.dumps(dict(a.facts), sort_keys=True)
    return (
        a.organisation_id, a.period_start, a.period_end, a.formula_version, facts, a.score,
        a.grade, published_by, a.published_at,
    )  # fmt: skip


async def insert_assessments(
    conn: asyncpg.Connection, rows: list[Assessment], published_by: UUID
) -> None:
    try:
        await conn.executemany(
            INSERT_ASSESSMENT,
            [_assessment_args(a, published_by) for a in rows],
        )
    except (asyncpg.UniqueViolationError, asyncpg.ExclusionViolationError):
        # The same period, or one overlapping it (0084): an agency is assessed once for
        # any day, so no finding is hidden behind a re-cut period.
        raise AssessmentPublished(
            "assessments of this period, or of one overlapping it, are published already",
            details={},
        ) from None


async def published(
    conn: asyncpg.Connection, first: date | None, last: date | None, limit: int
) -> list[Assessment]:
    return [Assessment.from_row(r) for r in await conn.fetch(PUBLISHED, first, last, limit)]


async def of_agency(conn: asyncpg.Connection, organisation_id: UUID) -> list[Assessment]:
    return [Assessment.from_row(r) for r in await conn.fetch(OF_AGENCY, organisation_id)]


async def latest(conn: asyncpg.Connection) -> list[Assessment]:
    """The assessments of the most recent period published (the dashboard's scores)."""
    return [Assessment.from_row(r) for r in await conn.fetch(LATEST)]
