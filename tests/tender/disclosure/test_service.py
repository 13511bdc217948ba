"""Each stage of a real closed tender is disclosed when its rule says, and not a moment
before: the facts, the OCDS packages and the feed agree (DOMAIN.md, "Results and
disclosure"; issue 13, items 8 and 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest

from tender.disclosure import service
from tender.disclosure.facts import ContractFact, ContractFacts, Disclosure, MilestoneFact
from tender.disclosure.ocds_packages import record_package, release_package
from tender.disclosure.public import public_facts
from tender.errors import TenderNotFound
from tender.lifecycle import change_status
from tender.model import TenderStatus
from tender.queries import database_now
from tests.tender.disclosure import ocds_schema
from tests.tender.disclosure.factory import decide, publicise
from tests.tender.disclosure.story import SITE
from tests.tender.results.kit import Closed

US = dt.timedelta(microseconds=1)


async def _now(conn: asyncpg.Connection) -> dt.datetime:
    return await database_now(conn)


async def _at(conn: asyncpg.Connection, closed: Closed, at: dt.datetime, **kw: Any) -> Disclosure:
    return await service.load_disclosure(conn, closed.tender_id, at, **kw)


def _valid(d: Disclosure) -> dict[str, Any]:
    package = release_package(d, SITE)
    ocds_schema.assert_release_package(package)
    ocds_schema.assert_record_package(record_package(d, SITE))
    return package


def _bidders_absent(package: dict[str, Any], closed: Closed) -> None:
    text = repr(package)
    for release in package["releases"]:
        assert "bids" not in release
        assert "numberOfTenderers" not in release["tender"]
        assert all("tenderer" not in p["roles"] for p in release["parties"])
    for c in closed.candidates:
        assert c.bidder_name not in text
        assert str(c.bid_id) not in text


async def test_the_opening_records_disclose_bids_only_once_published(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Reg. 44: a microsecond before the first record, no bid, tenderer or count."""
    first = await conn.fetchval(
        "SELECT min(published_at) FROM opening_records WHERE tender_id = $1", closed.tender_id
    )
    early = await _at(conn, closed, first - US)
    assert early.openings == []
    _bidders_absent(_valid(early), closed)
    assert public_facts(early)["opening"] == []
    now = await _at(conn, closed, await _now(conn))
    release = _valid(now)["releases"][-1]
    assert release["tender"]["numberOfTenderers"] >= 3
    prices = {d["id"]: d.get("value") for d in release["bids"]["details"]}
    for c in closed.candidates:  # the commercial record's price completes the technical one
        assert prices[str(c.bid_id)] == {"amount": c.price_fen / 100, "currency": "CNY"}


async def test_candidates_and_qualification_results_wait_for_the_publicity(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Reg. 54: the evaluation's ranking is not public until the publicity is out."""
    now = await _now(conn)
    before = await _at(conn, closed, now)
    assert before.candidates == []
    assert "awards" not in _valid(before)["releases"][-1]
    facts = public_facts(before)
    assert facts["candidates"] == []
    assert facts["qualification"] == []
    later = now + dt.timedelta(hours=1)
    await publicise(conn, closed, later)
    assert (await _at(conn, closed, later - US)).candidates == []
    out = await _at(conn, closed, later)
    release = _valid(out)["releases"][-2]
    assert release["id"].endswith(f"-candidates-{closed.lot}")
    assert [(a["relatedBid"], a["status"]) for a in release["awards"]] == [
        (str(c.bid_id), "pending") for c in closed.candidates
    ]
    assert public_facts(out)["candidates"][0]["candidates"][0]["bidder_name"] == (
        closed.candidates[0].bidder_name
    )
    assert {d["status"] for d in release["bids"]["details"]} <= {"valid", "disqualified"}


async def test_the_award_is_public_when_decided_and_not_before(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Reg. 55: the award release is dated by the decision; earlier, only candidates."""
    now = await _now(conn)
    await publicise(conn, closed, now)
    decided = now + dt.timedelta(days=3, minutes=5)
    winner = await decide(conn, closed, decided)
    early = await _at(conn, closed, decided - US)
    assert early.awards == []
    assert public_facts(early)["result"] == []
    assert {a["status"] for a in _valid(early)["releases"][-1]["awards"]} == {"pending"}
    release = _valid(await _at(conn, closed, decided))["releases"][-1]
    assert release["tag"] == ["award"]
    statuses = {a["relatedBid"]: a["status"] for a in release["awards"]}
    assert statuses.pop(str(winner)) == "active"
    assert set(statuses.values()) == {"unsuccessful"}


async def test_contracts_and_performance_show_once_recorded(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Law 46: a contract (and its milestones) from the contract work's loader, by its time."""
    now = await _now(conn)
    await publicise(conn, closed, now)
    winner = await decide(conn, closed, now + dt.timedelta(days=3))
    assert winner is not None
    recorded = now + dt.timedelta(days=10)
    contract = ContractFact(
        id=closed.tender_id,
        lot=closed.lot,
        bid_id=winner,
        supplier_id=closed.candidates[0].bidder_id,
        title="施工合同",
        value_fen=closed.candidates[0].price_fen,
        signed_at=recorded,
        recorded_at=recorded,
    )
    milestone = MilestoneFact(
        id=closed.tender_id,
        contract_id=contract.id,
        title="竣工验收",
        due=None,
        status="met",
        met_at=recorded + dt.timedelta(days=9),
        recorded_at=recorded + dt.timedelta(days=10),
    )

    async def loader(conn: asyncpg.Connection, tender_id: object) -> ContractFacts:
        return ContractFacts(contracts=(contract,), milestones=(milestone,))

    early = await _at(conn, closed, recorded - US, contracts=loader)
    assert "contracts" not in _valid(early)["releases"][-1]
    assert public_facts(early)["contracts"] == []
    signed = _valid(await _at(conn, closed, recorded, contracts=loader))["releases"][-1]
    assert signed["tag"] == ["contract"]
    assert "implementation" not in signed["contracts"][0]
    done = await _at(conn, closed, milestone.recorded_at, contracts=loader)
    assert _valid(done)["releases"][-1]["tag"] == ["implementation"]
    assert public_facts(done)["performance"]["milestones"][0]["title"] == "竣工验收"


async def test_a_cancelled_tender_discloses_its_cancellation_with_the_reason(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The failure is public when the status changes, with its reason (issue 13, item 6)."""
    before = await _now(conn)
    await change_status(conn, closed.tender_id, TenderStatus.FAILED, reason="所有投标被否决")
    assert (await _at(conn, closed, before)).closure is None
    d = await _at(conn, closed, await _now(conn))
    assert d.closure is not None
    assert d.closure.reason == "所有投标被否决"
    release = _valid(d)["releases"][-1]
    assert release["id"].endswith("-failed")
    assert release["tender"]["status"] == "unsuccessful"


async def test_a_draft_or_unknown_tender_discloses_nothing(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """A tender before its notice is nobody's business (tender_not_found)."""
    published = await conn.fetchval(
        "SELECT published_at FROM tenders WHERE id = $1", closed.tender_id
    )
    with pytest.raises(TenderNotFound):
        await _at(conn, closed, published - US)
