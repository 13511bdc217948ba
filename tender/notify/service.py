"""Queuing the tender's notifications: bid-deadline reminders and issued results.

Both triggers scan and queue idempotently (each notification has a key: a repeat is
skipped), so the job may run as often as it likes, in several processes, and a
crash between the tender's action and the job loses nothing. A reminder's key holds
the deadline, so a deadline moved by a clarification (Reg. 21) is reminded again.
Bidders' messages may name the tender (only experts' must not: DESIGN.md).

The lead time is policy data: ``ETENDER_POLICY_NOTIFY_BID_REMINDER`` (default ``24h``,
an exact period: h, m or s), read by the composition root into `lead`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import asyncpg

from accounts.notifications import service as notifications
from accounts.notifications.model import (
    Kind,
    bid_deadline_params,
    bid_deadline_text,
    result_params,
    result_text,
)
from tender.errors import PolicyInvalid
from tender.notify import queries
from tender.policy import Period

REMINDER_KEY = "notify_bid_reminder"
DEFAULT_REMINDER = "24h"
RESULTS_WINDOW = timedelta(days=30)


def reminder_lead(overrides: Mapping[str, str] | None = None) -> timedelta:
    """How long before the deadline bidders are reminded (policy data, exact units)."""
    period = Period.parse((overrides or {}).get(REMINDER_KEY, DEFAULT_REMINDER))
    lead = period.exact
    if lead is None:
        raise PolicyInvalid(f"{REMINDER_KEY} is an exact period (h, m or s), got {period}")
    return lead


async def queue_reminders(conn: asyncpg.Connection, now: datetime, lead: timedelta) -> int:
    """Queue a reminder for every user who took the documents of a tender whose bid
    deadline falls within `lead` of `now`; returns how many were new."""
    wanted = []
    for r in await queries.due_reminders(conn, now, lead):
        params = bid_deadline_params(code=r.code, title=r.title, deadline=r.deadline)
        wanted.append(
            notifications.Notify(
                kind=Kind.BID_DEADLINE,
                key=f"bid_deadline:{r.tender_id}:{r.deadline.isoformat()}:{r.user_id}",
                user_id=r.user_id,
                tender_id=r.tender_id,
                params=params,
                body=bid_deadline_text(params),
            )
        )
    return await notifications.enqueue(conn, wanted)


async def queue_results(conn: asyncpg.Connection, now: datetime) -> int:
    """Queue a message for each user of a bidder whose award or result notice (Law 45)
    was issued; returns how many were new."""
    wanted = []
    for r in await queries.issued_results(conn, now, RESULTS_WINDOW):
        params = result_params(code=r.code, lot=r.lot, award=r.award)
        wanted.append(
            notifications.Notify(
                kind=Kind.RESULT,
                key=f"result:{r.notice_id}:{r.user_id}",
                user_id=r.user_id,
                tender_id=r.tender_id,
                params=params,
                body=result_text(params),
            )
        )
    return await notifications.enqueue(conn, wanted)
