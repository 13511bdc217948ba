"""The opening hall page (开标大厅): a live view of one lot's opening over a WebSocket.

The page itself is static HTML; /opening/hall.js opens the live session of
docs/formats/opening.md §6 with the browser's session cookie (same origin), asks for
the hall's status, and renders each event: the countdown to the deadline by the
server's clock, every part's decryption status, the bond check, and — only once every
bid of the lot has opened or failed — the announced record with prices. Chinese
first, English through the site's switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from tender.errors import TenderError, TenderNotFound
from tender.model import Tender
from tender.opening import session as live_opening
from tender.service import get_tender
from web import i18n, pages
from web.db.database import acquire
from web.errormap import status_for
from web.services import services

HALL_JS = Path(__file__).parents[1] / "templates" / "opening" / "hall.js"

# (zh-CN, English); everything else comes from web/i18n.py.
STRINGS: Mapping[str, tuple[str, str]] = {
    "op.title": ("开标大厅", "Opening hall"),
    "op.lot": ("标段", "Lot"),
    "op.deadline": ("开标时间", "Opening time"),
    "op.countdown": ("距开标", "Time to opening"),
    "op.connection": ("连接状态", "Connection"),
    "op.bids": ("投标文件解密状态", "Decryption status of each bid"),
    "op.bidder": ("投标人", "Bidder"),
    "op.part": ("部分", "Part"),
    "op.outcome": ("状态", "Status"),
    "op.cause": ("原因", "Cause"),
    "op.no_bids_yet": ("开标前不公开投标人。", "Bidders are not shown before the opening."),
    "op.record": ("开标记录（唱标）", "Opening record (announced)"),
    "op.no_price": (
        "全部投标文件解密完成或失败前不显示报价。",
        "No price is shown before every bid has opened or failed.",
    ),
    "op.price": ("投标报价", "Price"),
    "op.bonds": ("保证金核验", "Bond check"),
    "op.bond_check": ("核验保证金", "Check bonds"),
    "op.advance": ("推进开标", "Advance the opening"),
    "op.host": ("主持人操作", "Host actions"),
    "op.record_json": ("开标记录 JSON 与签名", "Record JSON and signature"),
}


def translate(lang: str, key: str) -> str:
    """This page's strings, else the site's."""
    entry = STRINGS.get(key)
    if entry is None:
        return i18n.translate(lang, key)
    return entry[0] if lang == "zh-CN" else entry[1]


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return pages.render(
        request, f"opening/{template}", lambda lang, key: translate(lang, key), context,
        status=status,
    )  # fmt: skip


async def hall_of(
    conn: asyncpg.Connection, request: Request, actor: Actor
) -> tuple[Tender, str, UUID]:
    """The path's tender, lot and the hall's live session id; a malformed id is an
    unknown tender (the hall page and the supervisor's observer view of the opening).
    A draft the actor may not read is an unknown tender too, never an unknown lot: the
    hall must not say that the id exists (docs/api-tenders.md, Permissions)."""
    try:
        tender_id = UUID(request.path_params["tender_id"])
    except ValueError:
        raise TenderNotFound("no such tender") from None
    lot = request.path_params["lot"]
    tender = await get_tender(conn, actor, tender_id)
    return tender, lot, await live_opening.hall_session(conn, tender_id, lot)


async def hall_page(request: Request) -> Response:
    """The hall of one lot; signing in is required (attendance is recorded)."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            tender, lot, session = await hall_of(conn, request, actor)
        except TenderError as refused:
            return _render(request, "error.html", status_for(refused), actor=actor,
                           code=refused.code)  # fmt: skip
    return _render(
        request,
        "hall.html",
        actor=actor,
        tender=tender,
        lot=lot,
        session_id=str(session),
        host=actor.has_role(Role.CENTRE_STAFF),
    )


async def hall_js(request: Request) -> Response:
    """The hall's client script (no inline script: the CSP forbids it)."""
    return Response(
        HALL_JS.read_text(encoding="utf-8"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[BaseRoute]:
    """The opening pages."""
    return [
        Route("/tenders/{tender_id}/lots/{lot}/opening-hall", hall_page, methods=["GET"]),
        Route("/opening/hall.js", hall_js, methods=["GET"]),
    ]
