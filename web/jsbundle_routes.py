"""``GET /api/v1/scripts``: the scripts served, with the SHA-256 the log published."""

from __future__ import annotations

from starlette.requests import Request

from web.accounts.bodies import Model
from web.http import ApiRoute
from web.jsbundle import BUNDLES


class ScriptItem(Model, frozen=True, kw_only=True):
    name: str
    version: str
    url: str
    sha256: str  # lowercase hex of the served bytes: `curl -s URL | sha256sum`


class ScriptList(Model, frozen=True, kw_only=True):
    items: list[ScriptItem]


async def get_scripts(request: Request) -> ScriptList:
    return ScriptList(items=[ScriptItem(**bundle.api_item()) for bundle in BUNDLES])


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
]
