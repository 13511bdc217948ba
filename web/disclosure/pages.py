"""Public pages of the disclosure: one tender's facts stage by stage, and the home
page's lists of current notices and results (DOMAIN.md, "Results and disclosure").

The page shows exactly what the disclosure API returns (tender/disclosure/public.py),
so a stage that is not public yet shows as such on both. No script; Chinese first.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tender.disclosure import service
from tender.disclosure.facts import Listed
from tender.disclosure.public import public_facts
from tender.disclosure.stages import StageTender, stage_tenders
from tender.errors import TenderNotFound
from tender.queries import database_now
from web import pages
from web.db.database import acquire
from web.disclosure import i18n as texts
from web.disclosure.stage_links import stage_path
from web.pdf.tender_notice import yuan
from web.services import services

ENV = pages.environment()
ENV.filters["yuan"] = yuan
ENV.filters["when"] = ENV.filters["beijing"]  # the facts' JSON times, in the page's language


def _listed(x: Listed) -> dict[str, Any]:
    return {
        "id": str(x.id),
        "code": x.code,
        "title": x.title,
        "stage": x.stage,
        "at": x.at,  # shown with the beijing filter, in the page's language
        "deadline": x.deadline,
    }


def _staged(x: StageTender) -> dict[str, Any]:
    return {
        "stage": x.stage,
        "id": str(x.id),
        "code": x.code,
        "title": x.title,
        "deadline": x.deadline,  # shown through the page's ``beijing`` filter
        "href": stage_path(x.stage, x.id),
    }


async def home_lists(conn: asyncpg.Connection) -> dict[str, list[dict[str, Any]]]:
    """The home page's current notices, recent results and a tender at each stage
    (public now)."""
    now = await database_now(conn)
    notices, results = await service.home_lists(conn, now)
    return {
        "notices": [_listed(x) for x in notices],
        "results": [_listed(x) for x in results],
        "stages": [_staged(x) for x in await stage_tenders(conn, now)],
    }


def _tender_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["tender_id"])
    except ValueError:
        raise TenderNotFound("no tender has this id") from None


async def disclosure_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        try:
            found = await service.load_disclosure(
                conn,
                _tender_id(request),
                await database_now(conn),
                contracts=services(request).contract_facts,
                methods=services(request).method_facts,
            )
        except TenderNotFound:
            context: dict[str, Any] = {"actor": actor, "facts": None}
            return pages.render(
                request, "disclosure/tender.html", texts.translate, context, status=404, env=ENV
            )
    context = {"actor": actor, "facts": public_facts(found)}  # the disclosure API's body
    return pages.render(request, "disclosure/tender.html", texts.translate, context, env=ENV)


def routes() -> list[BaseRoute]:
    """The disclosure's pages."""
    return [Route("/tenders/{tender_id}/disclosure", disclosure_page, methods=["GET"])]
