"""``GET /api/v1/scripts``: the scripts served, with the SHA-256 the log published;
``GET /api/v1/scripts/pages``: the manifest of the pages' own scripts (its exact bytes)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.accounts.bodies import Model
from web.http import ApiRoute
from web.jsbundle import BUNDLES, PAGE_MANIFEST, PAGES_URL


class ScriptItem(Model, frozen=True, kw_only=True):
    name: str
    version: str
    url: str
    sha256: str  # lowercase hex of the served bytes: `curl -s URL | sha256sum`


class ScriptList(Model, frozen=True, kw_only=True):
    items: list[ScriptItem]


async def get_scripts(request: Request) -> ScriptList:
    return ScriptList(items=[ScriptItem(**bundle.api_item()) for bundle in BUNDLES])


async def get_page_scripts(request: Request) -> Response:
    # The exact bytes whose SHA-256 is the `etender-pages` item: `curl -s | sha256sum`.
    return Response(PAGE_MANIFEST, media_type="application/json")


ROUTES = [
    ApiRoute(
        method="GET",
        path="/api/v1/scripts",
        handler=get_scripts,
        tag="operations",
        summary="The signing scripts served and their SHA-256 (compare with the log)",
        response=ScriptList,
        auth=False,
    ),
    ApiRoute(
        method="GET",
        path=PAGES_URL,
        handler=get_page_scripts,
        tag="operations",
        summary="The pages' own scripts and their SHA-256 (RFC 8785 JSON, its hash logged)",
        auth=False,
    ),
]
