"""The centre's and the supervisor's tender pages: staff appoint a lot's opening
committee from the officials' registered keys and record bonds, a supervisor of the
tender's department approves exactly the roster shown; anyone else's centre or
department gets the unknown tender's 404, and a bad form shows its message and writes
nothing (issue 15, item 1)."""

from __future__ import annotations

import asyncpg
import httpx

from accounts.model import OrgKind, Role
from tests.accounts.factory import make_organisation, make_user
from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    count_rows,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
    publish_over_http,
)
from tests.web.tender.oversight_kit import (
    create_draft,
    csrf_of,
    make_outsiders,
    official_ids,
    register_officials,
    roster_state,
)
from tests.web.tender.test_pages import sign_in
from web.i18n import LANG_COOKIE


async def test_staff_appoint_from_registered_keys_and_the_supervisor_approves_the_roster_shown(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The draft is on the staff's list; the appointment seats the officials in the order
    listed; the supervisor's page shows the roster and its SHA-256 and approves it."""
    await register_officials(pool, web_world)
    tender_id = await create_draft(client, pool, web_world, tokens["agent"])
    await sign_in(client, "staff")
    listing = await client.get("/centre/tenders")
    assert listing.status_code == 200
    assert f"/centre/tenders/{tender_id}" in listing.text
    page = await client.get(f"/centre/tenders/{tender_id}")
    assert page.status_code == 200
    assert all(user_id in page.text for user_id in official_ids(web_world))
    csrf = await csrf_of(client, f"/centre/tenders/{tender_id}")
    appointed = await client.post(
        f"/centre/tenders/{tender_id}/lots/1/committee",
        data={"csrf_token": csrf, "k": "2", "officials": official_ids(web_world)},
    )
    assert appointed.status_code == 303, appointed.text
    assert await roster_state(pool, tender_id) == (1, 0)
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "supervisor")
    assert f"/supervision/tenders/{tender_id}" in (await client.get("/supervision/tenders")).text
    shown = await client.get(f"/supervision/tenders/{tender_id}")
    assert 'data-state="pending"' in shown.text
    digest = shown.text.split('name="roster_sha256" value="')[1][:64]
    csrf = await csrf_of(client, f"/supervision/tenders/{tender_id}")
    approved = await client.post(
        f"/supervision/tenders/{tender_id}/lots/1/committee/approve",
        data={"csrf_token": csrf, "roster_sha256": digest},
    )
    assert approved.status_code == 303, approved.text
    assert await roster_state(pool, tender_id) == (1, 1)
    assert 'data-state="approved"' in (await client.get(f"/supervision/tenders/{tender_id}")).text
    client.cookies.set(LANG_COOKIE, "en")
    english = await client.get(f"/supervision/tenders/{tender_id}")
    assert '<html lang="en">' in english.text
    assert "Opening committees" in english.text
    assert "(Beijing time)" in english.text


async def test_another_centres_staff_and_another_departments_supervisor_are_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """A county sub-centre's staff and another department's supervisor neither see the
    tender (404, like an unknown id) nor appoint, record a bond or approve; nothing is
    written."""
    await register_officials(pool, web_world)
    outsiders = await make_outsiders(pool, web_world)
    tender_id = await create_draft(client, pool, web_world, tokens["agent"])
    before = (await count_rows(pool))[:-1]  # the tender tables (sign-ins are logged)
    await sign_in(client, outsiders.staff)
    assert tender_id not in (await client.get("/centre/tenders")).text
    assert (await client.get(f"/centre/tenders/{tender_id}")).status_code == 404
    csrf = await csrf_of(client, "/centre/tenders")
    refused = await client.post(
        f"/centre/tenders/{tender_id}/lots/1/committee",
        data={"csrf_token": csrf, "k": "2", "officials": official_ids(web_world)},
    )
    assert refused.status_code == 404
    bond = {"csrf_token": csrf, "lot": "1", "bidder_id": str(web_world.bidder_orgs[0].id),
            "kind": "transfer", "amount": "100000", "paid_at": "2026-01-05T10:00",
            "paying_account": "6222000011112222"}  # fmt: skip
    assert (await client.post(f"/centre/tenders/{tender_id}/bonds", data=bond)).status_code == 404
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, outsiders.supervisor)
    assert tender_id not in (await client.get("/supervision/tenders")).text
    assert (await client.get(f"/supervision/tenders/{tender_id}")).status_code == 404
    csrf = await csrf_of(client, "/supervision/tenders")
    refused = await client.post(
        f"/supervision/tenders/{tender_id}/lots/1/committee/approve",
        data={"csrf_token": csrf, "roster_sha256": "0" * 64},
    )
    assert refused.status_code == 404
    assert (await count_rows(pool))[:-1] == before
    assert await roster_state(pool, tender_id) == (0, 0)


