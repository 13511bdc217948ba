"""Helpers of the centre's and supervisor's page tests: officials who registered their
keys (as /me/keys or the CLI would), outsiders of another centre and department, and
form posting with the session's CSRF token."""

from __future__ import annotations

import dataclasses
import re
from uuid import UUID

import asyncpg
import httpx

from accounts.model import OrgKind, Role
from tests.accounts.factory import make_organisation, make_user
from tests.tender.committee.registered import register_official_keys
from tests.tender.world import World
from tests.web.tender.http_kit import bearer, draft_json

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def register_officials(pool: asyncpg.Pool, world: World) -> None:
    """Each official registers its certificate and recipient (their own keys)."""
    async with pool.acquire() as conn:
        await register_official_keys(conn, world)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Outsiders:
    """Usernames of a county sub-centre's staff and another department's supervisor."""

    staff: str
    supervisor: str


async def make_outsiders(pool: asyncpg.Pool, world: World) -> Outsiders:
    """Staff of a county sub-centre (not the tender's) and a supervisor of another
    department: neither acts on the world's tenders (accounts/permissions.py)."""
    async with pool.acquire() as conn:
        county = await make_organisation(
            conn, OrgKind.COUNTY_CENTRE, parent=world.centre, name="郎溪县交易分中心"
        )
        other = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市水利局")
        await make_user(conn, county, Role.CENTRE_STAFF, username="countystaff")
        await make_user(conn, other, Role.SUPERVISOR, scope=other, username="othersupervisor")
    return Outsiders(staff="countystaff", supervisor="othersupervisor")


async def create_draft(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World, token: str
) -> str:
    """A draft created by the agency over the API; its id."""
    created = await client.post(
        "/api/v1/tenders", json=await draft_json(pool, world), headers=bearer(token)
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token a page's forms carry."""
    found = HIDDEN_CSRF.search((await client.get(path)).text)
    assert found is not None, path
    return found.group(1)


def official_ids(world: World) -> list[str]:
    """The world's three officials, in seat order."""
    return [str(o.user.id) for o in world.officials]


async def roster_state(pool: asyncpg.Pool, tender_id: str) -> tuple[int, int]:
    """(committees appointed, committees approved) of a tender."""
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT count(*) AS appointed, count(approved_at) AS approved"
            " FROM opening_committees WHERE tender_id = $1",
            UUID(tender_id),
        )
    return int(row["appointed"]), int(row["approved"])
