"""JSON API of the opening (docs/formats/opening.md): release batches, frozen parts,
share releases, self-decryption keys, the lot's status and the opening record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from accounts.errors import PermissionDenied
from evaluation.report import service as evaluation_results
from signing.cms import sign_detached
from tender.model import OpeningField
from tender.opening import progress as opening_progress
from tender.opening import release as opening_release
from tender.opening import session as live_opening
from tender.opening.model import OpeningError
from tender.opening.progress import open_commercial_stage
from tender.opening.publication import opening_record
from tender.opening.record import SignedRecord
from tender.opening.release import ShareRelease, frozen_part_sha256, submit_self_key
from tender.opening.responses import answer_objection, respond, responses
from tender.service import get_tender
from web.auth import signed_in
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler, json_response, read_json
from web.opening.bodies import (
    AnswerBody,
    ConfirmBody,
    HallBody,
    ObjectionBody,
    ProgressBody,
    ReleaseBody,
    ResponseBody,
    ResponseList,
    SelfKeyBody,
    b64_field,
    batch_json,
    parse_part_id,
    progress_body,
    response_body,
)
from web.pdf.opening_record import render_record
from web.services import services
from web.tender.common import lot_number, maybe_signed_in, path_uuid, tender_id

TAG = "opening"


async def release_batch(request: Request) -> Response:
    which = tender_id(request)
    wanted = request.query_params.get("lot")
    lots = []
    async with signed_in(request) as (conn, actor):
        tender = await get_tender(conn, actor, which)  # a draft it may not read: 404
        for lot in sorted(tender.lot_ids):
            if wanted is not None and lot != wanted:
                continue
            try:
                lots.append(
                    batch_json(await opening_release.release_batch(conn, actor, which, lot))
                )
            except (PermissionDenied, OpeningError):
                if wanted is not None:
                    raise
    return json_response({"tender": tender.code, "lots": lots})


async def frozen_part(request: Request) -> Response:
    which = tender_id(request)
    lot, bid, label = parse_part_id(request.path_params["part_id"])
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        sha256 = await frozen_part_sha256(conn, actor, which, lot, bid, label)
    store = services(request).blobs
    return StreamingResponse(store.read(sha256), media_type="application/octet-stream")


async def release_shares(request: Request) -> ProgressBody:
    which = tender_id(request)
    body = await read_json(request, ReleaseBody)
    releases = []
    for item in body.releases:
        lot, bid, label = parse_part_id(item.part_id)
        if lot != body.lot:
            raise RequestInvalid("every part_id is of the body's lot", details={"field": "part_id"})
        releases.append(
            ShareRelease(
                bid_id=bid,
                part=label,
                x=item.x,
                share=b64_field(item.share, "share"),
                revealed_secret=b64_field(item.revealed_secret, "revealed_secret"),
            )
        )
    opening = services(request).opening()
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        done = await opening_release.release_shares(
            conn, actor, which, body.lot, releases, opening=opening
        )
        await live_opening.publish(conn, which, body.lot, done)
    return progress_body(done)


async def self_key(request: Request) -> ProgressBody:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, SelfKeyBody)
    key = b64_field(body.file_key, "file_key") or b""
    opening = services(request).opening()
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        done = await submit_self_key(conn, actor, which, lot, body.part, key, opening=opening)
        await live_opening.publish(conn, which, lot, done)
    return progress_body(done)


async def open_commercial(request: Request) -> ProgressBody:
    which, lot = tender_id(request), lot_number(request)
    opening = services(request).opening()
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)

        async def passed() -> frozenset[UUID]:
            # Issue 11, item 6: only the bids that passed the technical evaluation, and
            # only once the lot's session is in its commercial_opening phase (else 409).
            return await evaluation_results.commercial_bids(conn, which, lot)

        done = await open_commercial_stage(conn, actor, which, lot, opening=opening, passed=passed)
        await live_opening.publish(conn, which, lot, done)
    return progress_body(done)


async def lot_progress(request: Request) -> ProgressBody:
    which, lot = tender_id(request), lot_number(request)
    opening = services(request).opening()
    async with maybe_signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)  # issue 9, item 15: a hidden draft is not found
        return progress_body(await opening_progress.progress(conn, which, lot, opening=opening))


async def confirm(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, ConfirmBody)
    signature = b64_field(body.signature, "signature")
    opening = services(request).opening()
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        done = await respond(conn, actor, which, lot, confirmation=signature, opening=opening)
        await live_opening.announce(conn, which, lot, "record.confirmed", {"id": str(done.id)})
    return json_response(response_body(done), 201)


async def object_to(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, ObjectionBody)
    opening = services(request).opening()
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        done = await respond(conn, actor, which, lot, objection=body.text,
                             opening=opening)  # fmt: skip
        await live_opening.announce(conn, which, lot, "objection.filed",
                                    {"id": str(done.id), "text": done.objection})  # fmt: skip
    return json_response(response_body(done), 201)


async def answer(request: Request) -> ResponseBody:
    which, lot = tender_id(request), lot_number(request)
    objection = path_uuid(request, "objection_id")
    body = await read_json(request, AnswerBody)
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        done = await answer_objection(conn, actor, which, lot, objection, body.answer)
        await live_opening.announce(conn, which, lot, "objection.answered",
                                    {"id": str(done.id), "answer": done.answer})  # fmt: skip
    return response_body(done)


async def list_responses(request: Request) -> ResponseList:
    which, lot = tender_id(request), lot_number(request)
    async with maybe_signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        found = await responses(conn, which, lot)
    return ResponseList(items=[response_body(r) for r in found])


async def hall(request: Request) -> HallBody:
    which, lot = tender_id(request), lot_number(request)
    async with maybe_signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        return HallBody(session_id=str(await live_opening.hall_session(conn, which, lot)))


async def _record(request: Request) -> SignedRecord:
    return (await _record_and_form(request))[0]


async def _record_and_form(request: Request) -> tuple[SignedRecord, Sequence[OpeningField]]:
    """The signed record and the tender's opening form (the PDF heads its columns with
    the form's labels, not the record's keys: issue 15 item 4)."""
    which = tender_id(request)
    lot = request.query_params.get("lot", "1")
    part = request.query_params.get("part", "main")
    async with maybe_signed_in(request) as (conn, actor):
        tender = await get_tender(conn, actor, which)
        record = await opening_record(conn, which, lot, part)
        return record, tender.content.opening_fields


async def _record_pdf(request: Request) -> bytes:
    signed, form = await _record_and_form(request)
    return render_record(json.loads(signed.body), form)


async def record_json(request: Request) -> Response:
    signed = await _record(request)
    return Response(signed.body, media_type="application/json")


async def record_signature(request: Request) -> Response:
    signed = await _record(request)
    return Response(signed.signature, media_type="application/pkcs7-signature")


async def record_pdf(request: Request) -> Response:
    return Response(await _record_pdf(request), media_type="application/pdf")


async def record_pdf_signature(request: Request) -> Response:
    pdf = await _record_pdf(request)
    identity = services(request).opening().signer
    signature = sign_detached(pdf, identity.certificate, identity.key, chain=identity.chain)
    return Response(signature, media_type="application/pkcs7-signature")


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag=TAG, **extra
    )


T = "/tenders/{tender_id}"
LOT_QUERY = (
    ("lot", str, "the lot number (default 1)", False),
    ("part", str, "main, technical or commercial (default main)", False),
)
ROUTES = [
    _route("GET", f"{T}/opening/release-batch", release_batch,
           "An official's frozen lots: committee, freeze list, parts to unwrap",
           query=(("lot", str, "only this lot", False),)),
    _route("GET", f"{T}/opening/parts/{{part_id}}", frozen_part,
           "A frozen sealed part's bytes (officials of its committee)",
           content_type="application/octet-stream"),
    _route("POST", f"{T}/opening/shares", release_shares,
           "Release this official's shares of a lot's frozen parts",
           body=ReleaseBody, response=ProgressBody),
    _route("POST", f"{T}/lots/{{lot}}/opening/self-key", self_key,
           "Self-decryption: the bidder's own file key of a part",
           body=SelfKeyBody, response=ProgressBody),
    _route("POST", f"{T}/lots/{{lot}}/opening/commercial", open_commercial,
           "Two envelopes: the host opens the commercial parts (after the technical record)",
           response=ProgressBody),
    _route("GET", f"{T}/lots/{{lot}}/opening", lot_progress,
           "Each part's decryption status; the record once the lot settled",
           response=ProgressBody, auth=False),
    _route("GET", f"{T}/lots/{{lot}}/opening/hall", hall,
           "The opening hall's live session id (WebSocket /api/v1/live/{id})",
           response=HallBody, auth=False),
    _route("POST", f"{T}/lots/{{lot}}/opening/confirm", confirm,
           "A bidder confirms the record with its CMS signature over the record bytes",
           body=ConfirmBody, response=ResponseBody, status=201),
    _route("POST", f"{T}/lots/{{lot}}/opening/objections", object_to,
           "A bidder objects to the record", body=ObjectionBody, response=ResponseBody, status=201),
    _route("POST", f"{T}/lots/{{lot}}/opening/objections/{{objection_id}}/answer", answer,
           "The host answers an objection", body=AnswerBody, response=ResponseBody),
    _route("GET", f"{T}/lots/{{lot}}/opening/responses", list_responses,
           "Confirmations and objections with their answers", response=ResponseList,
           auth=False),
    _route("GET", f"{T}/opening-record", record_json, "The signed opening record (RFC 8785 JSON)",
           query=LOT_QUERY, auth=False),
    _route("GET", f"{T}/opening-record.p7s", record_signature,
           "The platform's detached CMS signature of the record JSON",
           query=LOT_QUERY, auth=False, content_type="application/pkcs7-signature"),
    _route("GET", f"{T}/opening-record.pdf", record_pdf, "The opening record as PDF",
           query=LOT_QUERY, auth=False, content_type="application/pdf"),
    _route("GET", f"{T}/opening-record.pdf.p7s", record_pdf_signature,
           "The platform's detached CMS signature of the PDF",
           query=LOT_QUERY, auth=False, content_type="application/pkcs7-signature"),
]  # fmt: skip
