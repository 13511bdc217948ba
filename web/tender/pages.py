"""Pages of tenders: the public notices and a notice with its documents (bidders download
there), and the agency's workspace — create a draft, edit its lots, opening form and
dates, see the broken rules, upload documents, publish, follow downloads, issue
clarifications and answer objections. Chinese first, English through the switch.

No script runs: every action is a form posted with the session's CSRF token
(web/auth.py), calling one use case; a refusal renders its code, message and — for
publication — every broken rule. Amounts are entered in yuan and dates in Beijing time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from accounts.errors import AccountsError, Unauthenticated
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from procurement import service as procurement
from tender import access, service
from tender.award_notices import service as award_notices
from tender.committee import service as committee
from tender.documents import service as documents
from tender.errors import TenderError, TenderInputInvalid, TenderNotFound
from tender.model import Category, Procedure, Tender
from tender.notices import service as notices
from tender.notices.model import ClarificationKind
from web import error_pages, i18n
from web.auth import csrf_token_for, current_actor, session_token
from web.db.database import acquire
from web.errormap import status_for
from web.errors import WebError
from web.http import SECURITY_HEADERS, refuse_nul_fields, request_id_of
from web.pages import back_link, environment
from web.pdf.tender_notice import yuan
from web.services import services
from web.supervision.credit.gate import CreditError, Gate, refuse_blacklisted_bidder
from web.tender import i18n as i18n_tender
from web.tender.common import attachment
from web.tender.forms import (
    draft_with_fields,
    draft_with_general,
    draft_with_lot,
    draft_without_lot,
    fields_text,
    local_input,
    new_draft,
)
from web.tender.oversight_forms import require_drafter

Page = Callable[[Request, asyncpg.Connection, Actor], Awaitable[Response]]
UPLOAD_CHUNK = 256 * 1024

_ENV = environment()
_ENV.filters["yuan"] = yuan
_ENV.filters["local_input"] = local_input


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a tender page in the request's language, with security headers."""
    lang = i18n.negotiate(request)

    def translate(key: str, **params: Any) -> str:
        return i18n_tender.translate(lang, key, **{k: str(v) for k, v in params.items()})

    token = session_token(request)
    actor: Actor | None = context.setdefault("actor", None)
    html = _ENV.get_template(f"tender/{template}").render(
        roles={str(r) for r in actor.roles} if actor is not None else set(),
        t=translate,
        has=i18n_tender.has,
        lang=lang,
        languages=i18n.LANGUAGES,
        path=request.url.path,
        csrf_token=csrf_token_for(token) if token else None,
        request_id=request_id_of(request),  # quoted to support from an error page
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


async def _actor(request: Request, conn: asyncpg.Connection) -> Actor | None:
    try:
        return await current_actor(request, conn)
    except Unauthenticated:
        return None


def _refused(request: Request, actor: Actor | None, error: Exception) -> Response:
    code = getattr(error, "code", "request_invalid")
    details = getattr(error, "details", None)
    violations = details.get("violations", []) if isinstance(details, dict) else []
    return render(
        request,
        "error.html",
        status_for(error),
        actor=actor,
        code=code,
        facts=error_pages.facts(details, i18n.negotiate(request)),
        violations=violations,
        back=back_link(request, "/tenders"),
    )


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """Sign-in required; a refused operation renders its error."""

    async def endpoint(request: Request) -> Response:
        async with acquire(services(request).pools.main) as conn:
            try:
                actor = await _actor(request, conn)
            except WebError as refused:  # a form without the session's CSRF token
                return _refused(request, None, refused)
            if actor is None:
                return _redirect("/login")
            try:
                return await handler(request, conn, actor)
            except (TenderError, AccountsError, WebError, CreditError) as refused:
                return _refused(request, actor, refused)

    endpoint.__name__ = handler.__name__
    return endpoint


def _tender_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["tender_id"])
    except ValueError:
        raise TenderNotFound("no tender has this id") from None


# --- public: notices and a notice -----------------------------------------------------


