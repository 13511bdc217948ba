"""JSON API of the award and result notices (docs/formats/award-notice.md, "Routes").

Per object (DESIGN.md, "Interfaces"): a notice is read by its addressee's organisation,
the tender's agency, centre staff and the supervising department. Anyone else — another
bidder included — gets 404 ``award_notice_not_found``, the answer a wrong id gets, so
the refusal tells nothing of whom the platform notified.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from tender.award_notices import service
from tender.award_notices.errors import AwardNoticeNotFound
from tender.award_notices.model import Notice
from web.auth import signed_in
from web.http import ApiRoute, Handler
from web.tender.common import attachment, tender_id

TAG = "tenders"
BASE = "/api/v1/award-notices"


class NoticeOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    tender_id: UUID
    lot: str
    kind: str  # award (中标通知书) | result (中标结果通知书)
    organisation_id: UUID
    pdf_sha256: str
    issued_at: datetime
    superseded_at: datetime | None
    pdf: str  # the PDF's path
    signature: str  # the detached CMS signature's path


class NoticeList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[NoticeOut]


def notice_out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.id, tender_id=n.tender_id, lot=n.lot, kind=str(n.kind),
        organisation_id=n.organisation_id, pdf_sha256=n.pdf_sha256, issued_at=n.issued_at,
        superseded_at=n.superseded_at, pdf=f"{BASE}/{n.id}/notice.pdf",
        signature=f"{BASE}/{n.id}/notice.p7s",
    )  # fmt: skip


def _notice_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["id"])
    except ValueError:
        raise AwardNoticeNotFound("no award notice has this id") from None


async def my_notices(request: Request) -> NoticeList:
    async with signed_in(request) as (conn, actor):
        found = await service.my_notices(conn, actor)
    return NoticeList(items=[notice_out(n) for n in found])


async def tender_notices(request: Request) -> NoticeList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await service.tender_notices(conn, actor, which)
    return NoticeList(items=[notice_out(n) for n in found])


async def get_notice(request: Request) -> NoticeOut:
    async with signed_in(request) as (conn, actor):
        found = await service.notice(conn, actor, _notice_id(request))
    return notice_out(found)


async def notice_pdf(request: Request) -> Response:
    async with signed_in(request) as (conn, actor):
        found, pdf, _ = await service.notice_files(conn, actor, _notice_id(request))
    headers = {"Content-Disposition": attachment(f"{found.kind}-notice-{found.id}.pdf")}
    return Response(pdf, media_type="application/pdf", headers=headers)


async def notice_signature(request: Request) -> Response:
    async with signed_in(request) as (conn, actor):
        found, _, signature = await service.notice_files(conn, actor, _notice_id(request))
    headers = {"Content-Disposition": attachment(f"{found.kind}-notice-{found.id}.pdf.p7s")}
    return Response(signature, media_type="application/pkcs7-signature", headers=headers)


def _route(path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(method="GET", path=path, handler=handler, summary=summary, tag=TAG, **extra)


ROUTES = [
    _route(
        "/api/v1/me/award-notices",
        my_notices,
        "Award and result notices addressed to the caller's organisation",
        response=NoticeList,
    ),
    _route(
        "/api/v1/tenders/{tender_id}/award-notices",
        tender_notices,
        "A tender's award and result notices the caller may read",
        response=NoticeList,
    ),
    _route(f"{BASE}/{{id}}", get_notice, "One award or result notice", response=NoticeOut),
    _route(
        f"{BASE}/{{id}}/notice.pdf",
        notice_pdf,
        "The notice as the signed PDF",
        content_type="application/pdf",
    ),
    _route(
        f"{BASE}/{{id}}/notice.p7s",
        notice_signature,
        "The platform's detached CMS signature over the PDF (DER)",
        content_type="application/pkcs7-signature",
    ),
]
