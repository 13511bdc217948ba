"""The audit administrator's log browser (issue 15, item 3; docs/audit-log.md §8).

``/audit/log`` — the entries, newest first, decoded as the log holds them, searched by
kind, tender and Beijing days; ``/audit/log/{index}`` — one entry, its exact bytes,
and its inclusion proof verified in the browser (web/static/js/auditlog.js) against
the newest checkpoint, whose signatures the browser verifies too;
``/audit/checkpoints`` — the checkpoints with the log's signature and every witness's
cosignature verified, and each one's consistency with the older one checked in the
browser (web/static/js/auditlog-checkpoints.js); ``/audit/witnesses`` — the registered witnesses.

Who: reading the log is the audit administrator's (三员分立, docs/audit-log.md §6); the
checkpoints and witnesses, which are public facts, also the witnesses themselves.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from audit import browse, browse_service
from audit.errors import CheckpointMissing, LogFilterInvalid
from signing.log.errors import ProofRangeInvalid
from signing.log.note import NamedEd25519Key
from web import i18n, pages
from web.audit import i18n as texts
from web.db.database import acquire
from web.errormap import status_for
from web.services import services

LOG_READERS = frozenset({Role.AUDIT_ADMIN})
CHECKPOINT_READERS = frozenset({Role.AUDIT_ADMIN, Role.WITNESS})
PageHandler = Callable[[Request], Awaitable[Response]]


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    actor: Actor | None = context.get("actor")
    roles = {str(r) for r in actor.roles} if actor is not None else set()
    lang = i18n.negotiate(request)
    return pages.render(
        request, f"audit/{template}", texts.translate,
        {"roles": roles, "why": lambda code: texts.why(lang, code), **context}, status=status,
    )  # fmt: skip


def _refused(request: Request, actor: Actor, key: str) -> HTMLResponse:
    message = texts.translate(i18n.negotiate(request), key)
    return _render(request, "refused.html", 403, actor=actor, message=message)


Body = Callable[[Request, asyncpg.Connection, Actor], Awaitable[Response]]


def _page(readers: frozenset[Role], refusal: str) -> Callable[[Body], PageHandler]:
    """A page for ``readers``: no session → /login (303); another role → 403."""

    def wrap(body: Body) -> PageHandler:
        async def handler(request: Request) -> Response:
            async with acquire(services(request).pools.main) as conn:
                actor = await pages.signed_in(request, conn)
                if actor is None:
                    return RedirectResponse("/login", status_code=303)
                if not any(actor.has_role(role) for role in readers):
                    return _refused(request, actor, refusal)
                return await body(request, conn, actor)

        handler.__doc__ = body.__doc__
        return handler

    return wrap


def _invalid(request: Request, refused: LogFilterInvalid) -> str:
    return texts.filter_message(i18n.negotiate(request), refused.details)


@_page(LOG_READERS, "al.refused")
async def log_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    """The search and its page of entries (the audit administrator only)."""
    kinds = await browse_service.kinds(conn)
    try:
        # "Go to entry #": a receipt names its log index (docs/audit-log.md §6.1 step 4).
        jump = browse.parse_position(request.query_params.get("entry", "").strip(), "entry")
        if jump is not None:
            return RedirectResponse(f"/audit/log/{jump}", status_code=303)
        wanted = browse.parse_filter(dict(request.query_params))
        before = browse.parse_position(request.query_params.get("before", ""), "before")
    except LogFilterInvalid as refused:
        return _render(request, "log.html", status_for(refused), actor=actor, kinds=kinds,
                       found=None, error=_invalid(request, refused),
                       form=dict(request.query_params))  # fmt: skip
    found = await browse_service.search(conn, wanted, before)
    return _render(request, "log.html", actor=actor, kinds=kinds, found=found, error=None,
                   form=wanted.query(), window=browse.SCAN_WINDOW, before=before)  # fmt: skip


@_page(LOG_READERS, "al.refused")
async def entry_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    """One entry and its in-browser inclusion proof (the audit administrator only)."""
    lang = i18n.negotiate(request)
    try:
        # The route's segment is never empty, so a position is always parsed.
        index = browse.parse_position(request.path_params["index"], "index") or 0
        leaf = await browse_service.entry(conn, index)
        wanted = browse.parse_position(request.query_params.get("checkpoint", ""), "checkpoint")
        target = await browse_service.proof_target(conn, index, wanted)
    except LogFilterInvalid as refused:
        return _render(request, "refused.html", status_for(refused), actor=actor,
                       message=_invalid(request, refused), code=refused.code)  # fmt: skip
    # An index (or a checkpoint) the log does not hold is a page that does not exist.
    except ProofRangeInvalid as refused:
        message = texts.translate(lang, "al.err.no_entry", index=request.path_params["index"])
        return _render(request, "refused.html", 404, actor=actor, message=message,
                       code=refused.code)  # fmt: skip
    except CheckpointMissing as refused:
        message = texts.translate(lang, "al.err.no_checkpoint")
        return _render(request, "refused.html", 404, actor=actor, message=message,
                       code=refused.code)  # fmt: skip
    witnesses = await browse_service.witnesses(conn)
    log_key: NamedEd25519Key = services(request).log_identity.signer.verifier()
    return _render(
        request, "entry.html", actor=actor, leaf=leaf, log_vkey=log_key.to_vkey(), target=target,
        entry_b64=base64.b64encode(leaf.raw).decode(),
        witness_vkeys=json.dumps([w.vkey for w in witnesses]),
        verifier_texts=texts.verifier_texts(lang),
    )  # fmt: skip


@_page(CHECKPOINT_READERS, "al.refused.checkpoints")
async def checkpoints_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    """The checkpoints, verified (the audit administrator and witnesses)."""
    try:
        below = browse.parse_position(request.query_params.get("below", ""), "below")
    except LogFilterInvalid as refused:
        return _render(request, "refused.html", status_for(refused), actor=actor,
                       message=_invalid(request, refused), code=refused.code)  # fmt: skip
    log_key = services(request).log_identity.signer.verifier()
    shown = await browse_service.checkpoints(conn, log_key, below)
    older = shown[-1].size if len(shown) == browse.PAGE_SIZE else None
    return _render(request, "checkpoints.html", actor=actor, checkpoints=shown, older=older,
                   log_vkey=log_key.to_vkey(),
                   verifier_texts=texts.verifier_texts(i18n.negotiate(request)))  # fmt: skip


@_page(CHECKPOINT_READERS, "al.refused.checkpoints")
async def witnesses_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    """The registered witnesses (the audit administrator and witnesses)."""
    shown = await browse_service.witnesses(conn)
    newest = await browse_service.newest_checkpoint_size(conn)
    return _render(request, "witnesses.html", actor=actor, witnesses=shown, newest=newest)


def routes() -> list[BaseRoute]:
    """The log browser's pages."""
    return [
        Route("/audit/log", log_page, methods=["GET"]),
        Route("/audit/log/{index}", entry_page, methods=["GET"]),
        Route("/audit/checkpoints", checkpoints_page, methods=["GET"]),
        Route("/audit/witnesses", witnesses_page, methods=["GET"]),
    ]
