"""JSON API of the disclosure (docs/open-data.md): the feed of every tender's OCDS
releases, a tender's OCDS record package, and its public facts by stage.

Everything here is public (no sign-in) and built as of the database clock, from the
same facts as the pages (tender/disclosure/service.py). Handlers are thin.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from listing import feed as listing_feed
from tender.disclosure import service
from tender.disclosure.facts import Disclosure
from tender.disclosure.ocds import Site
from tender.disclosure.ocds_packages import record_package
from tender.disclosure.public import public_facts
from tender.queries import database_now
from web.db.database import acquire
from web.http import ApiRoute, json_response, query_int
from web.services import services
from web.tender.common import CENTRE_NAME, route, tender_id

FEED_LIMIT = 50


def site(request: Request) -> Site:
    """The publisher and the base URL of the platform's OCDS data."""
    return Site(base_url=services(request).settings.public_url, publisher=CENTRE_NAME)


def _limit(request: Request) -> int:
    if "limit" not in request.query_params:
        return FEED_LIMIT
    return query_int(request, "limit", minimum=1, maximum=service.FEED_MAX)


async def ocds_releases(request: Request) -> Response:
    limit = _limit(request)
    cursor = request.query_params.get("cursor") or None
    where = site(request)
    async with acquire(services(request).pools.main) as conn:
        now = await database_now(conn)
        page = await service.feed_page(
            conn,
            now,
            where,
            cursor=cursor,
            limit=limit,
            contracts=services(request).contract_facts,
            methods=services(request).method_facts,
            # Listings' releases too (docs/open-data.md, "The feed"; listing/feed.py).
            more=functools.partial(
                listing_feed.releases, base_url=where.base_url, ocid_prefix=where.ocid_prefix
            ),
        )
    if page is None:  # nothing after this cursor (yet): ask again later with the same one
        return Response(status_code=204)
    query = urlencode({"cursor": page.next_cursor, "limit": limit})
    links = {"next": f"{where.base_url}/api/v1/ocds/releases?{query}"}
    return json_response(page.package | {"links": links})


async def disclosure_now(request: Request, which: UUID) -> Disclosure:
    """The tender's facts as public at the database clock (pages and routes alike)."""
    async with acquire(services(request).pools.main) as conn:
        now = await database_now(conn)
        return await service.load_disclosure(
            conn, which, now, contracts=services(request).contract_facts,
            methods=services(request).method_facts,
        )  # fmt: skip


async def tender_ocds_record(request: Request) -> Response:
    found = await disclosure_now(request, tender_id(request))
    return json_response(record_package(found, site(request)))


async def tender_disclosure(request: Request) -> Response:
    found = await disclosure_now(request, tender_id(request))
    return json_response(public_facts(found))


ROUTES = [
    ApiRoute(
        method="GET",
        path="/api/v1/ocds/releases",
        handler=ocds_releases,
        summary="Every tender's and listing's OCDS releases, oldest first, paged (204: none yet)",
        tag="open-data",
        auth=False,
        query=(
            ("cursor", str, "links.next of the previous page", False),
            (
                "limit",
                int,
                f"releases per page, 1–{service.FEED_MAX} (default {FEED_LIMIT})",
                False,
            ),
        ),
    ),
    route(
        "GET",
        "/tenders/{tender_id}/ocds/record",
        tender_ocds_record,
        "OCDS 1.1 record package (releases linked, compiled release)",
        auth=False,
    ),
    route(
        "GET",
        "/tenders/{tender_id}/disclosure",
        tender_disclosure,
        "What the tender has made public, stage by stage",
        auth=False,
    ),
]
