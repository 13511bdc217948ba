"""JSON API of sealed submission: resumable uploads, submit, withdraw, receipts, freeze
entries (docs/formats/upload.md).

Uploads stream: ``PUT /api/v1/uploads/{id}?offset=N`` authenticates with a short-lived
connection and streams the body without holding one, so a deadline rush of large
uploads does not starve light requests of database connections.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from signing.certs import dump_pem_certificate
from signing.statements.base import SignedStatement
from supervision.credit.model import Gate
from tender import service
from tender.submission import freeze, uploads
from tender.submission import service as submissions
from tender.submission.context import Receipt
from tender.submission.model import BidPart, BidVersion, FreezeTooEarly, Upload, UploadNotFound
from tender.submission.signers import MAX_CONSORTIUM
from web.auth import signed_in
from web.content_types import require_octets
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler, json_response, query_int, read_json
from web.pdf.receipt import render_receipt
from web.services import services
from web.supervision.credit.gate import refuse_blacklisted_bidder, refuse_blacklisted_consortium
from web.tender.common import lot_number, tender_id

TAG = "bids"


# --- bodies ------------------------------------------------------------------------------


class CreateUploadBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new upload: the part label, its exact size and SHA-256, and the client's
    installation id (optional; docs/formats/upload.md §2.1)."""

    part: str
    size: int
    sha256: str
    installation: str | None = None


class UploadBody(msgspec.Struct, frozen=True, kw_only=True):
    """An upload's state: resume at ``offset`` while ``status`` is open, by PUTting to
    ``upload_url`` (the upload workers' address, docs/formats/upload.md §2.2)."""

    id: str
    tender_id: str
    lot_id: str
    part: str
    size: int
    sha256: str
    offset: int
    status: str
    failure: str | None
    created_at: str
    upload_url: str


class StatementBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A signed statement: its canonical bytes and DER CMS signature, both base64; for a
    consortium, each member's countersignature over the same bytes (DER CMS, base64).
    ``consortium`` is optional and, if given, must equal the statement's."""

    statement: str
    signature: str
    consortium: list[str] | None = None
    countersignatures: list[str] = msgspec.field(default_factory=list)


