"""SQL of attendance, incidents, assessments and the yearly record of each expert."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from uuid import UUID

import asyncpg

from expert_pool.errors import AssessmentExists, AttendanceConflict
from expert_pool.policy import Offence
from expert_pool.records.model import Incident, Sanction, YearRecord

INSERT_ATTENDANCE = """
INSERT INTO attendance_events (draw_id, expert_id, event, occurred_at, recorded_by)
VALUES ($1, $2, $3, $4, $5)
"""


async def insert_attendance(
    conn: asyncpg.Connection,
    draw_id: str,
    expert_id: str,
    event: str,
    occurred_at: datetime,
    by: UUID,
) -> None:
    """Record an attendance event; a second sign-in raises AttendanceConflict."""
    try:
        await conn.execute(INSERT_ATTENDANCE, draw_id, expert_id, event, occurred_at, by)
    except asyncpg.UniqueViolationError:
        raise AttendanceConflict("this expert already signed in to this session") from None


SELECT_ATTENDANCE = """
SELECT expert_id, event, occurred_at FROM attendance_events WHERE draw_id = $1 ORDER BY id
"""


async def attendance(conn: asyncpg.Connection, draw_id: str) -> list[tuple[str, str, datetime]]:
    """(expert id, event, when) of a session, in recording order."""
    rows = await conn.fetch(SELECT_ATTENDANCE, draw_id)
    return [(r["expert_id"], r["event"], r["occurred_at"]) for r in rows]


SIGNED_IN = """
SELECT EXISTS (SELECT 1 FROM attendance_events
               WHERE draw_id = $1 AND expert_id = $2 AND event = 'signed_in')
