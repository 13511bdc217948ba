"""The venue catalogue's page (issue 15, item 1): centre staff add a venue and assign
its staff through forms; another city's staff are refused and nothing is written; a
bad form shows its message; a supervisor reads the catalogue without the forms."""

from __future__ import annotations

import asyncpg
import httpx

from accounts.model import OrgKind, Role, User
from tests.accounts.factory import make_organisation, make_user
from tests.web.tender.oversight_kit import csrf_of
from tests.web.tender.test_pages import sign_in


async def _venue_rows(pool: asyncpg.Pool) -> tuple[int, int]:
    async with pool.acquire() as conn:
        venues = await conn.fetchval("SELECT count(*) FROM venues")
        staff = await conn.fetchval("SELECT count(*) FROM venue_staff WHERE unassigned_at IS NULL")
    return int(venues), int(staff)


async def _people(pool: asyncpg.Pool) -> dict[str, User]:
    async with pool.acquire() as conn:
        hefei = await make_organisation(conn, OrgKind.CITY_CENTRE, region="340100")
        wuhu = await make_organisation(conn, OrgKind.CITY_CENTRE, region="340200")
        department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
        return {
            "manager": await make_user(conn, hefei, Role.CENTRE_STAFF, username="hf.manager"),
            "worker": await make_user(conn, hefei, Role.CENTRE_STAFF, username="hf.worker"),
            "stranger": await make_user(conn, wuhu, Role.CENTRE_STAFF, username="wh.staff"),
            "supervisor": await make_user(
                conn, department, Role.SUPERVISOR, scope=department, username="sup.venues"
            ),
        }


async def test_centre_staff_add_a_venue_and_assign_its_staff_through_the_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """The venue and its staff member show on the page; unassigning ends it."""
    people = await _people(pool)
    await sign_in(client, "hf.manager")
    csrf = await csrf_of(client, "/venues")
    venue = {"csrf_token": csrf, "id": "V-HF", "name": "合肥市评标室", "region": "340100",
             "address": "合肥市政务区", "seats": "12"}  # fmt: skip
    created = await client.post("/venues", data=venue)
    assert created.status_code == 303, created.text
    assigned = await client.post(
        "/venues/V-HF/staff", data={"csrf_token": csrf, "username": "hf.worker"}
    )
    assert assigned.status_code == 303, assigned.text
    page = await client.get("/venues")
    assert 'data-venue="V-HF"' in page.text
    assert 'data-user="hf.worker"' in page.text
    assert await _venue_rows(pool) == (1, 1)
    removed = await client.post(
        f"/venues/V-HF/staff/{people['worker'].id}/remove", data={"csrf_token": csrf}
    )
    assert removed.status_code == 303, removed.text
    assert await _venue_rows(pool) == (1, 0)


