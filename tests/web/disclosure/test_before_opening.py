"""The stages before the opening: a draft shows nothing; a clarification shows once
issued; a submitted bid shows nowhere before the opening record — not on the disclosure
page, the disclosure API, the OCDS package or record, nor the feed (Reg. 21, 44; DESIGN.md
trust model 1). The home page lists the notice as current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from signing.demo_ca import DemoCA
from tender import service
from tender.lifecycle import change_status
from tender.model import TenderStatus
from tender.notices import service as notices
from tender.notices.model import ClarificationKind
from tests.tender.disclosure import ocds_schema
from tests.tender.submission.kit import bidder, make_submission, submit_sealed
from tests.tender.world import World, build_world, fast_draft, live_ca, published_tender


@pytest.fixture(scope="module")
def ca() -> DemoCA:
    return live_ca()


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    return await build_world(conn, ca)


async def test_a_submitted_bid_is_nowhere_before_the_opening_record(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
) -> None:
    """The bidder's name, credit code, bid id and the count of tenderers stay secret."""
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    receipt = await submit_sealed(conn, pool, make_submission(world, tmp_path), world, tender, who)
    secrets = [who.org.name, who.org.credit_code, str(receipt.version.bid_id)]
    base = f"/api/v1/tenders/{tender.id}"
    answers = {}
    for path in (f"{base}/ocds", f"{base}/ocds/record", f"{base}/disclosure"):
        answers[path] = await client.get(path)
    answers["feed"] = await client.get("/api/v1/ocds/releases")
    answers["page"] = await client.get(f"/tenders/{tender.id}/disclosure")
    for where, answer in answers.items():
        assert answer.status_code == 200, where
        for secret in [*secrets, "numberOfTenderers", '"bids"', 'tenderer"']:
            assert secret not in answer.text, (where, secret)
    ocds_schema.assert_release_package(answers[f"{base}/ocds"].json())
    ocds_schema.assert_record_package(answers[f"{base}/ocds/record"].json())
    ocds_schema.assert_release_package(answers["feed"].json())
    assert answers[f"{base}/disclosure"].json()["opening"] == []
    home = await client.get("/")
    assert f'data-code="{tender.code}"' in home.text
    assert str(tender.id) in home.text


async def test_a_draft_is_not_disclosed(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: World
) -> None:
    """tender_not_found on the API; the page says so (404); the feed has nothing (204)."""
    draft = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    api = await client.get(f"/api/v1/tenders/{draft.id}/disclosure")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "tender_not_found"
    assert (await client.get(f"/api/v1/tenders/{draft.id}/ocds/record")).status_code == 404
    assert (await client.get(f"/tenders/{draft.id}/disclosure")).status_code == 404
    assert (await client.get("/api/v1/ocds/releases")).status_code == 204


async def test_a_draft_cancelled_before_its_notice_has_no_open_data(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: World
) -> None:
    """Never published, it has no code and no notice: 404, not a server error."""
    draft = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    await change_status(conn, draft.id, TenderStatus.CANCELLED, reason="项目取消")
    for path in ("ocds", "ocds/record", "disclosure"):
        answer = await client.get(f"/api/v1/tenders/{draft.id}/{path}")
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "tender_not_found"
    assert (await client.get("/api/v1/ocds/releases")).status_code == 204


async def test_a_clarification_is_public_once_issued_and_not_before(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: World
) -> None:
    """Reg. 21: before it is issued no page, API or release has it; then all do."""
    tender = await published_tender(conn, world)
    title = "第1号澄清（测试）"

    async def seen() -> tuple[str, dict[str, Any], list[str]]:
        page = (await client.get(f"/tenders/{tender.id}/disclosure")).text
        api = (await client.get(f"/api/v1/tenders/{tender.id}/disclosure")).json()
        feed = (await client.get("/api/v1/ocds/releases")).json()
        ocds_schema.assert_release_package(feed)
        return page, api, [r["id"] for r in feed["releases"]]

    page, api, feed = await seen()
    assert title not in page
    assert api["clarifications"] == []
    assert f"{tender.code}-amendment-1" not in feed
    await notices.issue_clarification(
        conn,
        world.agency,
        tender.id,
        kind=ClarificationKind.CLARIFICATION,
        title=title,
        body="评分办法第2条的说明。",
        setup=world.setup(),
    )
    page, api, feed = await seen()
    assert title in page
    assert api["clarifications"][0]["title"] == title
    assert f"{tender.code}-amendment-1" in feed
