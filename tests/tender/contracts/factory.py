"""An awarded lot for the contract tests: the rows the contract starts from.

Until the award work's kit (tests/tender/results/kit.py) merges, the contract tests
start from the evaluation's opened lot (tests/evaluation/template.py, cloned per test)
and insert, with real SQL against the real schema, what the award would have left:
the commercial parts opened with their opening-form fields (0035 ``opening_results``),
the tender moved along the real lifecycle (``change_status``) to AWARDED, a current
award of lot 1 to the first bidder (0071 ``award_decisions``) decided ``decided_ago``
before the database clock, and a transfer bond of every bidder (0022).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from uuid import UUID

import asyncpg

from tender.lifecycle import change_status, load
from tender.model import Tender, TenderStatus
from tender.queries import database_now
from tests.evaluation.template import Template
from tests.tender.world import World

FIELDS = {"price": 90_000_00, "duration": 90, "quality": "合格", "project_manager": "张三"}
BOND_FEN = 1_000_00
PATH = (
    TenderStatus.BIDDING_CLOSED,
    TenderStatus.OPENING,
    TenderStatus.EVALUATION,
    TenderStatus.CANDIDATES,
    TenderStatus.CANDIDATES_PUBLICISED,
    TenderStatus.AWARDED,
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Awarded:
    """The awarded tender and who is around it."""

    world: World
    tender: Tender
    award_id: UUID
    bid_id: UUID
    winner_id: UUID
    bid_ids: tuple[UUID, ...]
    decided_at: dt.datetime


async def _bids(conn: asyncpg.Connection, tender: Tender) -> list[tuple[UUID, UUID]]:
    rows = await conn.fetch(
        "SELECT id, bidder_id FROM bids WHERE tender_id = $1 AND lot_id = $2 ORDER BY created_at",
        tender.id,
        tender.lot_id("1"),
    )
    return [(row["id"], row["bidder_id"]) for row in rows]


async def _open_commercial(
    conn: asyncpg.Connection, bid_id: UUID, fields: dict[str, object]
) -> None:
    await conn.execute(
        "INSERT INTO opening_results (bid_id, part, outcome, opened_by, fields, manifest_sha256,"
        " settled_at) VALUES ($1, 'commercial', 'opened', 'officials', $2::jsonb, $3,"
        " clock_timestamp())",
        bid_id,
        json.dumps(fields),
        secrets.token_hex(32),
    )


async def _bond(conn: asyncpg.Connection, tender: Tender, bidder_id: UUID, user: UUID) -> None:
    await conn.execute(
        "INSERT INTO tender_bonds (tender_id, lot_id, bidder_id, kind, amount_fen, paid_at,"
        " paying_account, recorded_by, bidder_salt) VALUES ($1, $2, $3, 'transfer', $4,"
        " clock_timestamp() - interval '40 days', $5, $6, $7)",
        tender.id, tender.lot_id("1"), bidder_id, BOND_FEN,
        f"6222{secrets.randbelow(10**12):012d}", user, secrets.token_bytes(32),
    )  # fmt: skip


async def to_awarded(conn: asyncpg.Connection, tender_id: UUID) -> Tender:
    """The tender moved along the lifecycle to AWARDED (each step the real one)."""
    tender = await load(conn, tender_id)
    for status in PATH[PATH.index(tender.status) + 1 :] if tender.status in PATH else ():
        tender = await change_status(conn, tender_id, status, reason="test: the award")
    return tender


async def awarded(
    conn: asyncpg.Connection,
    template: Template,
    *,
    decided_ago: dt.timedelta = dt.timedelta(days=1),
    fields: dict[str, object] | None = None,
    award: bool = True,
) -> Awarded:
    """Lot 1 awarded to the first bidder ``decided_ago`` ago (see the module doc)."""
    world = template.scenario.world
    tender = template.scenario.tender
    bids = await _bids(conn, tender)
    for index, (bid_id, bidder_id) in enumerate(bids):
        price = 90_000_00 + index * 5_000_00
        await _open_commercial(conn, bid_id, {**(fields or FIELDS), "price": price})
        await _bond(conn, tender, bidder_id, world.staff.user_id)
    tender = await to_awarded(conn, tender.id) if award else tender
    decided_at = await database_now(conn) - decided_ago
    award_id = UUID(int=0)
    if award:
        award_id = await conn.fetchval(
            "INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank,"
            " price_fen, reason, decided_at, decided_by, current) VALUES ($1, '1', 1, 'award',"
            " $2, $3, 1, $4, 'the first-ranked candidate (Reg. 55)', $5, $6, true) RETURNING id",
            tender.id, bids[0][0], bids[0][1], 90_000_00, decided_at, world.agency.user_id,
        )  # fmt: skip
    return Awarded(
        world=world,
        tender=await load(conn, tender.id),
        award_id=award_id,
        bid_id=bids[0][0],
        winner_id=bids[0][1],
        bid_ids=tuple(b for b, _ in bids),
        decided_at=decided_at,
    )
