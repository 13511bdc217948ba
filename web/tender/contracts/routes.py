"""JSON API of contracts, their changes and performance, and suspensions
(docs/api-contracts.md). Handlers are thin: parse, call one use case, serialise."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tender.contracts import documents, performance, service
from tender.contracts.model import ChangeInput, ContractInput, PerformanceInput
from tender.suspensions import service as suspensions
from web.auth import signed_in
from web.http import json_response, read_json
from web.services import services
from web.tender.common import (
    attachment,
    lot_number,
    maybe_signed_in,
    path_uuid,
    route,
    tender_id,
)
from web.tender.contracts import bodies as b


async def record_contract(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, b.ContractCreate)
    terms = ContractInput(
        lot=body.lot, supplier_id=body.supplier_id, price_fen=body.price_fen,
        duration_days=body.duration_days, quality=body.quality,
        project_manager=body.project_manager, scope=body.scope,
        document_sha256=body.document_sha256, signed_on=body.signed_on,
        late_reason=body.late_reason,
    )  # fmt: skip
    setup = services(request).tender_setup()
    async with signed_in(request) as (conn, actor):
        stored = await service.record_contract(conn, actor, which, terms, setup=setup)
    return json_response(b.contract_body(stored), 201)


async def published(request: Request) -> b.ContractsPublished:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        contracts, changes, records = await performance.published(conn, actor, which)
    return b.ContractsPublished(
        contracts=[b.contract_body(c) for c in contracts],
        changes=[b.change_body(c) for c in changes],
        performance=[b.performance_body(p) for p in records],
    )


async def record_change(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.ContractChangeCreate)
    change = ChangeInput(
        what=body.what, description=body.description, reason=body.reason,
        effective_on=body.effective_on,
    )  # fmt: skip
    async with signed_in(request) as (conn, actor):
        stored = await performance.record_change(conn, actor, which, lot, change)
    return json_response(b.change_body(stored), 201)


async def record_performance(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.PerformanceCreate)
    record = PerformanceInput(
        kind=body.kind, title=body.title, description=body.description,
        amount_fen=body.amount_fen, occurred_on=body.occurred_on,
    )  # fmt: skip
    async with signed_in(request) as (conn, actor):
        stored = await performance.record_performance(conn, actor, which, lot, record)
    return json_response(b.performance_body(stored), 201)


async def upload_document(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    setup = services(request).tender_setup()
    async with signed_in(request) as (conn, actor):
        limit = await documents.admit_document(conn, actor, which, lot, setup=setup)
    # No pooled connection is held while the body arrives (as for tender documents).
    blobs = services(request).blobs
    blob = await documents.store(blobs, request.stream(), limit)
    media_type = request.headers.get("content-type", "application/octet-stream")
    async with signed_in(request) as (conn, actor):
        stored = await documents.record_document(
            conn, actor, which, lot, blob=blob, media_type=media_type, blobs=blobs
        )
    return json_response(b.document_body(stored), 201)


async def download_document(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    async with signed_in(request) as (conn, actor):
        found = await documents.read_document(conn, actor, which, lot)
    headers = {
        "Content-Disposition": attachment(f"contract-{lot}"),
        "X-Content-SHA256": found.sha256,
        "Content-Length": str(found.size),
    }
    chunks = services(request).blobs.read(found.sha256)
    return StreamingResponse(chunks, media_type=found.media_type, headers=headers)


async def suspend(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, b.SuspensionCreate)
    async with signed_in(request) as (conn, actor):
        stored = await suspensions.suspend(
            conn, actor, which, reason=body.reason, source=body.source
        )
    return json_response(b.suspension_body(stored), 201)


async def end_suspension(request: Request) -> b.SuspensionBody:
    which, suspension_id = tender_id(request), path_uuid(request, "suspension_id")
    async with signed_in(request) as (conn, actor):
        return b.suspension_body(await suspensions.resume(conn, actor, which, suspension_id))


async def list_suspensions(request: Request) -> b.SuspensionList:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        found = await suspensions.list_suspensions(conn, actor, which)
    return b.SuspensionList(items=[b.suspension_body(s) for s in found])


_T = "/tenders/{tender_id}"
ROUTES = [
    route(
        "POST", f"{_T}/contracts", record_contract,
        "Record a lot's signed contract (the agency, for the tenderer)",
        body=b.ContractCreate, response=b.ContractBody, status=201,
    ),
    route(
        "GET", f"{_T}/contracts", published,
        "Contracts, their changes and performance (public)",
        auth=False, response=b.ContractsPublished,
    ),
    route(
        "POST", f"{_T}/contracts/{{lot}}/changes", record_change,
        "Record a change to a lot's contract (the agency)",
        body=b.ContractChangeCreate, response=b.ContractChangeBody, status=201,
    ),
    route(
        "POST", f"{_T}/contracts/{{lot}}/performance", record_performance,
        "Record a milestone, acceptance, payment or change of performance (the agency)",
        body=b.PerformanceCreate, response=b.PerformanceBody, status=201,
    ),
    route(
        "POST", f"{_T}/contracts/{{lot}}/document", upload_document,
        "Upload the signed contract document (raw body; its SHA-256 must be the recorded one)",
        response=b.ContractDocumentBody, status=201, request_type="*/*",  # the file's type
    ),
    route(
        "GET", f"{_T}/contracts/{{lot}}/document", download_document,
        "The signed contract document (its parties and the overseers)",
        content_type="application/octet-stream",
    ),
    route(
        "POST", f"{_T}/suspensions", suspend,
        "Suspend the tender's clocks (centre staff, the supervising department)",
        body=b.SuspensionCreate, response=b.SuspensionBody, status=201,
    ),
    route(
        "POST", f"{_T}/suspensions/{{suspension_id}}/end", end_suspension,
        "End a running suspension", response=b.SuspensionBody,
    ),
    route(
        "GET", f"{_T}/suspensions", list_suspensions, "Suspensions (public)",
        auth=False, response=b.SuspensionList,
    ),
]  # fmt: skip