async def notices_page(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    category = request.query_params.get("category", "")
    category = category if category in set(Category) else ""
    async with acquire(services(request).pools.main) as conn:
        actor = await _actor(request, conn)
        found = await service.list_public(conn, search=query, category=category, limit=50)
    return render(
        request,
        "notices.html",
        actor=actor,
        tenders=found,
        query=query,
        category=category,
        categories=list(Category),
    )


async def notice_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await _actor(request, conn)
        try:
            tender = await service.get_tender(conn, actor, _tender_id(request))
        except TenderNotFound as missing:
            return _refused(request, actor, missing)
        versions = await documents.list_documents(conn, actor, tender.id)
        names = await _names(conn, tender)
        clarifications = await notices.list_clarifications(conn, tender.id)
        method = await procurement.method_of(conn, tender.id)  # issue 18: not tendering?
        # Law 45: the bidder's own award or result notice; the agency, centre and
        # department see every one (tender.award_notices decides, per notice).
        awarded = (
            [] if actor is None else await award_notices.tender_notices(conn, actor, tender.id)
        )
    insider = actor is not None and access.may_read_draft(actor, tender)
    bidder = actor is not None and actor.has_role(Role.BIDDER)
    return render(
        request,
        "notice.html",
        actor=actor,
        tender=tender,
        names=names,
        versions=[v for v in versions if v.published_at is not None],
        clarifications=clarifications,
        insider=insider,
        manage=actor is not None and access.is_agency(actor, tender),
        bidder=bidder,
        award_notices=awarded,
        method=str(method),
    )


async def _names(conn: asyncpg.Connection, tender: Tender) -> dict[UUID, str]:
    ids = {tender.agency_id, tender.content.tenderer_id, tender.content.department_id}
    return {i: (await organisations.get_organisation(conn, i)).name for i in ids}


@page
async def download_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    version_id = UUID(request.path_params["version_id"])
    which = _tender_id(request)
    await refuse_blacklisted_bidder(conn, actor, Gate.DOWNLOAD_DOCUMENTS, which)  # issue 14
    version = await documents.download_document(conn, actor, which, version_id)
    headers = {"Content-Disposition": attachment(version.name), "X-Content-SHA256": version.sha256}
    chunks = services(request).blobs.read(version.sha256)
    return StreamingResponse(chunks, media_type=version.media_type, headers=headers)


# --- the agency's workspace ----------------------------------------------------------


async def _organisations(conn: asyncpg.Connection, actor: Actor, kind: OrgKind) -> list[Any]:
    page_ = await organisations.list_organisations(conn, actor, cursor=None, limit=200)
    return [org for org in page_.items if org.kind is kind]


@page
async def my_tenders_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require_drafter(actor)
    return render(
        request,
        "mine.html",
        actor=actor,
        tenders=await service.list_mine(conn, actor),
        tenderers=await _organisations(conn, actor, OrgKind.TENDERER),
        departments=await _organisations(conn, actor, OrgKind.INDUSTRY_DEPARTMENT),
        categories=list(Category),
        procedures=list(Procedure),
    )


async def _form(request: Request) -> FormData:
    return await refuse_nul_fields(await request.form(max_files=1, max_fields=200))


@page
async def create_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require_drafter(actor)
    created = await service.create_draft(conn, actor, new_draft(await _form(request)))
    return _redirect(f"/agency/tenders/{created.id}")


async def _manage_context(
    conn: asyncpg.Connection, actor: Actor, tender: Tender, request: Request
) -> dict[str, Any]:
    setup = services(request).tender_setup()
    agency = access.is_agency(actor, tender)
    context: dict[str, Any] = {
        "tender": tender,
        "names": await _names(conn, tender),
        "rosters": await committee.read_rosters(conn, actor, tender.id),
        "versions": await documents.list_documents(conn, actor, tender.id),
        "agency": agency,
        "violations": await service.check_draft(conn, actor, tender.id, setup)
        if agency and not tender.is_public
        else [],
        "fields_text": fields_text(tender.content.opening_fields),
        "tenderers": await _organisations(conn, actor, OrgKind.TENDERER),
        "departments": await _organisations(conn, actor, OrgKind.INDUSTRY_DEPARTMENT),
        "categories": list(Category),
        "procedures": list(Procedure),
        "kinds": list(ClarificationKind),
        "downloads": [],
        "objections": [],
        "clarifications": await notices.list_clarifications(conn, tender.id),
        # issue 18: a procurement project is published on its method's desk.
        "method": str(await procurement.method_of(conn, tender.id)),
    }
    if tender.is_public:
        context["downloads"] = await documents.downloaders(conn, actor, tender.id)
        context["objections"] = await notices.list_objections(conn, actor, tender.id)
    return context


@page
async def manage_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    tender = await service.get_tender(conn, actor, _tender_id(request))
    if not (access.is_agency(actor, tender) or access.is_tenderer(actor, tender)):
        raise TenderNotFound("no tender of yours has this id")
    context = await _manage_context(conn, actor, tender, request)
    return render(request, "manage.html", actor=actor, **context)


def _edit(change: Callable[[Tender, FormData], Any]) -> Page:
    async def handler(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
        tender = await service.get_tender(conn, actor, _tender_id(request))
        form = await _form(request)
        await service.update_draft(conn, actor, tender.id, change(tender, form))
        return _redirect(f"/agency/tenders/{tender.id}")

    return handler


edit_general = page(_edit(lambda t, f: draft_with_general(t.content, f)))
edit_lot = page(_edit(lambda t, f: draft_with_lot(t.content, f)))
edit_fields = page(_edit(lambda t, f: draft_with_fields(t.content, f)))


@page
async def remove_lot(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    tender = await service.get_tender(conn, actor, _tender_id(request))
    draft = draft_without_lot(tender.content, request.path_params["lot"])
    await service.update_draft(conn, actor, tender.id, draft)
    return _redirect(f"/agency/tenders/{tender.id}")


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(UPLOAD_CHUNK):
        yield chunk


@page
async def upload_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _tender_id(request)
    form = await _form(request)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise TenderInputInvalid("choose a file to upload")
        await documents.upload_document(
            conn,
            actor,
            which,
            name=upload.filename,
            media_type=upload.content_type or documents.DEFAULT_MEDIA_TYPE,
            chunks=_upload_chunks(upload),
            store=services(request).blobs,
            setup=services(request).tender_setup(),
        )
    finally:
        await form.close()  # the spooled temporary file
    return _redirect(f"/agency/tenders/{which}")


@page
async def publish_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _tender_id(request)
    await service.publish(conn, actor, which, services(request).tender_setup())
    return _redirect(f"/agency/tenders/{which}")


@page
async def clarify_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _tender_id(request)
    form = await _form(request)
    attach = [UUID(str(v)) for v in form.getlist("documents")]
    await notices.issue_clarification(
        conn,
        actor,
        which,
        kind=ClarificationKind(str(form.get("kind", "clarification"))),
        title=str(form.get("title", "")).strip(),
        body=str(form.get("body", "")).strip(),
        version_ids=attach,
        setup=services(request).tender_setup(),
    )
    return _redirect(f"/agency/tenders/{which}")


@page
async def answer_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _tender_id(request)
    form = await _form(request)
    objection_id = UUID(request.path_params["objection_id"])
    answer = str(form.get("answer", "")).strip()
    await notices.answer_objection(conn, actor, which, objection_id, answer=answer)
    return _redirect(f"/agency/tenders/{which}")


def routes() -> list[BaseRoute]:
    """The tender pages, for the one route list."""
    t = "/agency/tenders/{tender_id}"
    return [
        Route("/tenders", notices_page, methods=["GET"]),
        Route("/tenders/{tender_id}", notice_page, methods=["GET"]),
        Route(
            "/tenders/{tender_id}/documents/{version_id}/download", download_page, methods=["POST"]
        ),
        Route("/agency/tenders", my_tenders_page, methods=["GET"]),
        Route("/agency/tenders", create_page, methods=["POST"]),
        Route(t, manage_page, methods=["GET"]),
        Route(f"{t}/general", edit_general, methods=["POST"]),
        Route(f"{t}/lots", edit_lot, methods=["POST"]),
        Route(f"{t}/lots/{{lot}}/delete", remove_lot, methods=["POST"]),
        Route(f"{t}/fields", edit_fields, methods=["POST"]),
        Route(f"{t}/documents", upload_page, methods=["POST"]),
        Route(f"{t}/publish", publish_page, methods=["POST"]),
        Route(f"{t}/clarifications", clarify_page, methods=["POST"]),
        Route(f"{t}/objections/{{objection_id}}/answer", answer_page, methods=["POST"]),
    ]