async def test_the_agency_and_a_bidder_get_no_centre_or_supervision_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The agency never appoints its own committee (DESIGN.md): the lists refuse it
    (403); a tender's page is the unknown tender's 404 for whoever may not see it
    (docs/api-tenders.md) — the agency, a bidder, an expert, and centre staff on the
    supervisor's page."""
    tender_id = await create_draft(client, pool, web_world, tokens["agent"])
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER, name="某专家所在单位")
        await make_user(conn, org, Role.EXPERT, username="some.expert")
    csrf = await sign_in(client, "agent")
    assert (await client.get("/centre/tenders")).status_code == 403
    for username, pages in (
        ("agent", ("centre", "supervision")),
        ("bidder1", ("centre", "supervision")),
        ("some.expert", ("centre", "supervision")),
        ("staff", ("supervision",)),
    ):
        if username != "agent":
            await client.post("/logout", data={"csrf_token": csrf})
            csrf = await sign_in(client, username)
        for where in pages:
            shown = await client.get(f"/{where}/tenders/{tender_id}")
            assert shown.status_code == 404, (username, where, shown.status_code)
            assert 'data-code="tender_not_found"' in shown.text


async def test_the_agency_and_expert_pages_refuse_roles_that_have_no_business_there(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """/agency/tenders is the agency's and the tenderer's (403 for a bidder, an expert,
    a witness, an administrator); /expert/evaluations is the expert's (403 for a
    bidder); nothing is created through a refused form."""
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER, name="某专家所在单位")
        await make_user(conn, org, Role.EXPERT, username="some.expert")
        await make_user(conn, web_world.centre, Role.WITNESS, username="some.witness")
        await make_user(conn, web_world.centre, Role.SYSTEM_ADMIN, username="some.admin")
    before = (await count_rows(pool))[:-1]
    for username in ("bidder1", "some.expert", "some.witness", "some.admin"):
        csrf = await sign_in(client, username)
        listing = await client.get("/agency/tenders")
        assert listing.status_code == 403, (username, listing.status_code)
        created = await client.post("/agency/tenders", data={"csrf_token": csrf, "title": "x"})
        assert created.status_code == 403, (username, created.status_code)
        await client.post("/logout", data={"csrf_token": csrf})
    csrf = await sign_in(client, "bidder1")
    assert (await client.get("/expert/evaluations")).status_code == 403
    assert (await count_rows(pool))[:-1] == before
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "owner")
    assert (await client.get("/agency/tenders")).status_code == 200


async def test_a_bad_committee_form_shows_its_message_and_writes_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """No officials, a k that is not a number, a k the rules refuse (k ≥ n), an official
    without registered keys: each renders the refusal; no committee is stored."""
    tender_id = await create_draft(client, pool, web_world, tokens["agent"])
    await sign_in(client, "staff")
    csrf = await csrf_of(client, f"/centre/tenders/{tender_id}")
    before = (await count_rows(pool))[:-1]  # the officials' registrations are logged
    target = f"/centre/tenders/{tender_id}/lots/1/committee"
    ids = official_ids(web_world)
    unregistered = await client.post(target, data={"csrf_token": csrf, "k": "2", "officials": ids})
    assert unregistered.status_code in (400, 422)
    assert 'data-code="tender_input_invalid"' in unregistered.text
    await register_officials(pool, web_world)
    for form in (
        {"k": "2"},
        {"k": "two", "officials": ids},
        {"k": "3", "officials": ids},
        {"k": "2", "officials": [*ids, ids[0]]},
    ):
        refused = await client.post(target, data={"csrf_token": csrf, **form})
        assert refused.status_code in (400, 422), (form, refused.status_code)
        assert 'role="alert"' in refused.text
    assert (await count_rows(pool))[:-1] == before
    assert await roster_state(pool, tender_id) == (0, 0)


