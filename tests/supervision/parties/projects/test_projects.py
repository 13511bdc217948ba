"""A party's projects won and performed, read from tender/results and tender/contracts, and
its credit score computed from its record by the formula of policy.json.

The closed tender stops at its candidates; the award, contract and acceptance rows this
feature starts from are inserted by the small factory below (real SQL against the real
schema of 0071 and 0074, as the results and contracts use cases would leave them).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from supervision.credit import records
from supervision.credit.model import load_policy
from tender.queries import database_now
from tests.supervision.credit.kit import blacklist
from tests.tender.results.kit import Closed


async def _award_and_perform(conn: asyncpg.Connection, closed: Closed, now: dt.datetime) -> UUID:
    best = closed.candidates[0]
    user = closed.agency.user_id
    award = await conn.fetchval(
        "INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank,"
        " price_fen, reason, decided_at, decided_by, current)"
        " VALUES ($1, $2, 1, 'award', $3, $4, 1, $5, '第一中标候选人', $6, $7, true)"
        " RETURNING id",
        closed.tender_id, closed.lot, best.bid_id, best.bidder_id, best.price_fen, now, user,
    )  # fmt: skip
    contract = await conn.fetchval(
        "INSERT INTO tender_contracts (tender_id, lot, award_id, bid_id, supplier_id, price_fen,"
        " scope, document_sha256, signed_on, deadline, late, recorded_by, recorded_at,"
        " log_index) VALUES ($1, $2, $3, $4, $5, $6, '施工', $7, $8, $9, false, $10, $11, 0)"
        " RETURNING id",
        closed.tender_id, closed.lot, award, best.bid_id, best.bidder_id, best.price_fen,
        "0" * 64, now.date(), now + dt.timedelta(days=30), user, now,
    )  # fmt: skip
    await conn.execute(
        "INSERT INTO tender_performance (contract_id, tender_id, kind, title, description,"
        " occurred_on, recorded_by, recorded_at, log_index)"
        " VALUES ($1, $2, 'acceptance', '竣工验收', '', $3, $4, $5, 0)",
        contract, closed.tender_id, now.date(), user, now,
    )  # fmt: skip
    return best.bidder_id


async def test_a_partys_record_shows_its_projects_and_its_score_by_the_formula(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    now = await database_now(conn)
    winner = await _award_and_perform(conn, closed, now)
    policy = records.load_default_policy()
    record = await records.party_record(conn, closed.supervisor, winner, policy, now)
    assert [(p.tender_id, p.lot, p.performed) for p in record.projects] == [
        (closed.tender_id, closed.lot, True)
    ]
    assert record.credit.facts["projects_won"] == 1
    assert record.credit.facts["projects_performed"] == 1
    assert (record.credit.score, record.credit.grade) == (101.0, "A")
    await blacklist(conn, closed.supervisor, winner)
    later = await database_now(conn)
    again = await records.party_record(conn, closed.supervisor, winner, policy, later)
    # 100 − 10 (a violation) − 40 (a black entry in force) + 1 (one project performed)
    assert (again.credit.score, again.credit.grade) == (51.0, "D")
    custom = load_policy({
        "version": "t", "base": 60, "floor": 0, "ceiling": 100, "window_days": 30,
        "terms": [{"fact": "projects_won", "weight": 10}],
        "grades": [{"least": 70, "grade": "A"}, {"least": 0, "grade": "B"}],
    })  # fmt: skip
    third = await records.party_record(conn, closed.staff, winner, custom, later)
    assert (third.credit.score, third.credit.grade) == (70.0, "A")
