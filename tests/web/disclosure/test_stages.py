"""Each later stage of a real closed tender, asked for early through the public page,
the disclosure API and the OCDS feed, shows nothing; once out, it shows everywhere, and
every OCDS package served validates (issue 13, items 8 and 9).

"Early" is a fact dated after the database clock (a publicity or a decision not out
yet): the server decides by its own clock, as it does for every deadline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tender.disclosure.facts import ContractFact, ContractFacts, MilestoneFact, TransactionFact
from tender.lifecycle import change_status
from tender.model import TenderStatus
from tender.queries import database_now
from tests.conftest import LiveServer
from tests.tender.disclosure.factory import decide, publicise
from tests.tender.results import kit
from tests.tender.results.kit import Closed
from tests.web.disclosure.surfaces import awards as _awards
from tests.web.disclosure.surfaces import everything as _everything

# This module runs on a clone of the closed tender (tests/tender/results/kit.py).
database = kit.results_database
closed = kit.closed

HOUR = dt.timedelta(hours=1)


async def _opened(conn: asyncpg.Connection, closed: Closed) -> dt.datetime:
    """When the lot's last opening record was published (the later stages follow it)."""
    found: dt.datetime = await conn.fetchval(
        "SELECT max(published_at) FROM opening_records WHERE tender_id = $1", closed.tender_id
    )
    return found


def _section(page: str, stage: str, following: str) -> str:
    """The page's section of ``stage`` (up to the next one)."""
    return page.split(f'id="stage-{stage}"')[1].split(f'id="stage-{following}"')[0]


