"""Listings over HTTP (docs/api-listing.md): the public reads, a refusal of each kind with
its code and status, nothing stored on a refusal, another role's 403 (issue 18)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
from starlette.applications import Starlette

from tests.evaluation.servers import bearer_token
from tests.listing.kit import listing_input
from tests.tender.world import World
from tests.web.evaluation.http import code, get, login
from tests.web.tender.http_kit import bearer


def _body(world: World, now: Any, **changes: object) -> dict[str, Any]:
    data = listing_input(world, now)
    body = {
        "kind": str(data.kind), "title": data.title, "seller_id": str(data.seller_id),
        "starts_at": data.starts_at.isoformat(), "ends_at": data.ends_at.isoformat(),
        "start_price_fen": data.start_price_fen, "increment_fen": data.increment_fen,
        "deposit_fen": data.deposit_fen, "countdown_seconds": data.countdown_seconds,
        "has_reserve": data.has_reserve, "committee_k": data.committee_k,
        "officials": [str(o) for o in data.officials],
    }  # fmt: skip
    body.update(changes)
    return body


async def post(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], body: object = None
) -> httpx.Response:
    return await client.post(url, json=body, headers=headers)


async def test_listings_over_http_refuse_bad_input_and_wrong_roles_and_publish(
    client: httpx.AsyncClient, app: Starlette, conn: asyncpg.Connection, logins: World
) -> None:
    world = logins
    now = await conn.fetchval("SELECT date_trunc('second', now())")
    assert (await get(client, "/api/v1/listings", None)).json() == {"items": []}
    assert code(await post(client, "/api/v1/listings", {}, _body(world, now))) == (
        401, "unauthenticated",
    )  # fmt: skip
    agency = await login(client, world.agency)
    bad: list[tuple[dict[str, object], tuple[int, str]]] = [
        ({"title": "地块\u0000"}, (400, "text_contains_nul")),
        ({"title": "地块\u007f"}, (422, "listing_input_invalid")),
        ({"title": "地" * 201}, (422, "request_invalid")),
        ({"start_price_fen": -1}, (422, "request_invalid")),
        ({"kind": "farm"}, (422, "listing_input_invalid")),
        ({"seller_id": str(world.bidder_orgs[0].id)}, (422, "listing_input_invalid")),
        ({"extra": 1}, (422, "request_invalid")),
        ({"starts_at": now.isoformat()}, (422, "listing_notice_too_short")),
    ]
    for changes, expected in bad:
        assert (
            code(await post(client, "/api/v1/listings", agency, _body(world, now, **changes)))
            == expected
        ), changes
    bidder = await login(client, world.bidders[0])
    assert code(await post(client, "/api/v1/listings", bidder, _body(world, now))) == (
        403, "permission_denied",
    )  # fmt: skip
    made = await post(client, "/api/v1/listings", agency, _body(world, now))
    assert made.status_code == 201, made.text
    listing = made.json()
    assert (listing["phase"], listing["status"], listing["reserve_fen"]) == ("notice", "open", None)
    # The platform's engine holds the listing's auction, in its listing period.
    auction = await conn.fetchrow(
        "SELECT a.phase, a.start_price_fen FROM auctions a JOIN listings l"
        " ON l.auction_id = a.id WHERE l.id = $1",
        uuid.UUID(listing["id"]),
    )
    assert tuple(auction) == ("listing", listing["start_price_fen"])
    one = f"/api/v1/listings/{listing['id']}"
    assert code(await get(client, f"/api/v1/listings/{uuid.uuid4()}", None)) == (
        404,
        "listing_not_found",
    )
    assert code(await get(client, "/api/v1/listings/not-an-id", None)) == (422, "request_invalid")
    # Finding 9: an endpoint without a body takes none (or {} as JSON): a field, another
    # type or bytes that are not JSON are refused before anything is done.
    other = {"organisation_id": str(world.bidder_orgs[1].id)}
    as_text = {**bidder, "Content-Type": "text/plain"}
    as_json = {**bidder, "Content-Type": "application/json"}
    for path, who in (("/registrations", bidder), ("/go-on", bidder), ("/close", agency),
                      ("/decision", agency)):  # fmt: skip
        url = f"{one}{path}"
        assert code(await post(client, url, who, other)) == (422, "request_invalid"), path
        text = await client.post(url, content=b"zzz", headers={**as_text, **who})
        assert code(text) == (415, "content_type_unsupported"), path
        bad = await client.post(url, content=b"zzz", headers={**as_json, **who})
        assert code(bad) == (400, "malformed_json"), path
    registered = await post(client, f"{one}/registrations", bidder, {})
    assert registered.status_code == 201, registered.text
    assert registered.json()["organisation_id"] == str(world.bidder_orgs[0].id)
    assert code(await post(client, f"{one}/registrations", bidder)) == (
        409,
        "listing_bidder_exists_conflict",
    )
    # A pending registration shows no one to the public; the bidder sees its own.
    assert (await get(client, f"{one}/bidders", None)).json() == {"items": []}
    # Finding 11: the centre and supervisors see the organisation and its qualification
    # (pending ones too); a bidder and the seller see qualified numbers only.
    pending = {"number": None, "organisation_id": str(world.bidder_orgs[0].id),
               "qualification": "pending"}  # fmt: skip
    for reader, seen in ((world.staff, [pending]), (world.supervisor, [pending]),
                      (world.tenderer, []), (world.bidders[0], [])):  # fmt: skip
        token = bearer(await bearer_token(conn, reader.user_id))
        listed = await client.get(f"{one}/bidders", headers=token)
        assert listed.json() == {"items": seen}, reader.username
        assert listed.headers["cache-control"] == "no-store"  # one reader's, not another's
    mine = await client.get(f"{one}/registration", headers=bidder)
    assert mine.json()["qualification"] == "pending"
    assert code(await client.get(f"{one}/registrations", headers=bidder)) == (
        403,
        "permission_denied",
    )
    not_b64 = {"sealed": "***"}
    assert code(await client.put(f"{one}/reserve", json=not_b64, headers=agency)) == (
        422, "request_invalid",
    )  # fmt: skip
    share = await post(client, f"{one}/reserve/shares", bidder, {"share": "%%"})
    assert code(share) == (422, "listing_share_invalid")
    release = (await get(client, f"{one}/ocds", None)).json()
    assert (release["tag"], release["tender"]["status"]) == (["tender"], "active")
    assert "awards" not in release
