"""JSON API of what follows publication: documents and downloads, clarifications,
objections, bonds and alerts, and the public notice PDF and OCDS package
(docs/api-tenders.md). Handlers are thin: parse, call one use case, serialise.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from accounts.organisations import service as organisations
from supervision.credit.model import Gate
from tender import access, service
from tender.bonds import service as bonds
from tender.bonds.service import BondInput
from tender.disclosure import ocds_packages
from tender.documents import service as documents
from tender.errors import TenderNotFound
from tender.lifecycle import load
from tender.model import Tender
from tender.notices import service as notices
from web.auth import signed_in
from web.db.database import acquire
from web.disclosure.routes import disclosure_now
from web.disclosure.routes import site as disclosure_site
from web.errors import RequestInvalid
from web.http import json_response, read_json
from web.pdf.tender_notice import NoticeData, render_notice
from web.services import services
from web.supervision.credit.gate import refuse_blacklisted_bidder
from web.tender.common import (
    CENTRE_NAME,
    attachment,
    limit_param,
    maybe_signed_in,
    path_uuid,
    route,
    tender_id,
)
from web.tender.records import bodies as r

# --- documents ------------------------------------------------------------------------


async def upload_document(request: Request) -> Response:
    which = tender_id(request)
    name = request.query_params.get("name")
    if name is None:
        raise RequestInvalid("the query parameter 'name' is required", details={"param": "name"})
    async with signed_in(request) as (conn, actor):
        limit = await documents.admit_document(
            conn, actor, which, name=name, setup=services(request).tender_setup()
        )
    # No pooled connection is held while the body arrives (issue 9, item 6): a stalled
    # upload must not take one of the site's connections.
    blob = await documents.store_document(services(request).blobs, request.stream(), limit)
    async with signed_in(request) as (conn, actor):
        version = await documents.record_document(
            conn,
            actor,
            which,
            name=name,
            media_type=request.headers.get("content-type", documents.DEFAULT_MEDIA_TYPE),
            blob=blob,
        )
    return json_response(r.document_body(version), 201)


async def list_documents(request: Request) -> r.TenderDocumentList:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        found = await documents.list_documents(conn, actor, which)
    return r.TenderDocumentList(items=[r.document_body(v) for v in found])


async def download_document(request: Request) -> Response:
    which, version_id = tender_id(request), path_uuid(request, "version_id")
    async with signed_in(request) as (conn, actor):
        await refuse_blacklisted_bidder(conn, actor, Gate.DOWNLOAD_DOCUMENTS, which)  # issue 14
        version = await documents.download_document(conn, actor, which, version_id)
    headers = {
        "Content-Disposition": attachment(version.name),
        "X-Content-SHA256": version.sha256,
        "Content-Length": str(version.size),
    }
    chunks = services(request).blobs.read(version.sha256)
    return StreamingResponse(chunks, media_type=version.media_type, headers=headers)


async def list_downloads(request: Request) -> r.TenderDownloadList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await documents.downloaders(conn, actor, which)
    return r.TenderDownloadList(items=[r.download_body(d) for d in found])


# --- clarifications and objections ---------------------------------------------------


async def issue_clarification(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, r.TenderClarificationCreate)
    async with signed_in(request) as (conn, actor):
        issued = await notices.issue_clarification(
            conn,
            actor,
            which,
            kind=body.kind,
            title=body.title,
            body=body.body,
            version_ids=body.documents,
            new_deadline=body.new_deadline,
            setup=services(request).tender_setup(),
        )
    return json_response(r.clarification_body(issued), 201)


async def list_clarifications(request: Request) -> r.TenderClarificationList:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        tender = await service.get_tender(conn, actor, which)
        found = await notices.list_clarifications(conn, which)
    insider = actor is not None and access.may_read_draft(actor, tender)
    items = [r.clarification_body(c, insider=insider) for c in found]
    return r.TenderClarificationList(items=items)


async def my_notifications(request: Request) -> r.TenderNotificationList:
    async with signed_in(request) as (conn, actor):
        found = await notices.my_notifications(conn, actor, limit_param(request, 100))
    return r.TenderNotificationList(items=[r.notification_body(n) for n in found])


async def file_objection(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, r.TenderObjectionCreate)
    async with signed_in(request) as (conn, actor):
        filed = await notices.file_objection(
            conn, actor, which, text=body.text, setup=services(request).tender_setup()
        )
    return json_response(r.objection_body(filed), 201)


async def list_objections(request: Request) -> r.TenderObjectionList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await notices.list_objections(conn, actor, which)
    return r.TenderObjectionList(items=[r.objection_body(o) for o in found])


async def answer_objection(request: Request) -> r.TenderObjectionBody:
    which, objection_id = tender_id(request), path_uuid(request, "objection_id")
    body = await read_json(request, r.TenderObjectionAnswer)
    async with signed_in(request) as (conn, actor):
        answered = await notices.answer_objection(
            conn, actor, which, objection_id, answer=body.answer
        )
    return r.objection_body(answered)


# --- bonds and alerts -----------------------------------------------------------------


async def record_bond(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, r.TenderBondCreate)
    bond = BondInput(
        lot=body.lot,
        bidder_id=body.bidder_id,
        kind=body.kind,
        amount_fen=body.amount_fen,
        paid_at=body.paid_at,
        paying_account=body.paying_account,
        guarantee_no=body.guarantee_no,
        issuer=body.issuer,
    )
    async with signed_in(request) as (conn, actor):
        stored, alerts = await bonds.record_bond(conn, actor, which, bond)
    recorded = r.TenderBondRecorded(
        bond=r.bond_body(stored), alerts=[r.alert_body(a) for a in alerts]
    )
    return json_response(recorded, 201)


async def list_bonds(request: Request) -> r.TenderBondList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await bonds.list_bonds(conn, actor, which)
    return r.TenderBondList(items=[r.bond_body(x) for x in found])


async def refund_bond(request: Request) -> r.TenderBondBody:
    which, bond_id = tender_id(request), path_uuid(request, "bond_id")
    body = await read_json(request, r.TenderBondRefund)
    async with signed_in(request) as (conn, actor):
        return r.bond_body(
            await bonds.refund_bond(conn, actor, which, bond_id, reference=body.reference)
        )


async def list_alerts(request: Request) -> r.TenderAlertList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await bonds.list_alerts(conn, actor, which)
    return r.TenderAlertList(items=[r.alert_body(a) for a in found])


# --- disclosure: notice PDF and OCDS -------------------------------------------------


async def party_names(conn: asyncpg.Connection, tender: Tender) -> dict[UUID, str]:
    """Names of the agency, tenderer and department (through the accounts service)."""
    ids = {tender.agency_id, tender.content.tenderer_id, tender.content.department_id}
    return {i: (await organisations.get_organisation(conn, i)).name for i in ids}


async def _published(conn: asyncpg.Connection, which: UUID) -> Tender:
    found = await load(conn, which)
    if not found.is_public:
        raise TenderNotFound("no tender has this id")
    return found


async def notice_pdf(request: Request) -> Response:
    which = tender_id(request)
    async with acquire(services(request).pools.main) as conn:
        found = await _published(conn, which)
        data = NoticeData(
            tender=found,
            names=await party_names(conn, found),
            documents=await documents.list_documents(conn, None, which),
            clarifications=await notices.list_clarifications(conn, which),
            platform_url=services(request).settings.public_url,
            centre_name=CENTRE_NAME,
        )
    pdf = await asyncio.to_thread(render_notice, data)
    headers = {"Content-Disposition": attachment(f"{found.code}.pdf")}
    return Response(pdf, media_type="application/pdf", headers=headers)


async def tender_ocds(request: Request) -> Response:
    found = await disclosure_now(request, tender_id(request))
    return json_response(ocds_packages.release_package(found, disclosure_site(request)))


_T = "/tenders/{tender_id}"
ROUTES = [
    route(
        "POST",
        f"{_T}/documents",
        upload_document,
        "Upload a document version (raw body, ?name=)",
        response=r.TenderDocumentBody,
        request_type="*/*",  # the file's own type (docs/api-tenders.md)
        query=(("name", str, "the document's file name"),),
        status=201,
    ),
    route(
        "GET",
        f"{_T}/documents",
        list_documents,
        "Document versions",
        auth=False,
        response=r.TenderDocumentList,
    ),
    route(
        "POST",
        f"{_T}/documents/{{version_id}}/download",
        download_document,
        "Download a version (recorded for bidders)",
        content_type="application/octet-stream",
    ),
    route(
        "GET",
        f"{_T}/downloads",
        list_downloads,
        "Who downloaded what (agency, tenderer; others after the deadline)",
        response=r.TenderDownloadList,
    ),
    route(
        "POST",
        f"{_T}/clarifications",
        issue_clarification,
        "Issue a clarification or amendment (agency)",
        body=r.TenderClarificationCreate,
        response=r.TenderClarificationBody,
        status=201,
    ),
    route(
        "GET",
        f"{_T}/clarifications",
        list_clarifications,
        "Clarifications and amendments",
        auth=False,
        response=r.TenderClarificationList,
    ),
    route(
        "GET",
        "/tender-notifications",
        my_notifications,
        "Clarifications delivered to me as a downloader",
        response=r.TenderNotificationList,
    ),
    route(
        "POST",
        f"{_T}/objections",
        file_objection,
        "Object to the documents (bidder)",
        body=r.TenderObjectionCreate,
        response=r.TenderObjectionBody,
        status=201,
    ),
    route(
        "GET",
        f"{_T}/objections",
        list_objections,
        "Objections (mine, or all for the agency)",
        response=r.TenderObjectionList,
    ),
    route(
        "POST",
        f"{_T}/objections/{{objection_id}}/answer",
        answer_objection,
        "Answer an objection (agency)",
        body=r.TenderObjectionAnswer,
        response=r.TenderObjectionBody,
    ),
    route(
        "POST",
        f"{_T}/bonds",
        record_bond,
        "Record a bond (centre staff)",
        body=r.TenderBondCreate,
        response=r.TenderBondRecorded,
        status=201,
    ),
    route(
        "GET",
        f"{_T}/bonds",
        list_bonds,
        "Bonds (centre, department; a bidder its own)",
        response=r.TenderBondList,
    ),
    route(
        "POST",
        f"{_T}/bonds/{{bond_id}}/refund",
        refund_bond,
        "Mark a bond refunded",
        body=r.TenderBondRefund,
        response=r.TenderBondBody,
    ),
    route(
        "GET",
        f"{_T}/alerts",
        list_alerts,
        "Monitoring alerts (centre, department)",
        response=r.TenderAlertList,
    ),
    route(
        "GET",
        f"{_T}/notice.pdf",
        notice_pdf,
        "The notice as a PDF (Chinese text)",
        auth=False,
        content_type="application/pdf",
    ),
    route("GET", f"{_T}/ocds", tender_ocds, "OCDS 1.1 release package", auth=False),
]
