"""JSON API of listings (docs/api-listing.md; issue 18, items 1, 3, 5). Handlers are thin:
parse, call one use case with the database clock as ``now``, serialise."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from accounts.organisations import service as organisations
from listing import conclusion, ocds, reads, service
from listing.errors import ListingInputInvalid, ListingShareInvalid
from listing.model import DepositInput, ListingInput, ListingKind
from tender.bonds.model import BondKind
from tender.disclosure.ocds import DEFAULT_OCID_PREFIX
from tender.queries import database_now
from web.auth import signed_in
from web.db.database import acquire
from web.http import ApiRoute, Handler, json_response, read_json
from web.listing import bodies as b
from web.services import services
from web.tender.common import maybe_signed_in, path_uuid
from web.tender.results.bodies import b64


def _listing_id(request: Request) -> UUID:
    return path_uuid(request, "listing_id")


def _choice(kind: type[ListingKind] | type[BondKind], value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ListingInputInvalid(
            f"{field} is one of {', '.join(kind)}", details={"field": field}
        ) from None


async def publish(request: Request) -> Response:
    body = await read_json(request, b.ListingRequest)
    data = ListingInput(
        kind=_choice(ListingKind, body.kind, "kind"), title=body.title, seller_id=body.seller_id,
        starts_at=body.starts_at, ends_at=body.ends_at, start_price_fen=body.start_price_fen,
        increment_fen=body.increment_fen, deposit_fen=body.deposit_fen,
        countdown_seconds=body.countdown_seconds, has_reserve=body.has_reserve,
        committee_k=body.committee_k, officials=tuple(body.officials),
    )  # fmt: skip
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        found = await service.publish(conn, actor, data, services(request).listing_setup(), now=now)
    return json_response(b.listing_body(found, now), 201)


async def list_listings(request: Request) -> b.ListingList:
    async with acquire(services(request).pools.main) as conn:
        now = await database_now(conn)
        found = await reads.public(conn)
    return b.ListingList(items=[b.listing_body(f, now) for f in found])


async def get_listing(request: Request) -> b.ListingBody:
    async with acquire(services(request).pools.main) as conn:
        now = await database_now(conn)
        found = await reads.listing(conn, _listing_id(request))
    return b.listing_body(found, now)


async def public_bidders(request: Request) -> Response:
    # Signed in or not: the centre and supervisors see organisations behind the numbers
    # (docs/api-listing.md, "Who may do what"); it always passed None (the outside
    # tester's finding 11), so they saw numbers only. The answer depends on the reader,
    # so no cache keeps one reader's for another.
    async with maybe_signed_in(request) as (conn, actor):
        found = await reads.bidders(conn, actor, _listing_id(request))
    response = json_response(b.BidderList(items=[b.bidder_body(v) for v in found]))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Authorization, Cookie"
    return response


async def list_registrations(request: Request) -> Response:
    async with signed_in(request) as (conn, actor):
        found = await reads.registrations(conn, actor, _listing_id(request))
    return json_response({"items": [b.registration_body(r) for r in found]})


async def register(request: Request) -> Response:
    async with signed_in(request) as (conn, actor):
        found = await service.register(
            conn, actor, _listing_id(request), now=await database_now(conn)
        )
    return json_response(b.registration_body(found), 201)


async def own_registration(request: Request) -> b.RegistrationBody:
    async with signed_in(request) as (conn, actor):
        found = await reads.own_registration(conn, actor, _listing_id(request))
    return b.registration_body(found)


def _deposit(body: b.DepositRequest) -> DepositInput:
    return DepositInput(
        kind=_choice(BondKind, body.kind, "kind"), amount_fen=body.amount_fen,
        paid_at=body.paid_at, paying_account=body.paying_account, guarantee_no=body.guarantee_no,
    )  # fmt: skip


async def record_deposit(request: Request) -> b.RegistrationBody:
    deposit = _deposit(await read_json(request, b.DepositRequest))
    which = path_uuid(request, "registration_id")
    async with signed_in(request) as (conn, actor):
        found = await service.record_deposit(
            conn, actor, _listing_id(request), which, deposit, now=await database_now(conn)
        )
    return b.registration_body(found)


async def correct_deposit(request: Request) -> b.RegistrationBody:
    body = await read_json(request, b.DepositCorrection)
    which = path_uuid(request, "registration_id")
    async with signed_in(request) as (conn, actor):
        found = await service.correct_deposit(
            conn, actor, _listing_id(request), which, _deposit(body.deposit),
            version=body.deposit_version, reason=body.reason, now=await database_now(conn),
        )  # fmt: skip
    return b.registration_body(found)


async def qualify(request: Request) -> b.RegistrationBody:
    body = await read_json(request, b.QualifyRequest)
    which = path_uuid(request, "registration_id")
    async with signed_in(request) as (conn, actor):
        found = await service.qualify(
            conn, actor, _listing_id(request), which, qualified=body.qualified,
            reason=body.reason, setup=services(request).listing_setup(),
            now=await database_now(conn),
        )  # fmt: skip
    return b.registration_body(found)


async def go_on(request: Request) -> b.RegistrationBody:
    async with signed_in(request) as (conn, actor):
        found = await service.go_on(conn, actor, _listing_id(request), now=await database_now(conn))
    return b.registration_body(found)


async def seal_reserve(request: Request) -> b.ListingBody:
    body = await read_json(request, b.SealedRequest)
    sealed = b64(body.sealed, "sealed")
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        found = await service.seal_reserve(conn, actor, _listing_id(request), sealed, now=now)
    return b.listing_body(found, now)


async def read_reserve(request: Request) -> b.ReserveBody:
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        view = await reads.reserve_for(conn, actor, _listing_id(request), now=now)
    sealed = view.sealed
    return b.ReserveBody(
        committee=json.loads(view.committee),
        sealed=None if sealed is None else base64.b64encode(sealed).decode("ascii"),
        sha256=None if sealed is None else hashlib.sha256(sealed).hexdigest(),
    )


async def close(request: Request) -> b.ListingBody:
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        found = await conclusion.close(
            conn, actor, _listing_id(request), services(request).listing_setup(), now=now
        )
    return b.listing_body(found, now)


async def release_share(request: Request) -> Response:
    body = await read_json(request, b.ShareRequest)
    try:
        share = base64.b64decode(body.share, validate=True)
    except (binascii.Error, ValueError):
        raise ListingShareInvalid("the share is base64", details={"cause": "base64"}) from None
    async with signed_in(request) as (conn, actor):
        x = await conclusion.release_share(
            conn, actor, _listing_id(request), share, now=await database_now(conn)
        )
    return json_response(b.ShareReceipt(x=x), 201)


async def decide(request: Request) -> b.ListingBody:
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        found = await conclusion.decide_result(
            conn, actor, _listing_id(request), services(request).listing_setup(), now=now
        )
    return b.listing_body(found, now)


async def agree(request: Request) -> b.ListingBody:
    body = await read_json(request, b.AgreeRequest)
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        found = await conclusion.agree(
            conn, actor, _listing_id(request), body.price_fen,
            services(request).listing_setup(), now=now,
        )  # fmt: skip
    return b.listing_body(found, now)


async def get_deal(request: Request) -> b.DealBody:
    async with signed_in(request) as (conn, actor):
        statement, signed = await conclusion.read_deal(conn, actor, _listing_id(request))
    return b.DealBody(
        statement=base64.b64encode(statement).decode(), signed=[str(s) for s in signed]
    )


async def sign_deal(request: Request) -> b.ListingBody:
    body = await read_json(request, b.SignatureRequest)
    signature = b64(body.signature, "signature")
    async with signed_in(request) as (conn, actor):
        now = await database_now(conn)
        found = await conclusion.sign_deal(
            conn, actor, _listing_id(request), signature, services(request).listing_setup(),
            now=now,
        )  # fmt: skip
    return b.listing_body(found, now)


async def refund(request: Request) -> b.RegistrationBody:
    body = await read_json(request, b.RefundRequest)
    which = path_uuid(request, "registration_id")
    async with signed_in(request) as (conn, actor):
        found = await conclusion.refund_deposit(
            conn, actor, _listing_id(request), which, body.reference,
            now=await database_now(conn),
        )  # fmt: skip
    return b.registration_body(found)


async def listing_ocds(request: Request) -> Response:
    built = services(request)
    async with acquire(built.pools.main) as conn:
        found = await reads.listing(conn, _listing_id(request))
        winner = await reads.winner_of(conn, found)
        names = {
            org: (await organisations.get_organisation(conn, org)).name
            for org in {found.seller_id, *([winner] if winner else [])}
        }
    release = ocds.release(
        found, names=names, winner=winner, ocid_prefix=DEFAULT_OCID_PREFIX,
        base_url=built.settings.public_url,
    )  # fmt: skip
    return json_response(release)


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    """An ApiRoute of the listings tag under /api/v1/listings."""
    return ApiRoute(
        method=method, path=f"/api/v1/listings{path}", handler=handler, summary=summary,
        tag="listings", **extra,
    )  # fmt: skip


_ID = "/{listing_id}"
_REG = _ID + "/registrations/{registration_id}"
ROUTES = [
    _route("POST", "", publish, "Publish a listing and its notice", body=b.ListingRequest,
           response=b.ListingBody, status=201),
    _route("GET", "", list_listings, "Every listing, newest first", response=b.ListingList,
           auth=False),
    _route("GET", _ID, get_listing, "A listing's notice and result", response=b.ListingBody,
           auth=False),
    _route("GET", _ID + "/bidders", public_bidders,
           "The bidders by number (names: the centre, supervisors; all once decided)",
           response=b.BidderList, auth=False),
    _route("GET", _ID + "/registrations", list_registrations,
           "Every registration with its organisation (centre, supervisors)"),
    _route("POST", _ID + "/registrations", register, "Register as a bidder (竞买申请)",
           response=b.RegistrationBody, status=201),
    _route("GET", _ID + "/registration", own_registration, "Your own registration",
           response=b.RegistrationBody),
    _route("POST", _REG + "/deposit", record_deposit, "Record a bidder's deposit",
           body=b.DepositRequest, response=b.RegistrationBody),
    _route("POST", _REG + "/deposit/corrections", correct_deposit,
           "Correct a recorded deposit, with a reason (while held and pending)",
           body=b.DepositCorrection, response=b.RegistrationBody),
    _route("POST", _REG + "/qualification", qualify, "Qualify or refuse a bidder",
           body=b.QualifyRequest, response=b.RegistrationBody),
    _route("POST", _REG + "/refund", refund, "Record a deposit's refund",
           body=b.RefundRequest, response=b.RegistrationBody),
    _route("POST", _ID + "/go-on", go_on, "Ask to go on to the timed auction",
           response=b.RegistrationBody),
    _route("PUT", _ID + "/reserve", seal_reserve, "Seal the reserve price (before the start)",
           body=b.SealedRequest, response=b.ListingBody),
    _route("GET", _ID + "/reserve", read_reserve,
           "The reserve's committee and sealed part (seller, officials)",
           response=b.ReserveBody),
    _route("POST", _ID + "/reserve/shares", release_share, "Release a share of the reserve",
           body=b.ShareRequest, response=b.ShareReceipt, status=201),
    _route("POST", _ID + "/close", close, "End the listing period", response=b.ListingBody),
    _route("POST", _ID + "/decision", decide, "Decide sale or no sale", response=b.ListingBody),
    _route("POST", _ID + "/agreement", agree, "Agree with a sole state-property buyer",
           body=b.AgreeRequest, response=b.ListingBody),
    _route("GET", _ID + "/deal", get_deal, "The confirmation of the deal to sign",
           response=b.DealBody),
    _route("POST", _ID + "/deal/signatures", sign_deal, "Sign the confirmation of the deal",
           body=b.SignatureRequest, response=b.ListingBody),
    _route("GET", _ID + "/ocds", listing_ocds, "The listing's OCDS 1.1 release", auth=False),
]  # fmt: skip
