"""No-shows: a member who never signs in is marked absent, and staff are alerted.

DOMAIN.md, "Attendance and assessment" (absent is an offence of the pool's record) and
"Remote cross-city evaluation" (the committee waits only so long): without this rule a
member who never signs in holds the session in ``sign_in`` for ever. Two parts:

- ``mark_no_show`` (the host, docs/formats/evaluation-session.md §4): once the session's
  start plus the policy's ``no_show_minutes`` has passed (the database clock at the
  command, ``ctx.now``), a seat whose holder has not signed in may be marked absent —
  ``ops.mark_absent``: the holder leaves, its replacement is requested (a supervisor
  approves it), and the pool's attendance (考勤) records ABSENT in the same transaction.
- ``raise_sign_in_alerts`` (a background job, web/evaluation/jobs.py): one tender alert
  per session whose start has passed with seats not signed in, read by the centre and
  the supervising department; the alert and its log entry name seats, never people
  (四不知).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from evaluation.guards import field, require_host, require_phase
from evaluation.handlers import Ctx
from evaluation.model import EvaluationPolicy, Phase
from evaluation.sessions import no_show_queries, queries
from evaluation.sessions.errors import EvaluationNoShowEarly, EvaluationSignedIn
from evaluation.sessions.ops import seated_holder
from live.model import Emit
from signing.log.entry import format_time
from tender.alerting import raise_tender_alert
from tender.queries import database_now

SIGN_IN_ALERT = "evaluation_sign_in_missing"  # the tender alert's kind (supervision_alerts)


def absent_from(starts_at: datetime, policy: EvaluationPolicy) -> datetime:
    """When a holder who has not signed in may be marked absent: start plus the grace."""
    return starts_at + timedelta(minutes=policy.no_show_minutes)


async def mark_no_show(ctx: Ctx) -> list[Emit]:
    """The host marks a seat absent whose holder has not signed in past the grace."""
    require_host(ctx)
    require_phase(ctx, Phase.SIGN_IN)
    holder = seated_holder(ctx, field(ctx.data, "seat", int))
    if holder.signed_in_at is not None:
        raise EvaluationSignedIn(
            f"seat {holder.seat} has signed in: confirm its identity, or request its "
            "replacement with a reason"
        )
    stored = await queries.session(ctx.conn, ctx.state.id)
    assert stored is not None  # the room loaded it under its lock
    since = absent_from(stored.starts_at, ctx.policy)
    if ctx.now < since:
        raise EvaluationNoShowEarly(
            f"seat {holder.seat} may be marked absent from {format_time(since)} "
            f"(the start plus {ctx.policy.no_show_minutes} minutes)",
            details={"seat": holder.seat, "absent_from": format_time(since)},
        )
    reason = f"did not sign in by {format_time(since)}"
    return await ctx.ops.mark_absent(ctx, holder.seat, reason)


async def raise_sign_in_alerts(conn: asyncpg.Connection) -> int:
    """One tender alert per session past its start with seats not signed in (the
    database clock decides); how many were raised. Safe in several processes."""
    raised = 0
    async with conn.transaction():
        now = await database_now(conn)
        for found in await no_show_queries.missing_sign_ins(conn, now):
            raised += await _alert(conn, found)
    return raised


async def _alert(conn: asyncpg.Connection, found: no_show_queries.MissingSignIns) -> int:
    data = {"session": str(found.session_id), "starts_at": format_time(found.starts_at),
            "seats": list(found.seats)}  # fmt: skip
    alert = await raise_tender_alert(
        conn, found.tender_id, SIGN_IN_ALERT, str(found.session_id), data, logged=data
    )
    if alert is None:  # raised before: once per session
        return 0
    return 1
