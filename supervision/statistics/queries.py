"""SQL of the statistics dashboard (docs/statistics.md says what each chart counts).

Tender facts take ``$1``/``$2``, the period's [start, end) instants, and ``$3``, the
departments whose tenders count (NULL: every department, for centre staff).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

import asyncpg

Departments = list[UUID] | None

VOLUME_BY_CATEGORY = """
SELECT t.category, count(DISTINCT t.id) AS tenders, coalesce(sum(l.estimated_price_fen), 0) AS fen
FROM tenders t JOIN tender_lots l ON l.tender_id = t.id
WHERE t.status <> 'draft' AND t.published_at >= $1 AND t.published_at < $2
    AND ($3::uuid[] IS NULL OR t.department_id = ANY($3))
GROUP BY t.category
"""
# The county of a tender is its tenderer's registered region (organisations.region).
VOLUME_BY_COUNTY = """
SELECT o.region, count(DISTINCT t.id) AS tenders, coalesce(sum(l.estimated_price_fen), 0) AS fen
FROM tenders t JOIN tender_lots l ON l.tender_id = t.id JOIN organisations o ON o.id = t.tenderer_id
WHERE t.status <> 'draft' AND t.published_at >= $1 AND t.published_at < $2
    AND ($3::uuid[] IS NULL OR t.department_id = ANY($3))
GROUP BY o.region
"""
SAVINGS = """
SELECT t.category, count(*) AS lots, sum(l.estimated_price_fen) AS estimate,
    sum(a.price_fen) AS price
FROM award_decisions a
JOIN tenders t ON t.id = a.tender_id
JOIN tender_lots l ON l.tender_id = a.tender_id AND l.number = a.lot
WHERE a.current AND a.kind = 'award' AND a.decided_at >= $1 AND a.decided_at < $2
    AND ($3::uuid[] IS NULL OR t.department_id = ANY($3))
GROUP BY t.category
"""
# Days from the notice to the tender's first award decision (award_decisions, Reg. 55).
DURATIONS = """
SELECT t.category, extract(epoch FROM min(a.decided_at) - t.published_at) / 86400 AS days
FROM tenders t JOIN award_decisions a ON a.tender_id = t.id AND a.kind = 'award'
WHERE ($3::uuid[] IS NULL OR t.department_id = ANY($3))
GROUP BY t.id, t.category, t.published_at
HAVING min(a.decided_at) >= $1 AND min(a.decided_at) < $2
ORDER BY t.id
"""
# An evaluation is remote (远程异地评标) when its drawn venues lie in more than one
# city: the first four digits of a region code name its prefecture-level city.
REMOTE = """
SELECT count(*) FILTER (WHERE NOT remote) AS local, count(*) FILTER (WHERE remote) AS remote
FROM (
    SELECT (SELECT count(DISTINCT left(v.region, 4)) FROM draw_venues dv
            JOIN venues v ON v.id = dv.venue_id WHERE dv.draw_id = d.id) > 1 AS remote
    FROM draws d
    WHERE d.purpose = 'evaluation' AND d.status <> 'cancelled'
        AND d.session_start >= $1 AND d.session_start < $2
        AND ($3::uuid[] IS NULL OR d.department_id = ANY($3))
) x
"""
# Services are counted by the local day served ($1, $2: the period's first and last
# days); a supervisor counts its departments' draws.
EXPERT_USAGE = """
SELECT e.region, count(*) AS services
FROM expert_services s JOIN experts e ON e.id = s.expert_id LEFT JOIN draws d ON d.id = s.draw_id
WHERE s.served_on BETWEEN $1 AND $2
    AND ($3::uuid[] IS NULL OR d.department_id = ANY($3))
GROUP BY e.region
"""
AGENCY_SCORES = """
SELECT a.organisation_id, o.name, a.period_start, a.period_end, a.score, a.grade
FROM agency_assessments a JOIN organisations o ON o.id = a.organisation_id
WHERE a.period_end = (SELECT max(period_end) FROM agency_assessments
                      WHERE period_end >= $1 AND period_end <= $2)
ORDER BY a.score DESC, o.name, a.organisation_id
"""


async def volume_by_category(
    conn: asyncpg.Connection, start: dt.datetime, end: dt.datetime, departments: Departments
) -> list[tuple[str, int, int]]:
    rows = await conn.fetch(VOLUME_BY_CATEGORY, start, end, departments)
    return [(r["category"], r["tenders"], int(r["fen"])) for r in rows]


async def volume_by_county(
    conn: asyncpg.Connection, start: dt.datetime, end: dt.datetime, departments: Departments
) -> list[tuple[str, int, int]]:
    rows = await conn.fetch(VOLUME_BY_COUNTY, start, end, departments)
    return [(r["region"], r["tenders"], int(r["fen"])) for r in rows]


async def savings(
    conn: asyncpg.Connection, start: dt.datetime, end: dt.datetime, departments: Departments
) -> list[tuple[str, int, int, int]]:
    rows = await conn.fetch(SAVINGS, start, end, departments)
    return [(r["category"], r["lots"], int(r["estimate"]), int(r["price"])) for r in rows]


async def durations(
    conn: asyncpg.Connection, start: dt.datetime, end: dt.datetime, departments: Departments
) -> list[tuple[str, float]]:
    rows = await conn.fetch(DURATIONS, start, end, departments)
    return [(r["category"], float(r["days"])) for r in rows]


async def remote(
    conn: asyncpg.Connection, start: dt.datetime, end: dt.datetime, departments: Departments
) -> tuple[int, int]:
    row = await conn.fetchrow(REMOTE, start, end, departments)
    assert row is not None  # an aggregate always answers one row
    return int(row["local"]), int(row["remote"])


async def expert_usage(
    conn: asyncpg.Connection, first: dt.date, last: dt.date, departments: Departments
) -> list[tuple[str, int]]:
    rows = await conn.fetch(EXPERT_USAGE, first, last, departments)
    return [(r["region"], r["services"]) for r in rows]


async def agency_scores(
    conn: asyncpg.Connection, first: dt.date, last: dt.date
) -> list[tuple[str, str, dt.date, dt.date, Decimal, str]]:
    rows = await conn.fetch(AGENCY_SCORES, first, last)
    return [
        (
            str(r["organisation_id"]),
            r["name"],
            r["period_start"],
            r["period_end"],
            r["score"],
            r["grade"],
        )
        for r in rows
    ]
