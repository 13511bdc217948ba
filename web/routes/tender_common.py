"""Composition pieces of the tender API, shared with the tender pages and the later
submission and opening work: the use cases' setup (policies from settings, the holiday
calendar, the platform's trust store as of each use) and the blob store
(``<data dir>/blobs``), both built once per application; path and query parsing.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote
from uuid import UUID

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request

from accounts.model import Actor
from tender.blobs.store import LocalBlobStore
from tender.calendar import HOLIDAY_DIR, load_calendar
from tender.errors import LotNotFound, TenderNotFound
from tender.policy import platform_policies
from tender.setup import Setup
from web.auth import current_actor
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler
from web.trust import platform_trust

CENTRE_NAME = "宣城市公共资源交易中心"
MAX_LIMIT = 100


def tender_setup(app: Starlette) -> Setup:
    """Policies (settings) and calendar (shipped + data dir), built once; the trust store
    as of now (the platform's one store, web/trust.py)."""
    cached: Setup | None = getattr(app.state, "tender_setup", None)
    if cached is None:
        settings = app.state.settings
        cached = Setup(
            policies=platform_policies(settings.policy_overrides),
            calendar=load_calendar([HOLIDAY_DIR, settings.data_dir / "holidays"]),
        )
        app.state.tender_setup = cached
    return dataclasses.replace(cached, trust=platform_trust(app).current())


def blob_store(app: Starlette) -> LocalBlobStore:
    """The blob store in ``<data dir>/blobs`` (documents now, bid ciphertexts later)."""
    store: LocalBlobStore | None = getattr(app.state, "tender_blobs", None)
    if store is None:
        store = LocalBlobStore(app.state.settings.data_dir / "blobs")
        app.state.tender_blobs = store
    return store


@contextlib.asynccontextmanager
async def maybe_signed_in(
    request: Request,
) -> AsyncIterator[tuple[asyncpg.Connection, Actor | None]]:
    """A connection and the actor if the request carries a session (public reads)."""
    async with request.app.state.pool.acquire() as conn:
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
