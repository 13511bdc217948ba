"""Who reads the procurement pages, and the money they take (breaker F3, F4, F5, F17,
F18, F21; docs/api-procurement.md "The agency's pages", "Other parties' pages"): a yuan
field takes plain digits only, refused on the page's own error page; the quotation page
is an invited supplier's only; the agency's pages refuse every other role before any
field is read."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import httpx
import pytest

from procurement import queries
from procurement.model import Method
from procurement.negotiation import service as negotiation
from tender import queries as tender_queries
from tests.procurement.kit import DEADLINE_IN, published_project
from tests.procurement.test_model import BAD_YUAN
from tests.tender.world import World, wait_until
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)
from tests.web.tender.test_pages import sign_in

DESK = "/agency/procurement"
OTHERS = ("otheragent", "owner", "staff", "supervisor", "bidder1")


async def started(pool: asyncpg.Pool, world: World) -> UUID:
    """A published negotiation past its deadline for responses."""
    async with pool.acquire() as conn:
        talks = await published_project(conn, world, Method.NEGOTIATION, deadline_in=DEADLINE_IN)
        tender = await tender_queries.tender(conn, talks)
        assert tender is not None
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
    return talks


def assert_refused_page(response: httpx.Response, status: int, code: str) -> None:
    """The page's own error page (HTML), never the API's JSON body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f'data-code="{code}"' in response.text


async def test_every_bad_price_is_refused_on_the_quotation_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """Breaker F3/F4/F5: ``inf``, ``sNaN``, ``1e3``, ``1_000``… quote nothing: 422, the
    error page with procurement_input_invalid and the amount's format; then a plain
    amount quotes, and the form is gone once quoted."""
    talks = await started(pool, web_world)
    async with pool.acquire() as conn:
        await negotiation.open_round(conn, web_world.agency, talks, final=False)
    csrf = await sign_in(client, "bidder1")
    mine = f"/procurement/{talks}/quotations"
    for raw in BAD_YUAN:
        refused = await client.post(
            mine, data={"csrf_token": csrf, "round": "1", "price_yuan": raw}
        )
        assert_refused_page(refused, 422, "procurement_input_invalid")
        assert 'data-field="price_yuan"' in refused.text, raw
        assert f'href="/procurement/{talks}"' in refused.text  # back: not the agency's list
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM negotiation_quotations") == 0
    quote = {"csrf_token": csrf, "round": "1", "price_yuan": " 1180000.5 "}
    assert (await client.post(mine, data=quote)).status_code == 303
    async with pool.acquire() as conn:
        price = await conn.fetchval("SELECT price_fen FROM negotiation_quotations")
    assert price == 118_000_050
    page = await client.get(mine)
    assert "1,180,000.50" in page.text
    assert 'id="quote-form"' not in page.text  # one quotation per round


