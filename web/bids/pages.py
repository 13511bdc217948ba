"""The bidder's pages (issue 16 items 4–5): ``/bidder/bids`` (my bids, and the tenders
taking bids now) and ``/bidder/bids/{tender_id}/lots/{lot}`` (one lot: committee,
opening-form fields, seal or pick a sealed part, upload, submit, receipts, withdraw,
bonds, self-decryption and the opening record).

The pages hold nothing secret. The lot page is a shell with the facts its script
needs in ``data-*`` attributes (the CSP allows no inline script, web/http.py); the
script (web/static/js/bids-lot.js) does the work through the JSON API
(docs/formats/upload.md, docs/formats/opening.md) with the signing bundle
(docs/browser-signing.md): keys stay in the browser, the age identity is read in the
page and never sent. Only a user acting for exactly one bidder organisation may use
them (tender/submission/context.py ``bidder_of``: 403 otherwise); a draft tender, an
unknown tender or lot is 404 for them as the API answers.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from accounts.organisations import service as organisations
from signing.certs import cert_sha256, dump_pem_certificate
from signing.errors import EtenderError
from tender import queries as tender_queries
from tender import service as tenders
from tender.errors import TenderNotFound
from tender.model import Tender, TenderStatus
from tender.results import bidder as results
from tender.submission.context import bidder_of, lot_id_of
from web import i18n, jsbundle, pages
from web.bids import i18n as texts
from web.bids.model import lot_facts, open_for_bids
from web.errormap import status_for
from web.errors import NotFound
from web.http import SECURITY_HEADERS
from web.origin import origin_of
from web.pdf.base import yuan
from web.services import services

render = pages.feature_renderer("bids", texts, {"yuan": yuan})
MINE = "/bidder/bids"


def _refused(request: Request, actor: Actor | None, refusal: EtenderError) -> HTMLResponse:
    return render(request, "error.html", status_for(refusal), actor=actor, code=refusal.code)


async def _bidder(conn: asyncpg.Connection, actor: Actor) -> tuple[str, str]:
    """The actor's bidder organisation (403 for anyone else): credit code and name."""
    org = await organisations.get_organisation(conn, bidder_of(actor))
    return org.credit_code, org.name


@pages.signed_in_page(_refused)
async def my_bids_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    await _bidder(conn, actor)
    mine = await results.my_results(conn, actor)
    now = await tender_queries.database_now(conn)
    listed = await tenders.list_public(conn, limit=100)
    taking = [f for t in listed for f in open_for_bids(t, now)]
    return render(request, "mine.html", actor=actor, mine=mine, taking=taking)


async def _published(conn: asyncpg.Connection, actor: Actor, raw_id: str) -> Tender:
    try:
        tender_id = UUID(raw_id)
    except ValueError:
        raise NotFound("no page at this address") from None
    found = await tenders.get_tender(conn, actor, tender_id)
    # A bidder bids on a published notice only; a draft it may somehow read is no bid page.
    if found.status is TenderStatus.DRAFT:
        raise TenderNotFound("no tender has this id")
    return found


@pages.signed_in_page(_refused)
async def lot_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    credit_code, org_name = await _bidder(conn, actor)
    tender = await _published(conn, actor, request.path_params["tender_id"])
    number = request.path_params["lot"]
    # A lot the tender does not have is as unknown as the API says (tender_lot_not_found).
    lot_id_of(tender, number)
    now = await tender_queries.database_now(conn)
    facts = lot_facts(tender, number, now)
    lang = i18n.negotiate(request)
    context: dict[str, Any] = {
        "actor": actor,
        "tender": tender,
        "facts": facts,
        "org_name": org_name,
        "credit_code": credit_code,
        "facts_json": json.dumps(facts.to_json(credit_code), ensure_ascii=False),
        "script_texts": json.dumps(texts.script_texts(lang), ensure_ascii=False),
        "log_vkey": services(request).log_identity.signer.verifier().to_vkey(),
        **_roots(request),
        **jsbundle.template_context(),
    }
    page = render(request, "lot.html", **context)
    upload_at = services(request).settings.upload_url
    if upload_at is not None and origin_of(upload_at) != origin_of(str(request.base_url)):
        # The page PUTs a part's bytes to the upload workers' address (docs/formats/
        # upload.md §2.2): the one other origin it may connect to.
        csp = SECURITY_HEADERS["Content-Security-Policy"]
        page.headers["Content-Security-Policy"] = (
            f"{csp}; connect-src 'self' {origin_of(upload_at)}"
        )
    return page


def _roots(request: Request) -> dict[str, Any]:
    """The trusted roots the page checks the committee's statements against, with their
    SHA-256 shown so a bidder can compare them with its CA's (docs/guide-bidder.md)."""
    trust = services(request).trust_now()
    found = trust.roots if trust is not None else ()
    pems = [dump_pem_certificate(c).decode() for c in found]
    return {"roots_json": json.dumps(pems), "root_hashes": [cert_sha256(c) for c in found]}


def routes() -> list[BaseRoute]:
    """The bidder's pages (their scripts are static files under /static/js/)."""
    return [
        Route(MINE, my_bids_page, methods=["GET"]),
        Route(MINE + "/{tender_id}/lots/{lot}", lot_page, methods=["GET"]),
    ]
