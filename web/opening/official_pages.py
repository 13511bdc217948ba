"""The opening official's page (开标密钥保管人): the lots it serves, each lot's hall, and
the exact ``etender opening release`` line to run for each.

Issue 15, item 2: an official releases its shares only with the command line on its
own machine. Its age identity holds a share for every committee it sits on, so no
page the operator serves may ask for it or read it: a page's script runs whatever the
server sends (DESIGN.md, "Trust model": the server never holds a private key). This
page therefore shows and copies text only; its script (web/static/js/admin-copy.js)
touches nothing but the clipboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from signing.errors import EtenderError
from tender.committee import service as committees
from tender.committee.served import IDENTITY_FILE, release_command
from web import i18n, pages
from web.db.database import acquire
from web.errormap import status_for
from web.services import services

# (zh-CN, English); everything else comes from web/i18n.py.
STRINGS: Mapping[str, tuple[str, str]] = {
    "of.title": ("开标密钥保管", "Opening key holder"),
    "of.why": (
        "释放密钥份额只能在您自己的电脑上用命令行完成：您的 age 身份文件为您所在的每个开标"
        "委员会保管份额，本平台的任何页面都不会读取它，服务器也从不持有它。",
        "You release your key shares only with the command line on your own computer: "
        "your age identity file holds a share for every opening committee you sit on, so "
        "no page of this platform reads it and the server never holds it.",
    ),
    "of.steps": (
        "开标时间过后：1. 用 POST /api/v1/auth/login 取得令牌，放入环境变量 ETENDER_TOKEN；"
        "2. 把下面的命令中的 {identity} 换成您的身份文件路径，运行它。命令会先核对冻结清单"
        "与您本机的时钟，再解开份额。",
        "After the opening time: 1. get a token from POST /api/v1/auth/login and put it in "
        "the environment variable ETENDER_TOKEN; 2. run the command below with {identity} "
        "replaced by the path of your identity file. It checks the freeze list and your "
        "own clock before it unwraps anything.",
    ),
    "of.none": ("您目前不在任何开标委员会中。", "You sit on no opening committee yet."),
    "of.tender": ("项目", "Tender"),
    "of.lot": ("标段", "Lot"),
    "of.seat": ("席位", "Seat"),
    "of.seat_of": ("第 {x} 席，共 {n} 席，{k} 席即可开标", "Seat {x} of {n}; {k} open the bids"),
    "of.deadline": ("开标时间", "Opening time"),
    "of.committee": ("委员会", "Committee"),
    "of.committee.pending": ("待监督部门批准", "Awaiting the department's approval"),
    "of.committee.approved": ("已批准", "Approved"),
    "of.committee.frozen": ("已冻结（已有投标）", "Frozen (bids sealed to it)"),
    "of.released": ("已释放份额", "Shares released"),
    "of.hall": ("开标大厅", "Opening hall"),
    "of.command": ("释放命令", "Release command"),
    "of.copy": ("复制命令", "Copy the command"),
    "of.copied": ("已复制", "Copied"),
}


def translate(lang: str, key: str, **params: Any) -> str:
    """This page's strings, else the site's."""
    entry = STRINGS.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[0] if lang == "zh-CN" else entry[1]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in STRINGS or i18n.has(key)


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return pages.render(request, f"opening/{template}", translate, context, status=status)


async def official_page(request: Request) -> Response:
    """The official's seats, halls and release commands; others are refused (403)."""
    server = services(request).settings.public_url
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            served = await committees.served_lots(conn, actor)
        except EtenderError as refused:
            return _render(request, "official_error.html", status_for(refused), actor=actor,
                           code=refused.code)  # fmt: skip
    commands = {(s.tender_id, s.lot): release_command(server, s.tender_id, s.lot) for s in served}
    return _render(
        request, "official.html", actor=actor, served=served, commands=commands,
        identity=IDENTITY_FILE,
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    """The opening official's page."""
    return [Route("/opening/official", official_page, methods=["GET"])]
