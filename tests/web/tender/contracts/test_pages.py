"""The public contract page: the key terms, changes and performance; nothing before."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
import httpx
import pytest

from tests.tender.contracts.factory import awarded
from tests.tender.results.kit import Closed
from tests.web.evaluation.http import login
from tests.web.tender.contracts.test_routes import contract_json, url
from web.i18n import LANG_COOKIE

pytestmark = pytest.mark.usefixtures("app")


async def test_the_page_shows_nothing_before_the_contract_and_its_key_terms_after(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    page = f"/tenders/{w.tender.id}/contract"
    before = await client.get(page)
    assert before.status_code == 200
    assert 'id="no-contract"' in before.text
    assert "尚未订立合同" in before.text
    agency = await login(client, closed.agency)
    await client.post(url(w), json=contract_json(w), headers=agency)
    paid = {
        "kind": "payment",
        "title": "预付款",
        "amount_fen": 123_456,
        "occurred_on": "2026-03-10",
    }
    await client.post(url(w, "contracts/1/performance"), json=paid, headers=agency)
    after = await client.get(page)
    assert 'data-lot="1"' in after.text
    assert "ef" * 32 in after.text
    assert "1,234.56" in after.text
    assert "支付" in after.text
    client.cookies.set(LANG_COOKIE, "en")
    english = await client.get(page)
    assert "Contract and performance" in english.text
    notice = await client.get(f"/tenders/{w.tender.id}")
    assert f'href="/tenders/{w.tender.id}/contract"' in notice.text


async def test_an_unknown_tender_has_no_contract_page(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/tenders/{uuid4()}/contract")).status_code == 404