"""


async def has_signed_in(conn: asyncpg.Connection, draw_id: str, expert_id: str) -> bool:
    """Whether a member signed in to the session."""
    found: bool = await conn.fetchval(SIGNED_IN, draw_id, expert_id)
    return found


INSERT_INCIDENT = """
INSERT INTO expert_incidents (expert_id, draw_id, offence, points, occurred_at, year, source,
                              recorded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING id
"""


async def insert_incident(
    conn: asyncpg.Connection,
    incident: Incident,
    *,
    draw_id: str,
    points: int,
    source: str,
    by: UUID,
) -> bool:
    """Record an incident once per session and offence; False if it was already there."""
    i = incident
    new = await conn.fetchval(
        INSERT_INCIDENT,
        i.expert_id,
        draw_id,
        str(i.offence),
        points,
        i.occurred_at,
        i.year,
        source,
        by,
    )
    return new is not None


SELECT_INCIDENTS = """
SELECT offence, occurred_at, coalesce(draw_id, '') AS draw_id FROM expert_incidents
WHERE expert_id = $1 AND year = $2 ORDER BY occurred_at, id
"""


async def incidents(conn: asyncpg.Connection, expert_id: str, year: int) -> list[Incident]:
    """An expert's incidents of one year."""
    return [
        Incident(
            expert_id=expert_id,
            offence=Offence(r["offence"]),
            occurred_at=r["occurred_at"],
            session_id=r["draw_id"],
        )
        for r in await conn.fetch(SELECT_INCIDENTS, expert_id, year)
    ]


# Accepted: confirmed draws whose session falls in the year (Asia/Shanghai) and has
# ended (attendance cannot be judged before); attended: those the expert signed in to.
COUNT_ACCEPTED_ATTENDED = """
SELECT count(*) AS accepted,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM attendance_events a
           WHERE a.draw_id = m.draw_id AND a.expert_id = m.expert_id AND a.event = 'signed_in'))
           AS attended
FROM draw_members m JOIN draws d ON d.id = m.draw_id
WHERE m.expert_id = $1 AND m.status = 'confirmed' AND d.status <> 'cancelled'
  AND date_part('year', d.session_start AT TIME ZONE 'Asia/Shanghai') = $2
  AND d.session_end < clock_timestamp()
"""


async def accepted_attended(conn: asyncpg.Connection, expert_id: str, year: int) -> tuple[int, int]:
    """Draws the expert accepted in a year, and how many of those it attended."""
    row = await conn.fetchrow(COUNT_ACCEPTED_ATTENDED, expert_id, year)
    assert row is not None
    return row["accepted"], row["attended"]


UPSERT_YEAR_RECORD = """
INSERT INTO expert_year_records (expert_id, year, points, counts, accepted, attended, sanctions)
VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
ON CONFLICT (expert_id, year) DO UPDATE SET
    points = excluded.points, counts = excluded.counts, accepted = excluded.accepted,
    attended = excluded.attended, sanctions = excluded.sanctions, updated_at = clock_timestamp()
"""


async def save_year_record(
    conn: asyncpg.Connection, record: YearRecord, sanctions: Sequence[Sanction]
) -> None:
    """Keep the yearly record current."""
    r = record
    counts = json.dumps({str(o): n for o, n in r.counts.items()})
    await conn.execute(
        UPSERT_YEAR_RECORD,
        r.expert_id,
        r.year,
        r.points,
        counts,
        r.accepted,
        r.attended,
        sorted(str(s) for s in sanctions),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredYearRecord:
    """A yearly record as kept, with the expert's name and the sanctions called for."""

    record: YearRecord
    name: str
    sanctions: tuple[Sanction, ...]


SELECT_YEAR_RECORDS = """
SELECT y.expert_id, e.name, y.year, y.points, y.counts, y.accepted, y.attended, y.sanctions
FROM expert_year_records y JOIN experts e ON e.id = y.expert_id
WHERE y.year = $1 AND ($2::text IS NULL OR y.expert_id = $2)
ORDER BY y.expert_id
"""


async def year_records(
    conn: asyncpg.Connection, year: int, expert_id: str | None = None
) -> list[StoredYearRecord]:
    """The kept records of a year (one expert's, or everyone's), by expert id."""
    rows = await conn.fetch(SELECT_YEAR_RECORDS, year, expert_id)
    result = []
    for r in rows:
        counts = json.loads(r["counts"])
        record = YearRecord(
            expert_id=r["expert_id"],
            year=r["year"],
            points=r["points"],
            counts=MappingProxyType({o: counts.get(str(o), 0) for o in Offence}),
            accepted=r["accepted"],
            attended=r["attended"],
        )
        sanctions = tuple(Sanction(s) for s in r["sanctions"])
        result.append(StoredYearRecord(record=record, name=r["name"], sanctions=sanctions))
    return result


INSERT_ASSESSMENT = """
INSERT INTO assessments (draw_id, expert_id, assessor, assessor_role, score, comment, offences)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class Assessment:
    """One assessor's score and comment on one member for one session."""

    draw_id: str
    expert_id: str
    assessor: UUID
    assessor_role: str
    score: int
    comment: str
    offences: tuple[Offence, ...] = ()
    created_at: datetime | None = None


async def insert_assessment(conn: asyncpg.Connection, a: Assessment) -> None:
    """Store an assessment; a second one by the same assessor raises AssessmentExists."""
    try:
        await conn.execute(
            INSERT_ASSESSMENT,
            a.draw_id,
            a.expert_id,
            a.assessor,
            a.assessor_role,
            a.score,
            a.comment,
            [str(o) for o in a.offences],
        )
    except asyncpg.UniqueViolationError:
        raise AssessmentExists("you already assessed this expert for this session") from None


SELECT_ASSESSMENTS = """
SELECT draw_id, expert_id, assessor, assessor_role, score, comment, offences, created_at
FROM assessments WHERE draw_id = $1 ORDER BY created_at, id
"""


async def assessments(conn: asyncpg.Connection, draw_id: str) -> list[Assessment]:
    """Every assessment of a session."""
    return [
        Assessment(
            draw_id=r["draw_id"],
            expert_id=r["expert_id"],
            assessor=r["assessor"],
            assessor_role=r["assessor_role"],
            score=r["score"],
            comment=r["comment"],
            offences=tuple(Offence(o) for o in r["offences"]),
            created_at=r["created_at"],
        )
        for r in await conn.fetch(SELECT_ASSESSMENTS, draw_id)
    ]