async def test_the_candidates_and_qualification_results_before_their_publicity(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Reg. 54: a publicity dated an hour ahead is not out: no candidates, no awards."""
    await publicise(conn, closed, await database_now(conn) + HOUR)
    seen = await _everything(client, closed)
    assert seen["api"]["candidates"] == []
    assert seen["api"]["qualification"] == []
    assert _awards(seen) == []
    assert not any("-candidates-" in r["id"] for r in seen["feed"])
    section = _section(seen["page"], "candidates", "result")
    assert "尚未公开" in section
    assert "data-bid" not in section
    assert "尚未公开" in _section(seen["page"], "qualification", "candidates")


async def test_the_candidates_and_qualification_results_once_publicised(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Out now: pending awards, the candidates on the page, the API and in the feed."""
    await publicise(conn, closed, await database_now(conn))
    seen = await _everything(client, closed)
    ranked = [c["bid"] for c in seen["api"]["candidates"][0]["candidates"]]
    assert ranked == [str(c.bid_id) for c in closed.candidates]
    assert len(seen["api"]["qualification"]) == 1
    assert {a["status"] for a in _awards(seen)} == {"pending"}
    assert any(r["id"].endswith("-candidates-1") for r in seen["feed"])
    section = _section(seen["page"], "candidates", "result")
    assert closed.candidates[0].bidder_name in section
    assert f'data-bid="{closed.candidates[0].bid_id}"' in section


async def test_the_result_before_and_after_the_decision(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Reg. 55: a decision dated ahead is not out; one made now is, everywhere."""
    now = await database_now(conn)
    await publicise(conn, closed, now)
    await decide(conn, closed, now + HOUR)
    early = await _everything(client, closed)
    assert early["api"]["result"] == []
    assert "active" not in {a["status"] for a in _awards(early)}
    assert not any("-award-" in r["id"] for r in early["feed"])
    assert "确定中标人" not in early["page"]
    home = (await client.get("/")).text
    assert 'data-stage="candidates"' in home


async def test_the_result_once_decided_and_the_home_page_lists_it(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The award: active in the record and the feed, on the page and the home page."""
    now = await database_now(conn)
    await publicise(conn, closed, now - (now - await _opened(conn, closed)) / 2)
    await decide(conn, closed, now)
    seen = await _everything(client, closed)
    assert seen["api"]["result"][0]["kind"] == "award"
    compiled = seen["record"]["records"][0]["compiledRelease"]
    assert [a["status"] for a in compiled["awards"]].count("active") == 1
    assert any(r["id"].endswith("-award-1-1") for r in seen["feed"])
    assert "确定中标人" in seen["page"]
    home = (await client.get("/")).text
    assert 'data-stage="result"' in home


async def test_a_failure_is_public_once_the_status_changes(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Issue 13, item 6: no failure before it happens; then with its reason, everywhere."""
    before = await _everything(client, closed)
    assert before["api"]["closure"] is None
    await change_status(conn, closed.tender_id, TenderStatus.FAILED, reason="有效投标不足三个")
    seen = await _everything(client, closed)
    assert seen["api"]["closure"]["reason"] == "有效投标不足三个"
    assert seen["record"]["records"][0]["compiledRelease"]["tender"]["status"] == "unsuccessful"
    assert any(r["id"].endswith("-failed") for r in seen["feed"])
    assert "有效投标不足三个" in seen["page"]
    assert 'data-stage="failed"' in (await client.get("/")).text


async def test_a_forged_feed_cursor_is_refused_with_a_clear_error(
    client: httpx.AsyncClient,
) -> None:
    """ocds_cursor_invalid (422), the one error body."""
    answer = await client.get("/api/v1/ocds/releases", params={"cursor": "forged"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "ocds_cursor_invalid"
    assert "cursor" in answer.json()["error"]["message"]


def _contract_loader(
    app: Starlette, closed: Closed, winner: UUID, at: dt.datetime, step: dt.timedelta = HOUR
) -> tuple[ContractFact, MilestoneFact, TransactionFact]:
    """Point the app's contract facts (the contract work's, once merged) at these."""
    contract = ContractFact(
        id=UUID(int=0xC0),
        lot=closed.lot,
        bid_id=winner,
        supplier_id=closed.candidates[0].bidder_id,
        title="施工合同（测试）",
        value_fen=closed.candidates[0].price_fen,
        signed_at=at,
        recorded_at=at,
    )
    milestone = MilestoneFact(
        id=UUID(int=0xC1),
        contract_id=contract.id,
        title="竣工验收（测试）",
        due=None,
        status="met",
        met_at=at + step,
        recorded_at=at + step,
    )
    payment = TransactionFact(
        id=UUID(int=0xC2),
        contract_id=contract.id,
        amount_fen=1_000_00,
        paid_at=at + 2 * step,
        recorded_at=at + 2 * step,
    )

    async def loader(conn: asyncpg.Connection, tender_id: UUID) -> ContractFacts:
        facts = (contract,) if tender_id == closed.tender_id else ()
        return ContractFacts(
            contracts=facts,
            milestones=(milestone,) if facts else (),
            transactions=(payment,) if facts else (),
        )

    app.state.services = dataclasses.replace(app.state.services, contract_facts=loader)
    return contract, milestone, payment


async def test_the_contract_and_performance_before_and_once_recorded(
    app: Starlette, client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Law 46: a contract recorded an hour ahead, its milestone and payment later still,
    show nowhere; recorded in the past, they show on the page, the API and the feed."""
    now = await database_now(conn)
    opened = await _opened(conn, closed)
    step = (now - opened) / 10  # every later stage between the opening and now, in order
    await publicise(conn, closed, opened + step)
    winner = await decide(conn, closed, opened + 2 * step)
    assert winner is not None
    _contract_loader(app, closed, winner, now + HOUR)
    early = await _everything(client, closed)
    assert early["api"]["contracts"] == []
    assert early["api"]["performance"] == {"milestones": [], "payments": []}
    assert not any(r.get("contracts") for r in early["feed"])
    assert "施工合同（测试）" not in early["page"]
    assert "竣工验收（测试）" not in early["page"]
    contract, milestone, payment = _contract_loader(app, closed, winner, opened + 3 * step, step)
    seen = await _everything(client, closed)
    assert seen["api"]["contracts"][0]["id"] == str(contract.id)
    assert seen["api"]["performance"]["payments"][0]["amount_fen"] == payment.amount_fen
    tags = [r["tag"] for r in seen["feed"]][-3:]
    assert tags == [["contract"], ["implementation"], ["implementation"]]
    compiled = seen["record"]["records"][0]["compiledRelease"]
    (implemented,) = compiled["contracts"]
    assert implemented["implementation"]["milestones"][0]["title"] == milestone.title
    assert "施工合同（测试）" in _section(seen["page"], "contracts", "performance")
    assert "竣工验收（测试）" in seen["page"].split('id="stage-performance"')[1]


@pytest.mark.browser
async def test_the_public_follows_a_result_from_the_home_page_in_chromium(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Home → the result → the tender's disclosure page, in a real browser, no script."""
    now = await database_now(conn)
    await publicise(conn, closed, now - (now - await _opened(conn, closed)) / 2)
    await decide(conn, closed, now)
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{live_server.url}/")
    await page.click("#recent-results li[data-stage=result] a")
    await page.wait_for_url(f"{live_server.url}/tenders/{closed.tender_id}/disclosure")
    candidates = page.locator("#stage-candidates tbody tr")
    assert await candidates.count() == 3
    assert await page.locator("#stage-result article[data-step='1']").count() == 1
    await context.close()