class PartBody(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    sha256: str
    size: int


class ReceiptBody(msgspec.Struct, frozen=True, kw_only=True):
    """A receipt: the signed JSON (base64 of the exact bytes), its CMS signature, and the
    checkpoint with the inclusion proof of its log entry."""

    receipt: str
    receipt_json: dict[str, Any]
    signature: str
    log_index: int
    checkpoint: str | None
    tree_size: int | None
    inclusion_proof: list[str]
    entry: str
    # The salt of the entry's data.bidder and data.statement commitments, for the
    # bidder's own check (docs/formats/upload.md §4.2 step 2, §5); not signed: the check
    # verifies it.
    bidder_salt: str


class VersionBody(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    kind: str
    statement_sha256: str
    received_at: str
    log_index: int
    parts: list[PartBody]


class BidBody(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's bid in a lot with every version."""

    status: str
    version: int
    consortium: list[str]
    versions: list[VersionBody]


class FreezeLineBody(msgspec.Struct, frozen=True, kw_only=True):
    """One bidder's line of a freeze list: its final version and part hashes."""

    bidder: str
    consortium: list[str]
    version: int
    parts: list[PartBody]
    bidder_salt: str
    bidder_commitment: str
    version_salts: list[dict[str, Any]]


class FreezeEntryBody(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's own line of the lot's freeze list (null entry: not in it)."""

    frozen_at: str
    log_index: int
    list_sha256: str
    bids: int
    entry: FreezeLineBody | None


def _b64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{name}' must be base64", details={"field": name}) from None


def _upload_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["upload_id"])
    except ValueError:
        raise UploadNotFound("no upload has this id") from None


def _parts(parts: tuple[BidPart, ...]) -> list[PartBody]:
    return [PartBody(label=p.label, sha256=p.sha256, size=p.size) for p in parts]


def upload_url(request: Request, upload_id: UUID) -> str:
    """Where the upload's bytes go: the upload workers' address when `etender serve` runs
    them (settings.upload_url), else this server as the request reached it (§2.2)."""
    base = services(request).settings.upload_url or str(request.base_url).rstrip("/")
    return f"{base}/api/v1/uploads/{upload_id}"


def upload_body(request: Request, u: Upload) -> UploadBody:
    """An upload as JSON."""
    return UploadBody(
        id=str(u.id), tender_id=str(u.tender_id), lot_id=str(u.lot_id), part=u.part,
        size=u.declared_size, sha256=u.declared_sha256, offset=u.committed_offset,
        status=str(u.status), failure=u.failure, created_at=u.created_at.isoformat(),
        upload_url=upload_url(request, u.id),
    )  # fmt: skip


def version_body(v: BidVersion) -> VersionBody:
    """One version as JSON."""
    return VersionBody(
        version=v.version, kind=str(v.kind), statement_sha256=v.statement_sha256,
        received_at=v.received_at.isoformat(), log_index=v.log_index, parts=_parts(v.parts),
    )  # fmt: skip


def receipt_body(r: Receipt) -> ReceiptBody:
    """A receipt as JSON."""
    v = r.version
    return ReceiptBody(
        receipt=base64.b64encode(v.receipt).decode(), receipt_json=msgspec.json.decode(v.receipt),
        signature=base64.b64encode(v.receipt_signature).decode(), log_index=v.log_index,
        checkpoint=r.checkpoint, tree_size=r.tree_size,
        inclusion_proof=[base64.b64encode(h).decode() for h in r.inclusion_proof],
        entry=base64.b64encode(r.entry).decode(), bidder_salt=v.bidder_salt.hex(),
    )  # fmt: skip


# --- handlers --------------------------------------------------------------------------


async def create_upload(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, CreateUploadBody)
    sub = services(request).submission()
    async with signed_in(request, services(request).pools.upload) as (conn, actor):
        await service.get_tender(conn, actor, which)
        created = await uploads.create_upload(
            conn, actor, which, lot, part=body.part, size=body.size, sha256=body.sha256, sub=sub,
            installation=body.installation,
        )  # fmt: skip
    return json_response(upload_body(request, created), 201)


async def get_upload(request: Request) -> UploadBody:
    which = _upload_id(request)
    async with signed_in(request, services(request).pools.upload) as (conn, actor):
        return upload_body(request, await uploads.get_upload(conn, actor, which))


async def put_chunk(request: Request) -> UploadBody:
    which = _upload_id(request)
    offset = query_int(request, "offset")
    built = services(request)
    sub, pool = built.submission(), built.pools.upload
    async with signed_in(request, pool) as (_conn, actor):
        pass  # authenticated; the connection goes back before the body streams
    require_octets(request)
    done = await uploads.write_chunk(
        pool, actor, which, offset=offset, chunks=request.stream(), sub=sub
    )
    return upload_body(request, done)


def _signed(body: StatementBody) -> SignedStatement:
    return SignedStatement(
        body=_b64(body.statement, "statement"), signature=_b64(body.signature, "signature")
    )


def _countersignatures(body: StatementBody) -> list[bytes]:
    if len(body.countersignatures) > MAX_CONSORTIUM:
        raise RequestInvalid(
            f"at most {MAX_CONSORTIUM} countersignatures",
            details={"field": "countersignatures"},
        )
    return [_b64(item, "countersignatures") for item in body.countersignatures]


async def submit_bid(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, StatementBody)
    signed, countersignatures = _signed(body), _countersignatures(body)
    sub = services(request).submission()
    async with (
        services(request).submit_gate,
        signed_in(request, services(request).pools.upload) as (conn, actor),
    ):
        await service.get_tender(conn, actor, which)
        await refuse_blacklisted_bidder(conn, actor, Gate.SUBMIT_BID)  # 失信惩戒 (issue 14)
        await refuse_blacklisted_consortium(conn, actor, signed.body)
        receipt = await submissions.submit_bid(
            conn, actor, which, lot, signed,
            consortium=body.consortium, countersignatures=countersignatures, sub=sub,
        )  # fmt: skip
    return json_response(receipt_body(receipt), 201)


async def withdraw_bid(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, StatementBody)
    if body.consortium or body.countersignatures:
        raise RequestInvalid(
            "a withdrawal names no consortium and carries no countersignatures",
            details={"field": "consortium"},
        )
    sub = services(request).submission()
    async with (
        services(request).submit_gate,
        signed_in(request, services(request).pools.upload) as (conn, actor),
    ):
        await service.get_tender(conn, actor, which)
        receipt = await submissions.withdraw_bid(conn, actor, which, lot, _signed(body), sub=sub)
    return json_response(receipt_body(receipt), 201)


async def my_bid(request: Request) -> BidBody:
    which, lot = tender_id(request), lot_number(request)
    sub = services(request).submission()
    async with signed_in(request, services(request).pools.upload) as (conn, actor):
        await service.get_tender(conn, actor, which)  # issue 9, item 15: a hidden draft: 404
        bid, versions = await submissions.my_issued_bid(conn, actor, which, lot, sub)
    return BidBody(
        status=str(bid.status),
        version=bid.version,
        consortium=list(bid.consortium),
        versions=[version_body(v) for v in versions],
    )


async def my_receipt(request: Request) -> ReceiptBody:
    which, lot = tender_id(request), lot_number(request)
    raw = request.path_params["version"]
    if not (raw.isdigit() and len(raw) < 9):
        raise RequestInvalid("'version' is a whole number", details={"param": "version"})
    sub = services(request).submission()
    async with signed_in(request, services(request).pools.upload) as (conn, actor):
        await service.get_tender(conn, actor, which)
        receipt = await submissions.my_receipt(conn, actor, which, lot, int(raw), sub)
    return receipt_body(receipt)


async def my_receipt_pdf(request: Request) -> Response:
    body = await my_receipt(request)
    return Response(
        render_receipt(body.receipt_json, body.signature, body.checkpoint),
        media_type="application/pdf",
    )


async def my_freeze_entry(request: Request) -> FreezeEntryBody:
    which, lot = tender_id(request), lot_number(request)
    async with signed_in(request, services(request).pools.upload) as (conn, actor):
        await service.get_tender(conn, actor, which)
        found = await freeze.my_freeze_entry(conn, actor, which, lot)
    if found is None:
        raise FreezeTooEarly("the lot has not frozen yet")
    frozen, entry, salts = found
    return FreezeEntryBody(
        frozen_at=frozen.frozen_at.isoformat(), log_index=frozen.log_index,
        list_sha256=frozen.list_sha256, bids=len(frozen.entries),
        entry=None if entry is None else FreezeLineBody(
            bidder=entry.bidder_credit_code, consortium=list(entry.consortium),
            version=entry.version, parts=_parts(entry.parts),
            **freeze.salt_fields(entry.bidder_credit_code, entry.version, salts),
        ),
    )  # fmt: skip


async def receipt_root(request: Request) -> Response:
    sub = services(request).submission()
    return Response(dump_pem_certificate(sub.signer.root), media_type="application/x-pem-file")


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag=TAG, **extra
    )


LOT = "/tenders/{tender_id}/lots/{lot}"
ROUTES = [
    _route("POST", f"{LOT}/uploads", create_upload, "Open a resumable upload of a sealed part",
           body=CreateUploadBody, response=UploadBody, status=201),
    _route("GET", "/uploads/{upload_id}", get_upload, "An upload's committed offset and status",
           response=UploadBody),
    _route("PUT", "/uploads/{upload_id}", put_chunk,
           "Append bytes at the committed offset (the last byte completes the part)",
           response=UploadBody, query=(("offset", int, "the committed offset"),),
           request_type="application/octet-stream"),
    _route("POST", f"{LOT}/bid", submit_bid, "Submit (or replace) a bid by a signed statement",
           body=StatementBody, response=ReceiptBody, status=201),
    _route("POST", f"{LOT}/bid/withdraw", withdraw_bid, "Withdraw a bid by a signed statement",
           body=StatementBody, response=ReceiptBody, status=201),
    _route("GET", f"{LOT}/bid", my_bid, "My bid in a lot with every version", response=BidBody),
    _route("GET", f"{LOT}/bid/receipts/{{version}}", my_receipt,
           "A version's receipt with a current checkpoint and inclusion proof",
           response=ReceiptBody),
    _route("GET", f"{LOT}/bid/receipts/{{version}}/pdf", my_receipt_pdf, "A receipt as PDF",
           content_type="application/pdf"),
    _route("GET", f"{LOT}/freeze-entry", my_freeze_entry, "My line of the lot's freeze list",
           response=FreezeEntryBody),
    _route("GET", "/receipts/ca.pem", receipt_root, "The root that receipts verify under",
           auth=False, content_type="application/x-pem-file"),
]  # fmt: skip
