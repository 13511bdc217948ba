"""A bidder's own results (issue 15): every lot its organisation bid on, the lot's
stage, its rank once the candidates are publicised, and its award or result notices.

Per object (DESIGN.md, "Interfaces"): only the bids of the organisations the actor
bids for, and of each lot only what the platform has already published for it — the
opening record, the candidates' publicity, the result announcement, the failure or
cancellation notice (DOMAIN.md, "Results and disclosure"). Nothing here is before
its publication for that bidder; the notices come from tender.award_notices, which
decides per notice.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from tender.award_notices import service as award_notices
from tender.award_notices.model import Notice
from tender.results import bidder_queries


class LotStage(enum.StrEnum):
    """How far a lot the bidder bid on has gone, as far as is public."""

    SUBMITTED = "submitted"  # the bid is in; nothing about the lot is published yet
    OPENED = "opened"  # the opening record is published (Reg. 44)
    CANDIDATES_PUBLICISED = "candidates_publicised"  # Reg. 54
    AWARDED = "awarded"  # the result is announced
    FAILED = "failed"  # the tender failed, or the lot is to be tendered again (Reg. 55)
    CANCELLED = "cancelled"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidResult:
    """One lot the bidder's organisation bid on, and where it stands."""

    bid_id: UUID
    tender_id: UUID
    code: str | None
    title: str
    deadline: datetime | None
    lot: str
    lot_title: str
    stage: LotStage
    rank: int | None  # its rank among the publicised candidates, if it is one
    won: bool | None  # once announced: whether the award is this bid's
    notices: tuple[Notice, ...]


def stage_of(row: asyncpg.Record) -> LotStage:
    """The furthest published fact of the lot decides (a closure or a re-tender last)."""
    if row["closure"] == "cancelled":
        return LotStage.CANCELLED
    if row["closure"] == "failed" or row["retendered"]:
        return LotStage.FAILED
    if row["won"] is not None:
        return LotStage.AWARDED
    if row["publicised"]:
        return LotStage.CANDIDATES_PUBLICISED
    if row["opened"]:
        return LotStage.OPENED
    return LotStage.SUBMITTED


async def my_results(conn: asyncpg.Connection, actor: Actor) -> list[BidResult]:
    """The actor's organisations' bids, newest tender first; bidders only."""
    if not actor.has_role(Role.BIDDER):
        raise PermissionDenied(
            "only a bidder has results to follow", details={"action": "results.mine"}
        )
    rows = await bidder_queries.bids(conn, sorted(actor.acting_for(Role.BIDDER)))
    notices = await award_notices.my_notices(conn, actor)
    by_bid: dict[UUID, list[Notice]] = {}
    for notice in notices:
        by_bid.setdefault(notice.bid_id, []).append(notice)
    return [
        BidResult(
            bid_id=r["bid_id"],
            tender_id=r["tender_id"],
            code=r["code"],
            title=r["title"],
            deadline=r["deadline"],
            lot=r["lot"],
            lot_title=r["lot_title"],
            stage=stage_of(r),
            rank=r["rank"],
            won=r["won"],
            notices=tuple(by_bid.get(r["bid_id"], ())),
        )
        for r in rows
    ]
