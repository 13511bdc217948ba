"""The one route list: every HTTP and WebSocket route of the application."""

from __future__ import annotations

from starlette.routing import BaseRoute

from web import pages
from web.http import ApiRoute
from web.live import endpoint as live
from web.routes import accounts, bids, expert_pool, health, keys, log, openapi, tenders
from web.routes import bid_files as bid_file_routes
from web.routes import opening as opening_routes


def api_routes() -> list[ApiRoute]:
    """Every typed JSON route, in the order the OpenAPI document lists them."""
    return [
        *health.ROUTES,
        *accounts.ROUTES,
        *keys.ROUTES,
        *log.ROUTES,
        *expert_pool.ROUTES,
        *tenders.ROUTES,
        *bids.ROUTES,
        *opening_routes.ROUTES,
        *bid_file_routes.ROUTES,
    ]


def all_routes() -> list[BaseRoute]:
    """Starlette routes: the JSON API, the OpenAPI document, then pages."""
    return [
        *(route.to_starlette() for route in api_routes()),
        *openapi.routes(api_routes),
        *live.ROUTES,
        *pages.routes(),
        *expert_pool.page_routes(),
        *tenders.page_routes(),
        *opening_routes.page_routes(),
    ]