async def test_staff_record_and_refund_a_bond_and_the_supervisor_reads_it(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """A transfer recorded through the form shows on both pages; a bad amount or a letter
    without its issuer renders the refusal and stores nothing; the refund is recorded."""
    published = await publish_over_http(client, pool, web_world, tokens)
    await sign_in(client, "staff")
    page = f"/centre/tenders/{published.id}"
    csrf = await csrf_of(client, page)
    bond = {
        "csrf_token": csrf,
        "lot": "1",
        "bidder_id": str(web_world.bidder_orgs[0].id),
        "kind": "transfer",
        "amount": "100000.00",
        "paid_at": "2026-01-05T10:00",
        "paying_account": "6222 0000 1111 2222",
    }
    before = await count_rows(pool)
    for bad in ({"amount": "十万"}, {"kind": "guarantee", "paying_account": ""}):
        refused = await client.post(f"{page}/bonds", data={**bond, **bad})
        assert refused.status_code in (400, 422), refused.text
        assert 'role="alert"' in refused.text
    assert await count_rows(pool) == before
    recorded = await client.post(f"{page}/bonds", data=bond)
    assert recorded.status_code == 303, recorded.text
    shown = await client.get(page)
    assert "6222000011112222" in shown.text
    assert "100,000.00" in shown.text
    bond_id = shown.text.split('data-bond="')[1].split('"')[0]
    refunded = await client.post(
        f"{page}/bonds/{bond_id}/refund", data={"csrf_token": csrf, "reference": "BK-0001"}
    )
    assert refunded.status_code == 303, refunded.text
    assert 'data-status="refunded"' in (await client.get(page)).text
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "supervisor")
    supervised = await client.get(f"/supervision/tenders/{published.id}")
    assert "6222000011112222" in supervised.text
    assert 'id="bond-form"' not in supervised.text


async def test_every_tender_page_links_each_lots_opening_hall(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The public notice, the agency's, the staff's and the supervisor's pages link the
    hall of lot 1 once the tender is public; the link opens the hall."""
    published = await publish_over_http(client, pool, web_world, tokens)
    hall = f"/tenders/{published.id}/lots/1/opening-hall"
    assert hall in (await client.get(f"/tenders/{published.id}")).text
    for username, page in (
        ("agent", f"/agency/tenders/{published.id}"),
        ("staff", f"/centre/tenders/{published.id}"),
        ("supervisor", f"/supervision/tenders/{published.id}"),
        ("bidder1", f"/tenders/{published.id}"),
    ):
        csrf = await sign_in(client, username)
        assert hall in (await client.get(page)).text, page
        assert (await client.get(hall)).status_code == 200
        await client.post("/logout", data={"csrf_token": csrf})


async def test_the_committee_form_explains_why_no_official_can_be_appointed(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """No official registered keys: the form says why (they register a certificate and
    a recipient on their keys page) and its submit is disabled; with officials listed,
    submitting none names the officials, not "a field of the tender"."""
    tender_id = await create_draft(client, pool, web_world, tokens["agent"])
    await sign_in(client, "staff")
    page = await client.get(f"/centre/tenders/{tender_id}")
    form = page.text.split('class="stack appoint-form"')[1].split("</form>")[0]
    assert 'id="no-officials"' in form
    assert "/me/keys" in form
    assert "disabled" in form.split('type="submit"')[1].split(">")[0]
    await register_officials(pool, web_world)
    csrf = await csrf_of(client, f"/centre/tenders/{tender_id}")
    refused = await client.post(
        f"/centre/tenders/{tender_id}/lots/1/committee", data={"csrf_token": csrf, "k": "2"}
    )
    assert refused.status_code == 422
    assert "请勾选要委派的开标人" in refused.text
    assert (await roster_state(pool, tender_id)) == (0, 0)
