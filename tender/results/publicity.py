"""The candidates' publicity (中标候选人公示), Reg. 54 and DOMAIN.md "Results and disclosure".

The agency publishes each lot's candidates within 3 days of the evaluation's result
(``candidates_publicity_within``; later only with a recorded reason, and an alert is
raised), for at least 3 days (``candidates_publicity_days``): both are calendar-day
periods of tender/policy.py counted on the Asia/Shanghai calendar (tender/calendar.py
``period_end``: the day of the event is not counted and the period ends at 24:00
Beijing time of its last day, moved to the next working day's end when that day is a
rest day). The text is canonical JSON whose SHA-256 is logged; it never changes.
Nothing is shown before it is published. Once every lot is out (publicised, or a lot
without candidates re-tendered), the tender is ``candidates_publicised``.
"""

from __future__ import annotations

import logging
from uuid import UUID

import asyncpg

from accounts.model import Actor
from signing.log.entry import format_time
from tender.errors import TenderStateConflict
from tender.events import AlertKind, TenderEvent
from tender.lifecycle import append, change_status, load, lock_tender
from tender.model import TenderStatus, check_text
from tender.results import common
from tender.results import queries as results_queries
from tender.results.errors import (
    EvaluationResultMissing,
    PublicityExists,
    PublicityLateReasonRequired,
    PublicityNotFound,
)
from tender.results.model import Publicity, is_retendered, publicity_body
from tender.setup import Setup

log = logging.getLogger(__name__)


async def publish_candidates(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    setup: Setup,
    late_reason: str | None = None,
) -> Publicity:
    """Publish the lot's candidates as the evaluation handed them over (agency)."""
    if late_reason is not None:
        check_text(late_reason, name="the reason for the late publication", limit=2000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = common.require_agency(actor, tender)
        common.require_lot(tender, lot)
        if tender.status is not TenderStatus.CANDIDATES:
            raise TenderStateConflict(f"a {tender.status} tender publicises no candidates")
        if await results_queries.publicity(conn, tender_id, lot) is not None:
            raise PublicityExists("the lot's candidates are publicised already")
        result = await common.handed_over(conn, tender_id, lot)
        if not result.candidates:
            raise EvaluationResultMissing(
                "every bid of the lot was rejected: it has no candidates (re-tender the lot, "
                "or declare the tender failed)"
            )
        ctx = common.context(setup, tender, now)
        due = ctx.end(result.closed_at, ctx.policies.candidates_publicity_within)
        late = now > due
        if late and not late_reason:
            raise PublicityLateReasonRequired(
                "the candidates were due within "
                f"{ctx.policies.candidates_publicity_within} of the evaluation's result: "
                "give the reason for the late publication",
                details={"due": format_time(due)},
            )
        ends = ctx.end(now, ctx.policies.candidates_publicity_days)
        candidates, summary = await common.lot_candidates(conn, result)
        lot_title = next(x.title for x in tender.content.lots if x.number == lot)
        body = publicity_body(
            tender=common.tender_ref(tender), lot=lot, lot_title=lot_title,
            candidates=candidates, summary=summary, published_at=now, ends_at=ends,
            late_reason=late_reason if late else None,
        )  # fmt: skip
        publicity = Publicity(
            tender_id=tender_id, lot=lot, body=body, sha256=common.body_sha256(body),
            published_at=now, ends_at=ends,
        )  # fmt: skip
        await results_queries.insert_publicity(conn, publicity, actor.user_id)
        data = {
            "lot": lot,
            "sha256": publicity.sha256,
            "ends_at": format_time(ends),
            "late": late,
            "candidates": [str(c.bid_id) for c in candidates],
        }
        await append(
            conn, TenderEvent.CANDIDATES_PUBLICISED, tender_id, actor=log_actor,
            address=actor.address, data=data,
        )  # fmt: skip
        if late:
            # Reg. 54: a late publicity stays visible to the overseers as an alert.
            alert = {"lot": lot, "due": format_time(due), "published_at": format_time(now)}
            await common.alert_once(
                conn, tender_id, AlertKind.CANDIDATES_PUBLICITY_OVERDUE, f"lot {lot}", alert
            )
        await settle_publicity(conn, tender_id)
    log.info("results.candidates_publicised", extra={"tender_id": str(tender_id), "lot": lot})
    return publicity


async def settle_publicity(conn: asyncpg.Connection, tender_id: UUID) -> bool:
    """``candidates → candidates_publicised`` once every lot is publicised or, having no
    candidates, re-tendered (in the caller's transaction)."""
    tender = await load(conn, tender_id)
    if tender.status is not TenderStatus.CANDIDATES:
        return False
    out = {p.lot for p in await results_queries.publicities(conn, tender_id)}
    for lot in common.lots_of(tender):
        if lot not in out and not is_retendered(
            await results_queries.decisions(conn, tender_id, lot)
        ):
            return False
    await change_status(
        conn, tender_id, TenderStatus.CANDIDATES_PUBLICISED,
        reason="every lot's candidates are publicised (Reg. 54)",
    )  # fmt: skip
    return True


async def public_candidates(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> Publicity:
    """A lot's publicity for anyone; ``candidates_publicity_not_found`` before it."""
    tender = await load(conn, tender_id)
    common.require_public(tender)
    common.require_lot(tender, lot)
    found = await results_queries.publicity(conn, tender_id, lot)
    if found is None:
        raise PublicityNotFound("the lot's candidates are not publicised")
    return found


async def public_publicities(conn: asyncpg.Connection, tender_id: UUID) -> list[Publicity]:
    """Every publicised lot of a public tender (none before publication)."""
    tender = await load(conn, tender_id)
    common.require_public(tender)
    return await results_queries.publicities(conn, tender_id)
