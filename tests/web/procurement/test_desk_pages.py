"""The agency's procurement pages (issue 18, item 5; web/procurement/desk.py), over HTTP
with a cookie session and its CSRF token: a method chosen and suppliers invited from
the browser, the method's rules checked before publication; a negotiation's rounds
opened, closed and its quotations shown, a supplier excluded; single source's objection
answered. Another agency and a bidder are refused; a form without the token changes
nothing; no inline script."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx

from procurement import queries
from procurement.model import PROJECT_METHODS, Method
from procurement.negotiation import queries as rounds
from procurement.negotiation import service as negotiation
from procurement.policy import ProcurementPolicies
from procurement.single_source import queries as objections
from tender import queries as tender_queries
from tender.model import Category
from tests.procurement.kit import DEADLINE_IN, published_project
from tests.tender.world import World, wait_until
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    fixture_http_ca,
    fixture_settings,
    fixture_web_world,
)
from tests.web.tender.test_pages import sign_in
from web.procurement import i18n as texts

DESK = "/agency/procurement"
HOUR = ProcurementPolicies().with_values({"single_source_publicity": "1h"})  # objections open
TEMPLATES = Path(__file__).parents[3] / "web" / "templates" / "procurement"


def test_every_message_key_of_the_templates_is_translated() -> None:
    """A missing translation is a test failure, never a blank page."""
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r't\("(pr\.[a-z0-9_.]+)"', template.read_text(encoding="utf-8")))
    dynamic = {
        "pr.method.": sorted(PROJECT_METHODS),
        "pr.category.": list(Category),
        "pr.outcome.": ["upheld", "dismissed", "pending"],
        "pr.status.": [],  # shown only where has() finds the key
    }
    keys = {k for k in used if not k.endswith(".")}
    keys |= {prefix + str(v) for prefix in used & set(dynamic) for v in dynamic[prefix]}
    assert {k for k in used if k.endswith(".")} <= set(dynamic)
    assert sorted(k for k in keys if k not in texts.catalogue()) == []
    assert all(len(pair) == 2 and all(pair) for pair in texts.catalogue().values())


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")


async def test_the_agency_chooses_a_method_and_invites_suppliers_from_the_browser(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    csrf = await sign_in(client, "agent")
    new = await client.get(DESK)
    assert new.status_code == 200
    assert not INLINE_SCRIPT.search(new.text)
    assert "'unsafe-inline'" not in new.headers["content-security-policy"].split("script-src")[-1]
    assert all(f'value="{org.id}"' in new.text for org in web_world.bidder_orgs)
    form = {
        "csrf_token": csrf, "method": "competitive_negotiation", "procedure": "open",
        "title": "空调设备采购", "category": "goods",
        "tenderer_id": str(web_world.tenderer_org.id),
        "department_id": str(web_world.department.id),
        "suppliers": [str(o.id) for o in web_world.bidder_orgs[:3]],
        "members": "4", "experts": "3",
    }  # fmt: skip
    created = await client.post(DESK, data=form)
    assert created.status_code == 303
    desk = created.headers["location"]
    tender_id = UUID(desk.rsplit("/", 1)[1])
    page = await client.get(desk)
    assert 'data-code="negotiation_group_invalid"' in page.text  # an even group
    plan = {"csrf_token": csrf, "suppliers": form["suppliers"], "members": "3", "experts": "2"}
    assert (await client.post(f"{desk}/plan", data=plan)).status_code == 303
    assert 'id="no-violations"' in (await client.get(desk)).text
    assert f'data-project="{tender_id}"' in (await client.get(DESK)).text  # the agency's list
    async with pool.acquire() as conn:
        found = await queries.project(conn, tender_id)
    assert found is not None
    assert found.plan.group is not None
    assert (found.method, found.plan.group.members) == (Method.NEGOTIATION, 3)
    # The tender's page sends the agency here to publish (its own publish is refused).
    manage = await client.get(f"/agency/tenders/{tender_id}")
    assert f'href="{desk}"' in manage.text
    assert 'id="publish"' not in manage.text
    # The tender's own rules (no dates nor lots yet): refused on the error page.
    refused = await client.post(f"{desk}/publish", data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "data-code=" in refused.text
    # Without the session's CSRF token nothing changes.
    forged = await client.post(f"{desk}/plan", data={**plan, "csrf_token": "x", "members": "5"})
    assert forged.status_code == 403
    # Another agency's desk is not found, as the project is not, nor a malformed id.
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "otheragent")
    assert (await client.get(desk)).status_code == 404
    assert (await client.get(f"{DESK}/not-a-uuid")).status_code == 404


async def test_the_agency_runs_rounds_and_answers_objections_from_the_browser(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """The agency opens a round; a supplier quotes on its own page (sealed: the desk
    shows no price), the others through the API's use case; closed, the desk shows every
    price; an exclusion leaves too few for the final round (refused). On single source
    a bidder objects from the public page and the agency dismisses it."""
    async with pool.acquire() as conn:
        talks = await published_project(
            conn, web_world, Method.NEGOTIATION, deadline_in=DEADLINE_IN
        )
        single = await published_project(conn, web_world, Method.SINGLE_SOURCE, policies=HOUR)
        tender = await tender_queries.tender(conn, talks)
        assert tender is not None
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
    csrf = await sign_in(client, "agent")
    desk = f"{DESK}/{talks}"
    assert (await client.post(f"{desk}/rounds", data={"csrf_token": csrf})).status_code == 303
    await client.post("/logout", data={"csrf_token": csrf})

    bidder_csrf = await sign_in(client, "bidder1")
    assert 'id="quote-link"' in (await client.get(f"/procurement/{talks}")).text
    mine = f"/procurement/{talks}/quotations"
    quote = {"csrf_token": bidder_csrf, "round": "1", "price_yuan": "900.00"}
    assert (await client.post(mine, data=quote)).status_code == 303
    assert "900.00" in (await client.get(mine)).text
    again = await client.post(mine, data={**quote, "price_yuan": "890"})
    assert again.status_code == 409  # one quotation per round, never changed
    refused = await client.post(f"{desk}/rounds", data={"csrf_token": bidder_csrf})
    assert refused.status_code == 403  # the agency's step
    objection = {"csrf_token": bidder_csrf, "text": "理由不成立。"}
    objected = await client.post(f"/procurement/{single}/objections", data=objection)
    assert objected.status_code == 303
    await client.post("/logout", data={"csrf_token": bidder_csrf})

    async with pool.acquire() as conn:
        for bidder, price in zip(web_world.bidders[1:3], (800_00, 850_00), strict=True):
            await negotiation.submit_quotation(conn, bidder, talks, round=1, price_fen=price)
    csrf = await sign_in(client, "agent")
    sealed = await client.get(desk)
    assert 'data-round="1" data-open="yes"' in sealed.text
    assert "800.00" not in sealed.text  # sealed until the round closes
    closed = await client.post(f"{desk}/rounds/1/close", data={"csrf_token": csrf})
    assert closed.status_code == 303
    opened = await client.get(desk)
    assert all(p in opened.text for p in ("900.00", "800.00", "850.00"))
    exclusion = {"csrf_token": csrf, "supplier_id": str(web_world.bidder_orgs[0].id),
                 "reason": "资格证明文件不符合要求"}  # fmt: skip
    assert (await client.post(f"{desk}/exclusions", data=exclusion)).status_code == 303
    final = await client.post(f"{desk}/rounds", data={"csrf_token": csrf, "final": "yes"})
    assert final.status_code == 409  # Art. 37 (3): two suppliers left of three
    assert 'data-code="negotiation_too_few_suppliers_conflict"' in final.text
    async with pool.acquire() as conn:
        assert len(await rounds.rounds(conn, talks)) == 1
        assert len(await rounds.excluded(conn, talks)) == 1

    [objection] = await _objections(pool, single)
    page = await client.get(f"{DESK}/{single}")
    assert f'data-objection="{objection}"' in page.text
    answer = {"csrf_token": csrf, "outcome": "dismissed", "answer": "专利产品，理由成立。"}
    done = await client.post(f"{DESK}/{single}/objections/{objection}/answer", data=answer)
    assert done.status_code == 303
    assert 'data-outcome="dismissed"' in (await client.get(f"{DESK}/{single}")).text
    # Another agency: the published project's desk is refused, and its rounds too.
    await client.post("/logout", data={"csrf_token": csrf})
    other = await sign_in(client, "otheragent")
    assert (await client.get(desk)).status_code == 403
    assert (await client.get(f"/procurement/{talks}/quotations")).status_code == 403
    closing = await client.post(f"{desk}/rounds/1/close", data={"csrf_token": other})
    assert closing.status_code == 403
    async with pool.acquire() as conn:
        assert len(await rounds.rounds(conn, talks)) == 1


async def _objections(pool: asyncpg.Pool, tender_id: UUID) -> list[UUID]:
    async with pool.acquire() as conn:
        return [o.id for o in await objections.objections(conn, tender_id)]


async def test_bad_forms_are_refused_with_their_codes_and_change_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """No method, a supplier that is no id, a group that is no number, a NUL byte in the
    reason, a round or an objection that is no id, a price that is no amount: each is
    refused on the error page with its code, and no project is made or changed."""
    csrf = await sign_in(client, "agent")
    base = {
        "csrf_token": csrf, "procedure": "open", "title": "采购", "category": "goods",
        "tenderer_id": str(web_world.tenderer_org.id),
        "department_id": str(web_world.department.id),
    }  # fmt: skip
    bad_creates = [
        ({}, "procurement_input_invalid"),
        ({"method": "public_tendering"}, "procurement_input_invalid"),
        ({"method": "request_for_quotations", "suppliers": ["x"]}, "procurement_input_invalid"),
        ({"method": "competitive_negotiation", "members": "三"}, "procurement_input_invalid"),
        ({"method": "single_source", "reason": "a\x01b"}, "procurement_input_invalid"),
    ]
    for extra, expected in bad_creates:
        refused = await client.post(DESK, data={**base, **extra})
        assert refused.status_code == 422, extra
        assert f'data-code="{expected}"' in refused.text
    # A NUL byte never reaches the use case: the app refuses it first (web/http.py).
    nul = await client.post(DESK, data={**base, "method": "single_source", "reason": "a\x00b"})
    assert nul.status_code == 400
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM procurement_projects") == 0
        single = await published_project(conn, web_world, Method.SINGLE_SOURCE)
    desk = f"{DESK}/{single}"
    for path, data in (
        ("rounds/x/close", {}),
        ("objections/not-an-id/answer", {"outcome": "dismissed", "answer": "否"}),
        ("agreement", {"price_yuan": "十万"}),
    ):
        refused = await client.post(f"{desk}/{path}", data={"csrf_token": csrf, **data})
        assert refused.status_code == 422, path
    async with pool.acquire() as conn:
        assert await queries.award(conn, single) is None
