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
