"""Pieces of the tender API shared with the tender pages, submission and opening:
path and query parsing, the optional actor, attachments, the route helper. (The use
cases' setup and the blob store are services: web/services.py.)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote
from uuid import UUID

import asyncpg
from starlette.requests import Request

from accounts.model import Actor
from tender.errors import LotNotFound, TenderNotFound
from web.auth import current_actor
from web.db.database import acquire
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler
from web.services import services

CENTRE_NAME = "宣城市公共资源交易中心"
MAX_LIMIT = 100


@contextlib.asynccontextmanager
async def maybe_signed_in(
    request: Request,
) -> AsyncIterator[tuple[asyncpg.Connection, Actor | None]]:
    """A connection and the actor if the request carries a session (public reads)."""
    async with acquire(services(request).pools.main) as conn:
        yield conn, await current_actor(request, conn)


def _uuid(request: Request, name: str, error: type[Exception]) -> UUID:
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise error(
            f"no such {name.removesuffix('_id')}: {request.path_params[name][:40]!r}"
        ) from None


def tender_id(request: Request) -> UUID:
    """The tender of the path; a malformed id is an unknown tender."""
    return _uuid(request, "tender_id", TenderNotFound)


def lot_number(request: Request) -> str:
    """The lot of the path: a number 1–99, else an unknown lot."""
    lot: str = request.path_params["lot"]
    if not (lot.isdigit() and 1 <= len(lot) <= 2):
        raise LotNotFound(f"the tender has no lot {lot[:10]!r}")
    return lot


def path_uuid(request: Request, name: str) -> UUID:
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise RequestInvalid(f"'{name}' must be a UUID", details={"param": name}) from None


def limit_param(request: Request, default: int = 20) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise RequestInvalid(f"'limit' is 1–{MAX_LIMIT}", details={"param": "limit"})
    return int(raw)


def attachment(name: str) -> str:
    """A Content-Disposition value for any file name (RFC 6266, RFC 5987)."""
    fallback = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    """An ApiRoute of the tenders tag under /api/v1."""
    return ApiRoute(
        method=method,
        path=f"/api/v1{path}",
        handler=handler,
        summary=summary,
        tag="tenders",
        **extra,
    )
