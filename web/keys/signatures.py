"""GET /api/v1/me/signatures: every signature made with the caller's certificates (issue 12)."""

from __future__ import annotations

from datetime import UTC

from starlette.requests import Request

from accounts.keys import signatures
from web.accounts.bodies import Model
from web.auth import signed_in
from web.http import ApiRoute, query_int
from web.keys.routes import DeviceBody, device_body

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class SignatureSubject(Model, frozen=True, kw_only=True):
    type: str
    id: str


class SignatureEntry(Model, frozen=True, kw_only=True):
    at: str  # ISO 8601 in UTC with "+00:00", as the API's other times (docs/api-auth.md)
    purpose: str
    cert_sha256: str
    device: DeviceBody | None
    content_sha256: str
    subject: SignatureSubject


class SignatureList(Model, frozen=True, kw_only=True):
    items: list[SignatureEntry]
    next_cursor: str | None


def _limit(request: Request) -> int:
    # The platform's one reading of a number in the query (ASCII digits only: "²" is a
    # digit to str.isdigit, not to int); a repeated parameter counts as its last value,
    # as on every route (Starlette's query_params).
    if "limit" not in request.query_params:
        return DEFAULT_LIMIT
    return query_int(request, "limit", minimum=1, maximum=MAX_LIMIT)


async def get_my_signatures(request: Request) -> SignatureList:
    """The caller's signatures, newest first, a page at a time."""
    limit = _limit(request)
    cursor = request.query_params.get("cursor") or None
    async with signed_in(request) as (conn, actor):
        page = await signatures.list_signatures(conn, actor, cursor=cursor, limit=limit)
    return SignatureList(
        items=[
            SignatureEntry(
                at=s.at.astimezone(UTC).isoformat(),
                purpose=s.purpose,
                cert_sha256=s.cert_sha256,
                device=device_body(s.device),
                content_sha256=s.content_sha256,
                subject=SignatureSubject(type=s.subject_type, id=s.subject_id),
            )
            for s in page.items
        ],
        next_cursor=page.next_cursor,
    )


ROUTES = [
    ApiRoute(method="GET", path="/api/v1/me/signatures", handler=get_my_signatures, tag="auth",
             summary="Every signature made with my certificates, newest first",
             response=SignatureList,
             query=(("cursor", str, "next_cursor of the previous page; omit for the first", False),
                    ("limit", int, "page size, 1–200 (default 50)", False))),
]  # fmt: skip
