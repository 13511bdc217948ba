"""The yearly record of each expert, kept current, with its automatic sanctions.

DOMAIN.md, "Attendance and assessment": 8 points in a year is reported and published;
late 3 times, absent twice, or attending fewer than 1/3 of accepted draws suspends.
Every attendance event and assessment (expert_pool.records.service, .session) calls
:func:`refresh_year` in its own transaction: the record is recomputed with the policy
in force and a new sanction applies at once.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from expert_pool import journal
from expert_pool.alerting import raise_pool_alert
from expert_pool.events import PoolEvent
from expert_pool.experts import queries as queries_experts
from expert_pool.model import AlertKind, ExpertStatus
from expert_pool.policy import Offence
from expert_pool.records import queries as queries_records
from expert_pool.records.model import Incident, Sanction, assess_year, year_record
from expert_pool.service import load_policy


async def refresh_year(
    conn: asyncpg.Connection, expert_id: str, moment: datetime
) -> tuple[Sanction, ...]:
    """Recompute the expert's record for the year of `moment`; apply new sanctions."""
    policy = await load_policy(conn)
    year = Incident(expert_id=expert_id, offence=Offence.LATE, occurred_at=moment).year
    accepted, attended = await queries_records.accepted_attended(conn, expert_id, year)
    record = year_record(
        expert_id,
        year,
        await queries_records.incidents(conn, expert_id, year),
        accepted=accepted,
        attended=attended,
        table=policy.assessment.deductions,
    )
    decision = assess_year(record, policy.assessment)
    before = await queries_records.year_records(conn, year, expert_id)
    had = set(before[0].sanctions) if before else set()
    await queries_records.save_year_record(conn, record, tuple(decision.sanctions))
    new = tuple(sorted(decision.sanctions - had))
    details = "; ".join(f.detail for f in decision.findings)
    if Sanction.SUSPEND in new:
        await _suspend(conn, expert_id, details)
    if Sanction.REPORT_AND_PUBLISH in new:
        await raise_pool_alert(
            conn,
            AlertKind.EXPERT_REPORTED,
            draw_id=None,
            expert_id=expert_id,
            for_agency=False,
            data={"year": year, "points": record.points},
        )
    return new


async def _suspend(conn: asyncpg.Connection, expert_id: str, details: str) -> None:
    profile = await queries_experts.expert(conn, expert_id)
    if profile is None or profile.expert.status is not ExpertStatus.ACTIVE:
        return
    reason = f"automatic: {details}"[:500]
    await queries_experts.set_status(
        conn, expert_id, ExpertStatus.SUSPENDED, reason=reason, by=None
    )
    await journal.append(
        conn,
        PoolEvent.EXPERT_STATUS_CHANGED,
        actor=None,
        role="platform",
        subject=("expert", expert_id),
        data={"status": str(ExpertStatus.SUSPENDED), "automatic": True},
    )
    await raise_pool_alert(
        conn,
        AlertKind.EXPERT_SUSPENDED,
        draw_id=None,
        expert_id=expert_id,
        for_agency=False,
        data={"reason": reason},
    )
