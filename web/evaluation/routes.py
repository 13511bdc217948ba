"""JSON API of the opened bid files (docs/api-evaluation.md): the lot's list, and one
file's bytes — for the lot's evaluation committee and the tender's supervisors only.

The files are where the opening put them: its ``Opening.output_root``, taken from the
same composition (web/services.py, ``Services.opening``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import StreamingResponse

from evaluation.bid_files import service as bid_files
from evaluation.bid_files.model import BidFileEntry
from tender.blobs.store import BlobStore
from tender.service import get_tender
from web.auth import signed_in
from web.http import ApiRoute, Handler
from web.services import services
from web.tender.common import attachment, lot_number, path_uuid, tender_id

TAG = "evaluation"


class BidFileBody(msgspec.Struct, frozen=True, kw_only=True):
    """One file of an opened part, as its signed manifest lists it."""

    bid_id: str
    bidder: str
    part: str
    path: str
    size: int
    sha256: str


class BidFileList(msgspec.Struct, frozen=True, kw_only=True):
    """Every file of the lot's opened parts, by bidder, part and manifest order."""

    items: list[BidFileBody]


def _body(entry: BidFileEntry) -> BidFileBody:
    return BidFileBody(
        bid_id=str(entry.bid_id),
        bidder=entry.bidder,
        part=entry.part,
        path=entry.path,
        size=entry.size,
        sha256=entry.sha256,
    )


def _output_root(request: Request) -> Path:
    """Where the opening writes decrypted parts (the one composition decides it)."""
    return services(request).opening().output_root


def _blobs(request: Request) -> BlobStore:
    """The frozen ciphertexts a missing or damaged opened part is re-derived from."""
    return services(request).opening().store


async def list_bid_files(request: Request) -> BidFileList:
    which, lot = tender_id(request), lot_number(request)
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)  # issue 9, item 15: a hidden draft is not found
        found = await bid_files.list_bid_files(
            conn, actor, which, lot, output_root=_output_root(request), blobs=_blobs(request)
        )
    return BidFileList(items=[_body(entry) for entry in found])


async def read_bid_file(request: Request) -> StreamingResponse:
    which, lot = tender_id(request), lot_number(request)
    bid = path_uuid(request, "bid_id")
    part: str = request.path_params["part"]
    path: str = request.path_params["path"]
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, which)
        opened = await bid_files.open_bid_file(
            conn, actor, which, lot, bid, part, path,
            output_root=_output_root(request), blobs=_blobs(request),
        )  # fmt: skip
    entry = opened.entry
    media_type, delivery = file_delivery(entry.path.rsplit("/", 1)[-1])
    headers = {
        "Content-Length": str(entry.size),
        **delivery,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Content-SHA256": entry.sha256,
        "X-Log-Index": str(opened.log_index),
    }
    return StreamingResponse(bid_files.read_chunks(opened), media_type=media_type, headers=headers)


def file_delivery(name: str) -> tuple[str, dict[str, str]]:
    """The media type and headers a bid file is served with, by its name.

    The scoring room shows a PDF in a frame of its own page (issue 12): inline, framed
    by this origin only. Anything else stays an attachment of no type, never rendered.
    """
    disposition = attachment(name)
    if not name.lower().endswith(".pdf"):
        return "application/octet-stream", {"Content-Disposition": disposition}
    return "application/pdf", {
        "Content-Disposition": "inline" + disposition.removeprefix("attachment"),
        "Content-Security-Policy": "frame-ancestors 'self'",
        "X-Frame-Options": "SAMEORIGIN",
    }


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag=TAG, **extra
    )


L = "/tenders/{tender_id}/lots/{lot}"
ROUTES = [
    _route("GET", f"{L}/bid-files", list_bid_files,
           "The opened parts' files of a lot (evaluation committee and supervisors)",
           response=BidFileList),
    _route("GET", f"{L}/bids/{{bid_id}}/files/{{part}}/{{path:path}}", read_bid_file,
           "One opened bid file's bytes; every read is logged (evaluation.bid_file_read)",
           content_type="application/octet-stream", other_content_types=("application/pdf",)),
]  # fmt: skip