async def test_every_bad_price_is_refused_on_the_agreement_form(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """Breaker F3/F4: single source's agreed price is parsed as strictly; nothing agreed."""
    async with pool.acquire() as conn:
        single = await published_project(conn, web_world, Method.SINGLE_SOURCE)
    csrf = await sign_in(client, "agent")
    for raw in BAD_YUAN:
        refused = await client.post(
            f"{DESK}/{single}/agreement", data={"csrf_token": csrf, "price_yuan": raw}
        )
        assert_refused_page(refused, 422, "procurement_input_invalid")
        assert 'data-field="price_yuan"' in refused.text, raw
    final = await client.post(f"{DESK}/{single}/rounds", data={"csrf_token": csrf, "final": "x"})
    assert_refused_page(final, 422, "procurement_input_invalid")
    async with pool.acquire() as conn:
        assert await queries.award(conn, single) is None


async def test_the_quotation_page_is_an_invited_suppliers_only(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """Breaker F17: the overseers, the agency, the tenderer and another agency are
    refused (procurement_supplier_not_invited, 403), shown no form and no price of a
    closed round; an invited supplier's bidder reads its own quotations only."""
    talks = await started(pool, web_world)
    async with pool.acquire() as conn:
        await negotiation.open_round(conn, web_world.agency, talks, final=False)
        for bidder, price in zip(web_world.bidders, (911_00, 822_00, 833_00), strict=True):
            await negotiation.submit_quotation(conn, bidder, talks, round=1, price_fen=price)
        await negotiation.close_round(conn, web_world.agency, talks, round=1)
        await negotiation.open_round(conn, web_world.agency, talks, final=False)
    mine = f"/procurement/{talks}/quotations"
    for username in ("agent", "otheragent", "owner", "staff", "supervisor"):
        csrf = await sign_in(client, username)
        refused = await client.get(mine)
        assert_refused_page(refused, 403, "procurement_supplier_not_invited")
        assert 'id="quote-form"' not in refused.text
        assert not any(p in refused.text for p in ("911.00", "822.00", "833.00")), username
        await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "bidder2")
    own = await client.get(mine)
    assert own.status_code == 200
    assert "822.00" in own.text
    assert "911.00" not in own.text
    assert "833.00" not in own.text
    assert 'id="quote-form"' in own.text


async def test_a_supplier_reads_no_competitors_exclusion(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Breaker F21 over HTTP: ``excluded`` names every excluded supplier to the agency and
    the overseers, and to an invited supplier's bidder none but its own."""
    talks = await started(pool, web_world)
    gone = web_world.bidder_orgs[2].id
    async with pool.acquire() as conn:
        await negotiation.exclude_supplier(conn, web_world.agency, talks, gone, "资格不符合要求")
    url = f"/api/v1/procurement/projects/{talks}/negotiation"
    for username, expected in (
        ("agent", [str(gone)]), ("staff", [str(gone)]), ("supervisor", [str(gone)]),
        ("bidder1", []), ("bidder2", []),
    ):  # fmt: skip
        read = await client.get(url, headers=bearer(tokens[username]))
        assert read.status_code == 200, username
        assert read.json()["excluded"] == expected, username
    for username in ("owner", "otheragent"):
        refused = await client.get(url, headers=bearer(tokens[username]))
        assert refused.status_code == 403, username


@pytest.mark.parametrize("username", OTHERS[1:])
async def test_the_agency_list_is_refused_to_other_roles_before_its_form(
    client: httpx.AsyncClient, web_world: World, username: str
) -> None:
    """Breaker F18: the list and the form that starts a project are the agency's; a
    tenderer, the overseers and a bidder get permission_denied (403), on GET and on a
    POST whose fields are not even valid (no 422 before the role)."""
    csrf = await sign_in(client, username)
    assert_refused_page(await client.get(DESK), 403, "permission_denied")
    posted = await client.post(DESK, data={"csrf_token": csrf, "method": "nonsense"})
    assert_refused_page(posted, 403, "permission_denied")
    assert 'name="suppliers"' not in (await client.get(DESK)).text


async def test_the_desk_and_its_forms_are_the_projects_agencys(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """Breaker F18: every other role is refused the desk (403) and each desk form before
    its fields are read: a bad price or round number answers 403, nothing changes."""
    talks = await started(pool, web_world)
    desk = f"{DESK}/{talks}"
    for username in OTHERS:
        csrf = await sign_in(client, username)
        assert_refused_page(await client.get(desk), 403, "permission_denied")
        for path, data in (
            ("rounds", {"final": "maybe"}), ("rounds/x/close", {}),
            ("agreement", {"price_yuan": "inf"}), ("exclusions", {"supplier_id": "x"}),
            ("plan", {"members": "三"}),
        ):  # fmt: skip
            refused = await client.post(f"{desk}/{path}", data={"csrf_token": csrf, **data})
            assert_refused_page(refused, 403, "permission_denied")
        await client.post("/logout", data={"csrf_token": csrf})
    csrf = await sign_in(client, "agent")
    assert (await client.get(desk)).status_code == 200