async def test_another_citys_staff_and_bad_forms_are_refused_and_write_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Wuhu's staff cannot assign at a Hefei venue (403); a duplicate id, seats that are
    not a number, an unknown region and an unknown username render their message."""
    await _people(pool)
    await sign_in(client, "hf.manager")
    csrf = await csrf_of(client, "/venues")
    venue = {"csrf_token": csrf, "id": "V-HF", "name": "合肥市评标室", "region": "340100",
             "seats": "12"}  # fmt: skip
    assert (await client.post("/venues", data=venue)).status_code == 303
    for bad in ({}, {"id": "V-2", "seats": "十二"}, {"id": "V-3", "region": "999999"},
                {"id": "bad id!"}):  # fmt: skip
        refused = await client.post("/venues", data={**venue, **bad})
        assert refused.status_code in (400, 404, 409, 422), (bad, refused.status_code)
        assert 'role="alert"' in refused.text
    unknown = await client.post(
        "/venues/V-HF/staff", data={"csrf_token": csrf, "username": "nobody.here"}
    )
    assert unknown.status_code == 422
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "wh.staff")
    csrf = await csrf_of(client, "/venues")
    stranger = await client.post(
        "/venues/V-HF/staff", data={"csrf_token": csrf, "username": "hf.worker"}
    )
    assert stranger.status_code == 403
    assert await _venue_rows(pool) == (1, 0)
    await client.post("/logout", data={"csrf_token": csrf})
    await sign_in(client, "sup.venues")
    read = await client.get("/venues")
    assert 'data-venue="V-HF"' in read.text
    assert 'id="venue-form"' not in read.text


async def test_each_venue_field_out_of_bounds_names_its_field_and_writes_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """An address of 201 characters (the API's bound: 422, never a 500), an empty name,
    a name of 201 characters, 0 or 1001 seats: a 422 page naming the field, nothing
    written (the outside tester's findings 3 and 6)."""
    await _people(pool)
    await sign_in(client, "hf.manager")
    csrf = await csrf_of(client, "/venues")
    venue = {"csrf_token": csrf, "id": "V-HF", "name": "合肥市评标室", "region": "340100",
             "seats": "12"}  # fmt: skip
    for field, bad in (("address", "地" * 201), ("name", ""), ("name", "名" * 201),
                       ("seats", "0"), ("seats", "1001")):  # fmt: skip
        refused = await client.post("/venues", data={**venue, field: bad})
        assert refused.status_code == 422, (field, bad, refused.status_code)
        assert 'data-code="venue_invalid"' in refused.text, (field, bad)
        assert f'data-field="{field}"' in refused.text, (field, bad)
        assert "专家" not in refused.text.split('role="alert"')[1].split("</p>")[0]
    assert await _venue_rows(pool) == (0, 0)


async def test_venue_forms_without_the_csrf_token_or_with_nul_get_their_error_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """No, a wrong or a NUL-bearing token: 403 csrf_token_invalid; NUL in a field: 400
    text_contains_nul — the page, never a redirect to the sign-in (docs/api-auth.md)."""
    people = await _people(pool)
    await sign_in(client, "hf.manager")
    csrf = await csrf_of(client, "/venues")
    venue = {"id": "V-HF", "name": "合肥市评标室", "region": "340100", "seats": "12"}
    assert (await client.post("/venues", data={"csrf_token": csrf, **venue})).status_code == 303
    targets = {
        "/venues": {**venue, "id": "V-2"},
        "/venues/V-HF/staff": {"username": "hf.worker"},
        f"/venues/V-HF/staff/{people['worker'].id}/remove": {},
    }
    before = await _venue_rows(pool)
    for target, form in targets.items():
        for token in (None, "wrong", csrf[:-1] + "\x00"):
            data = form if token is None else {**form, "csrf_token": token}
            refused = await client.post(target, data=data)
            assert refused.status_code in (400, 403), (target, token, refused.status_code)
            assert 'role="alert"' in refused.text, (target, token)
        nul = await client.post(
            target, data={**form, "csrf_token": csrf, "note": "a\x00b", "name": "合\x00肥"}
        )
        assert nul.status_code == 400, (target, nul.status_code)
        assert 'data-code="text_contains_nul"' in nul.text
    wrong = await client.post("/venues", data={**targets["/venues"], "csrf_token": "wrong"})
    assert 'data-code="csrf_token_invalid"' in wrong.text
    assert await _venue_rows(pool) == before


async def test_only_centre_staff_of_the_venues_region_add_a_venue(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Hefei's city staff add in Hefei, not in Wuhu; a county sub-centre's staff (郎溪)
    not in another county (泾县); a system administrator not at all — by
    the page and by the API (docs/api-expert-pool.md, venues); nothing written."""
    await _people(pool)
    async with pool.acquire() as conn:
        city = await make_organisation(conn, OrgKind.CITY_CENTRE, region="341800")
        county = await make_organisation(conn, OrgKind.COUNTY_CENTRE, parent=city, region="341821")
        await make_user(conn, county, Role.CENTRE_STAFF, username="cs.county")
        await make_user(conn, county, Role.SYSTEM_ADMIN, username="cs.admin")
    venue = {"id": "V-X", "name": "评标室", "seats": "12"}
    for username, region in (("hf.manager", "340200"), ("cs.county", "341823"),
                             ("cs.admin", "341821")):  # fmt: skip
        await sign_in(client, username)
        csrf = await csrf_of(client, "/venues")
        page = await client.post("/venues", data={"csrf_token": csrf, **venue, "region": region})
        assert page.status_code == 403, (username, region, page.status_code)
        api = await client.post(
            "/api/v1/venues",
            json={**venue, "seats": 12, "region": region},
            headers={"X-CSRF-Token": csrf},
        )
        assert api.status_code == 403, (username, region, api.status_code)
        await client.post("/logout", data={"csrf_token": csrf})
    assert await _venue_rows(pool) == (0, 0)
    await sign_in(client, "hf.manager")
    csrf = await csrf_of(client, "/venues")
    own = await client.post("/venues", data={"csrf_token": csrf, **venue, "region": "340100"})
    assert own.status_code == 303, own.text
