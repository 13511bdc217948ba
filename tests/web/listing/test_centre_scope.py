"""Over HTTP: another centre's staff get ``permission_denied`` on a listing's centre
endpoints and pages, and no desk link (the outside tester's F6); a deposit correction
names the version it replaces (``listing_deposit_stale_conflict``, F8) and one that
changes nothing is ``listing_deposit_unchanged`` (F16); the desk's form carries the
version it read."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from accounts.users import service as users
from listing import queries, service
from tests.accounts.factory import CONSOLE, PASSWORD, make_organisation, make_user
from tests.listing.kit import deposit, make_setup, published
from tests.tender.world import World
from tests.web.evaluation.http import code, login
from web.services import services


async def test_another_centre_s_staff_are_refused_and_a_stale_correction_too(
    client: httpx.AsyncClient, app: Starlette, conn: asyncpg.Connection, logins: World
) -> None:
    world = logins
    await users.set_password(conn, CONSOLE, user_id=world.staff.user_id, password=PASSWORD)
    county = await make_organisation(
        conn, OrgKind.COUNTY_CENTRE, parent=world.centre, name="郎溪县公共资源交易分中心"
    )
    await make_user(conn, county, Role.CENTRE_STAFF, username="county.staff")
    setup = make_setup(world, services(app).auctions())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    listing = await published(conn, world, setup, now, has_reserve=False)
    reg = await service.register(conn, world.bidders[0], listing.id, now=now)
    paid = deposit(listing, now)
    await service.record_deposit(conn, world.staff, listing.id, reg.id, paid, now=now)
    staff, other = await login(client, world.staff), await login(client, "county.staff")
    api = f"/api/v1/listings/{listing.id}"
    base = f"{api}/registrations/{reg.id}"
    record = {"kind": "transfer", "amount_fen": listing.deposit_fen,
              "paid_at": now.isoformat(), "paying_account": "6222020200112233"}  # fmt: skip
    fixed = {**record, "amount_fen": listing.deposit_fen + 1}
    correction = {"deposit": fixed, "deposit_version": 0, "reason": "金额录错"}

    # F6: the county centre's staff, on the city centre's listing.
    assert code(await client.get(f"{api}/registrations", headers=other)) == (
        403, "permission_denied",
    )  # fmt: skip
    assert code(await client.post(f"{base}/deposit/corrections", json=correction,
                                  headers=other)) == (403, "permission_denied")  # fmt: skip
    named = (await client.get(f"{api}/bidders", headers=other)).json()
    assert named["items"] == []  # names hidden, and only qualified numbers shown
    desk = await client.get(f"/listings/{listing.id}/registrations", headers=other)
    assert desk.status_code == 403
    assert 'id="desk-link"' not in (await client.get(f"/listings/{listing.id}", headers=other)).text
    assert 'id="desk-link"' in (await client.get(f"/listings/{listing.id}", headers=staff)).text
    unchanged = await queries.bidder(conn, listing.id, reg.id)
    assert unchanged is not None
    assert (unchanged.deposit_fen, unchanged.deposit_version) == (listing.deposit_fen, 0)

    # F16 and F8: the listing's own staff.
    same = {**correction, "deposit": record}
    assert code(await client.post(f"{base}/deposit/corrections", json=same, headers=staff)) == (
        422, "listing_deposit_unchanged",
    )  # fmt: skip
    done = await client.post(f"{base}/deposit/corrections", json=correction, headers=staff)
    assert (done.status_code, done.json()["deposit_version"]) == (200, 1), done.text
    again = {**correction, "deposit": {**fixed, "amount_fen": listing.deposit_fen + 2}}
    stale = await client.post(f"{base}/deposit/corrections", json=again, headers=staff)
    assert code(stale) == (409, "listing_deposit_stale_conflict")
    assert stale.json()["error"]["details"] == {"deposit_version": 1}
    page = await client.get(f"/listings/{listing.id}/registrations", headers=staff)
    assert 'name="deposit_version" value="1"' in page.text
