"""An awarded lot for the contract tests, from the award work's kit.

The kit (tests/tender/results/kit.py) gives a tender whose evaluation closed for real:
status ``candidates``, three ranked candidates of lot 1 with their opening-form fields
(price and duration: the bids state no quality nor project manager) and a guarantee
letter each. Until the award work's services merge, this factory does what the award
would: the tender moves along the real lifecycle (``change_status``) to AWARDED and lot
1's current award to the first-ranked candidate is inserted (0071 ``award_decisions``,
real SQL against the real schema), decided ``decided_ago`` before the database clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import OrgKind
from tender.lifecycle import change_status, load
from tender.model import Tender, TenderStatus
from tender.queries import database_now
from tests.accounts.factory import make_organisation
from tests.tender.results.kit import Closed
from tests.tender.world import World

PATH = (
    TenderStatus.CANDIDATES,
    TenderStatus.CANDIDATES_PUBLICISED,
    TenderStatus.AWARDED,
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Awarded:
    """The awarded tender and who is around it."""

    closed: Closed
    tender: Tender
    award_id: UUID
    bid_id: UUID
    winner_id: UUID
    fields: Mapping[str, Any]  # the winning bid's opening-form fields
    decided_at: dt.datetime

    @property
    def world(self) -> World:
        return self.closed.world


async def to_awarded(conn: asyncpg.Connection, tender_id: UUID) -> Tender:
    """The tender moved along the lifecycle to AWARDED (each step the real one)."""
    tender = await load(conn, tender_id)
    for status in PATH[PATH.index(tender.status) + 1 :]:
        tender = await change_status(conn, tender_id, status, reason="test: the award")
    return tender


async def awarded(
    conn: asyncpg.Connection,
    closed: Closed,
    *,
    decided_ago: dt.timedelta = dt.timedelta(days=1),
    award: bool = True,
) -> Awarded:
    """Lot 1 awarded to the first-ranked candidate ``decided_ago`` ago (module doc)."""
    winner = closed.candidates[0]
    decided_at = await database_now(conn) - decided_ago
    award_id = UUID(int=0)
    if award:
        await to_awarded(conn, closed.tender_id)
        award_id = await conn.fetchval(
            "INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank,"
            " price_fen, reason, decided_at, decided_by, current) VALUES ($1, '1', 1, 'award',"
            " $2, $3, 1, $4, 'the first-ranked candidate (Reg. 55)', $5, $6, true) RETURNING id",
            closed.tender_id, winner.bid_id, winner.bidder_id, winner.price_fen, decided_at,
            closed.agency.user_id,
        )  # fmt: skip
    return Awarded(
        closed=closed,
        tender=await load(conn, closed.tender_id),
        award_id=award_id,
        bid_id=winner.bid_id,
        winner_id=winner.bidder_id,
        fields=winner.fields,
        decided_at=decided_at,
    )


async def transfer_bond(
    conn: asyncpg.Connection, w: Awarded, *, amount_fen: int, paid_ago: dt.timedelta
) -> UUID:
    """A bank-transfer bond of lot 1 paid ``paid_ago`` ago by a bidder that did not bid in
    the end (its money is refunded with interest too; the kit's bonds are letters)."""
    org = await make_organisation(conn, OrgKind.BIDDER, name=f"投标人{secrets.token_hex(2)}")
    bond_id: UUID = await conn.fetchval(
        "INSERT INTO tender_bonds (tender_id, lot_id, bidder_id, kind, amount_fen, paid_at,"
        " paying_account, recorded_by, bidder_salt) VALUES ($1, $2, $3, 'transfer', $4,"
        " clock_timestamp() - $5::interval, $6, $7, $8) RETURNING id",
        w.tender.id, w.tender.lot_id("1"), org.id, amount_fen, paid_ago,
        f"6222{secrets.randbelow(10**12):012d}", w.closed.staff.user_id, secrets.token_bytes(32),
    )  # fmt: skip
    return bond_id
