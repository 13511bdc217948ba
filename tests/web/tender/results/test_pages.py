"""The public results page: nothing before publication, then the candidates, the
result and a closure notice, in Chinese first and English; every key translated."""

from __future__ import annotations

import asyncpg
import httpx

from tender.results import outcomes
from tests.tender.results.kit import Closed
from tests.tender.results.steps import publicise
from web import i18n
from web.tender.results import i18n as i18n_results


def test_every_message_of_the_page_has_both_languages() -> None:
    """zh-CN and English, none empty."""
    assert all(len(texts) == 2 and all(texts) for texts in i18n_results.catalogue().values())


async def test_the_page_shows_nothing_before_and_the_candidates_after_publication(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Anonymous: "nothing yet", then each candidate's row with its name and price."""
    url = f"/tenders/{closed.tender_id}/results"
    before = await client.get(url)
    assert before.status_code == 200
    assert 'id="nothing"' in before.text
    assert closed.candidates[0].bidder_name not in before.text
    await publicise(conn, closed)
    after = await client.get(url)
    assert 'id="nothing"' not in after.text
    assert "中标候选人公示" in after.text
    for candidate in closed.candidates:
        assert candidate.bidder_name in after.text
    client.cookies.set(i18n.LANG_COOKIE, "en")
    english = await client.get(url)
    assert "Candidates publicised" in english.text


async def test_a_cancelled_tenders_page_shows_its_notice_and_an_unknown_id_is_not_found(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The closure's reason is on the page; a malformed or unknown id: 404."""

    await outcomes.cancel(
        conn, closed.agency, closed.tender_id, reason="资金未落实", setup=closed.setup()
    )
    page = await client.get(f"/tenders/{closed.tender_id}/results")
    assert 'id="closure-notice"' in page.text
    assert "资金未落实" in page.text
    assert (await client.get("/tenders/not-a-uuid/results")).status_code == 404
