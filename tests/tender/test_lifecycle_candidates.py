"""The status "candidates" (issue 11): the evaluation hands its candidates over before
they are publicised; and a lot stored before issue 11 loads as the full method."""

from __future__ import annotations

import json

import asyncpg
import pytest

from tender import service
from tender.codec import evaluation_to_json
from tender.errors import TenderStateConflict
from tender.lifecycle import TRANSITIONS, change_status, load
from tender.model import TenderStatus
from tests.tender.kit import scoring
from tests.tender.world import World, entries, fast_draft, published_tender


def test_candidates_lie_between_evaluation_and_their_publicity() -> None:
    """evaluation → candidates → candidates_publicised; each may also fail or be
    cancelled (issue 13, item 6)."""
    assert TRANSITIONS[TenderStatus.EVALUATION] == {
        TenderStatus.CANDIDATES,
        TenderStatus.FAILED,
        TenderStatus.CANCELLED,
    }
    assert TRANSITIONS[TenderStatus.CANDIDATES] == {
        TenderStatus.CANDIDATES_PUBLICISED,
        TenderStatus.FAILED,
        TenderStatus.CANCELLED,
    }
    assert set(TRANSITIONS) == set(TenderStatus)


async def test_a_tender_moves_through_candidates_and_the_database_accepts_it(
    conn: asyncpg.Connection, world: World
) -> None:
    """The CHECK of tenders.status (0061) lists "candidates"; evaluation cannot skip it."""
    tender = await published_tender(conn, world)
    for status in (TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING, TenderStatus.EVALUATION):
        await change_status(conn, tender.id, status)
    with pytest.raises(TenderStateConflict):
        await change_status(conn, tender.id, TenderStatus.CANDIDATES_PUBLICISED)
    moved = await change_status(conn, tender.id, TenderStatus.CANDIDATES, reason="report signed")
    assert moved.status is TenderStatus.CANDIDATES
    publicised = await change_status(conn, tender.id, TenderStatus.CANDIDATES_PUBLICISED)
    assert publicised.status is TenderStatus.CANDIDATES_PUBLICISED
    changed = [(e.data["from"], e.data["to"]) for e in await entries(conn, "tender.status_changed")]
    assert changed[-2:] == [("evaluation", "candidates"), ("candidates", "candidates_publicised")]


async def test_the_database_refuses_an_unknown_status(
    conn: asyncpg.Connection, world: World
) -> None:
    """The replaced CHECK still refuses what is not a status."""
    tender = await published_tender(conn, world)
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("UPDATE tenders SET status = 'shortlisted' WHERE id = $1", tender.id)


async def test_a_lot_stored_before_issue_11_loads_as_the_full_method(
    conn: asyncpg.Connection, world: World
) -> None:
    """A stored {name, max_points} method reads back as c<n> criteria with sub-item "1"."""
    draft = await fast_draft(conn, world)
    tender = await service.create_draft(conn, world.agency, draft)
    legacy = {
        "method": "comprehensive_scoring",
        "criteria": [{"name": "技术", "max_points": 30}, {"name": "商务", "max_points": 10}],
        "price": {
            "points": 60,
            "formula": "lowest_price_base",
            "above_per_percent": 0,
            "below_per_percent": 0,
        },
        "drop_extremes": False,
    }
    await conn.execute(
        "UPDATE tender_lots SET evaluation = $2::jsonb WHERE tender_id = $1",
        tender.id,
        json.dumps(legacy),
    )
    loaded = (await load(conn, tender.id)).content.lots[0].evaluation
    assert loaded == scoring()
    assert [a for c in loaded.criteria for a in (c.id, c.items[0].id)] == ["c1", "1", "c2", "1"]
    assert evaluation_to_json(loaded)["criteria"][1]["items"][0]["max_hundredths"] == 1000
