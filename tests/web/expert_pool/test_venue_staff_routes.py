"""Venue staff over HTTP (docs/api-expert-pool.md, "Venue staff"): the region's centre
staff assign and end assignments; others read or are refused with one error body."""

from __future__ import annotations

import asyncpg
import httpx

from accounts.model import OrgKind, Role, User
from expert_pool.venues import service as venues
from expert_pool.venues.model import Venue
from tests.accounts import factory
from tests.accounts.factory import actor_for, make_organisation, make_user

HEFEI = Venue(id="V-HF", name="合肥市评标室", region="340100", seats=10)
URL = f"/api/v1/venues/{HEFEI.id}/staff"


async def _headers(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    login = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def test_the_regions_staff_assign_read_and_end_over_http(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """PUT assigns (again: the same list), GET lists it for a supervisor, DELETE ends it;
    another city's staff get 403 permission_denied; a non-staff user 422
    venue_staff_invalid; ending it twice 404 venue_staff_not_found; a bad user id 422."""
    async with pool.acquire() as conn:
        hefei = await make_organisation(conn, OrgKind.CITY_CENTRE, region="340100")
        wuhu = await make_organisation(conn, OrgKind.CITY_CENTRE, region="340200")
        manager = await make_user(conn, hefei, Role.CENTRE_STAFF)
        worker = await make_user(conn, hefei, Role.CENTRE_STAFF)
        stranger = await make_user(conn, wuhu, Role.CENTRE_STAFF)
        department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
        supervisor = await make_user(conn, department, Role.SUPERVISOR, scope=department)
        bidder = await make_user(conn, await make_organisation(conn, OrgKind.BIDDER), Role.BIDDER)
        await venues.create_venue(conn, await actor_for(conn, manager), HEFEI)
    by = await _headers(client, manager)
    assigned = await client.put(f"{URL}/{worker.id}", headers=by)
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["venue_id"] == HEFEI.id
    assert [(i["user_id"], i["username"], i["assigned_by"]) for i in body["items"]] == [
        (str(worker.id), worker.username, str(manager.id))
    ]
    assert (await client.put(f"{URL}/{worker.id}", headers=by)).json() == body
    read = await client.get(URL, headers=await _headers(client, supervisor))
    assert read.json() == body
    other = await client.put(f"{URL}/{stranger.id}", headers=await _headers(client, stranger))
    assert (other.status_code, other.json()["error"]["code"]) == (403, "permission_denied")
    invalid = await client.put(f"{URL}/{bidder.id}", headers=by)
    assert (invalid.status_code, invalid.json()["error"]["code"]) == (422, "venue_staff_invalid")
    bad_id = await client.put(f"{URL}/not-a-uuid", headers=by)
    assert (bad_id.status_code, bad_id.json()["error"]["code"]) == (422, "request_invalid")
    ended = await client.delete(f"{URL}/{worker.id}", headers=by)
    assert ended.json()["items"] == []
    again = await client.delete(f"{URL}/{worker.id}", headers=by)
    assert (again.status_code, again.json()["error"]["code"]) == (404, "venue_staff_not_found")
    unknown = await client.get("/api/v1/venues/V-NONE/staff", headers=by)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "venue_not_found")
