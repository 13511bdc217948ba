"""The auction room page (issue 18, item 5): a shell whose script (web/static/js/auction.js)
speaks the live session (docs/formats/auction.md) with the bidder's session cookie and
signs each bid in the browser with the signing bundle (web/jsbundle.py), as the scoring
room signs its sheets. The route decides only whether to serve the shell — a bidder of
the auction or centre staff — and checks nothing the socket does not check again."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from listing.auction import service as auctions
from listing.auction.errors import AuctionNotFound
from signing.errors import EtenderError
from web import i18n, jsbundle, pages
from web.auction import i18n as texts
from web.errormap import status_for

_render = pages.feature_renderer("auction", texts, {})


def _refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    return _render(
        request, "error.html", status_for(error), actor=actor, code=error.code,
        back=pages.back_link(request, "/home"),
    )  # fmt: skip


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _auction_id(request: Request) -> int:
    raw = request.path_params["auction_id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18 or raw[0] == "0":
        raise AuctionNotFound("no such auction")
    return int(raw)


@pages.signed_in_page(_refused)
async def room_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    """The room for a bidder of the auction or centre staff; anyone else 404."""
    view = await auctions.view(conn, actor, _auction_id(request))
    lang = i18n.negotiate(request)
    return _render(
        request, "room.html", actor=actor, **jsbundle.template_context(),
        auction_id=view["auction"], session_id=view["live_session"],
        user_id=str(actor.user_id), texts_json=_json(texts.script_texts(lang)),
        number=(view["you"] or {}).get("number", ""),
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    """The auction room."""
    return [Route("/auctions/{auction_id}", room_page, methods=["GET"])]
