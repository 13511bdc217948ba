"""The OpenAPI 3.1 document, generated from the route list and its msgspec models.

It must say what the server does (issue 9, item 14; tests/web/openapi/test_conformance.py
fuzzes every operation against it): each route's success status, every referenced
schema defined under the name msgspec gives it (two models of one name get their
module-qualified names), and each path parameter's format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Role
from supervision.statistics.model import CHARTS
from web.http import JSON_TYPE, ApiRoute, ErrorBody, json_response

PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?}")
REF_TEMPLATE = "#/components/schemas/{name}"
_QUERY_TYPES = {int: "integer", str: "string", bool: "boolean"}

_UUID = {"type": "string", "format": "uuid"}
# expert_pool.model.ID_PATTERN: expert, draw and venue ids.
_POOL_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
# Path parameters by name; "id" depends on the collection (below).
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "tender_id": _UUID,
    "version_id": _UUID,
    "objection_id": _UUID,
    "bond_id": _UUID,
    "upload_id": _UUID,
    "bid_id": _UUID,
    "item": _UUID,
    "session_id": _UUID,
    "user_id": _UUID,
    "clarification_id": _UUID,
    "suspension_id": _UUID,
    "complaint_id": _UUID,
    "seq": {"type": "string", "pattern": "^[0-9]{1,4}$"},  # a complaint's step (0: filing)
    "entry_id": _UUID,  # issue 14: credit (docs/api-credit.md)
    "appeal_id": _UUID,
    "alert_id": _UUID,
    "record_id": _UUID,  # a supervision record's
    "listing_id": _UUID,  # issue 18: listings (docs/api-listing.md)
    "registration_id": _UUID,
    "venue_id": _POOL_ID,
    "lot": {"type": "string", "pattern": "^[0-9]{1,2}$"},
    "version": {"type": "string", "pattern": "^[0-9]{1,8}$"},
    "number": {"type": "string", "pattern": "^[0-9]{1,6}$"},  # an archive supplement's
    "part_id": {"type": "string", "pattern": "^[0-9]{1,2}[.][0-9a-fA-F-]{36}[.][a-z]+$"},
    "part": {"type": "string", "enum": ["main", "technical", "commercial"]},
    "role": {"type": "string", "enum": sorted(str(r) for r in Role)},
    "organisation_id": _UUID,  # issue 14: an agency's record
    "inspection_id": _UUID,
    "chart": {"type": "string", "enum": list(CHARTS)},  # docs/statistics.md
    "rule": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},  # a monitoring rule's name
    "round": {"type": "string", "pattern": "^[1-9][0-9]?$"},  # a negotiation round (issue 18)
    "channel": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"},  # a notification channel
    "auction_id": {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"},  # docs/formats/auction.md
    "bid": {"type": "string", "pattern": "^[1-9][0-9]{0,8}$"},  # an auction bid's number
}
ID_SCHEMAS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/api/v1/users/", _UUID),
    ("/api/v1/organisations/", _UUID),
    ("/api/v1/", _POOL_ID),  # experts, draws, venues
)


def path_schema(path: str, name: str) -> dict[str, Any]:
    """The schema of one path parameter of ``path``."""
    if name == "id":
        return next(schema for prefix, schema in ID_SCHEMAS if path.startswith(prefix))
    return PATH_SCHEMAS.get(name, {"type": "string"})


def build_document(api: Sequence[ApiRoute], version: str = "0.1.0") -> dict[str, Any]:
    """OpenAPI 3.1 for the given routes; schemas come from the models, never by hand."""
    models: set[type] = {ErrorBody}
    for route in api:
        models.update(t for t in (route.body, route.response) if t is not None)
    ordered = sorted(models, key=lambda t: (t.__name__, t.__module__))
    refs, components = msgspec.json.schema_components(ordered, ref_template=REF_TEMPLATE)
    ref = dict(zip(ordered, refs, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for route in api:
        path = PATH_PARAM.sub(r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route, ref)
    return {
        "openapi": "3.1.0",
        "info": {"title": "etender API", "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "etender_session"},
            },
        },
    }


_DESCRIPTIONS = {200: "OK", 201: "Created", 204: "No Content"}


def _operation(route: ApiRoute, ref: dict[type, Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": _DESCRIPTIONS.get(route.status, "OK")}
    if route.status == 204:
        pass  # no body (RFC 9110 §15.3.5)
    elif route.response is not None:
        ok["content"] = {route.content_type: {"schema": ref[route.response]}}
    elif route.content_type != JSON_TYPE:
        ok["content"] = {
            media: {"schema": {"type": "string"}}
            for media in (route.content_type, *route.other_content_types)
        }
    error = {"description": "Error", "content": {JSON_TYPE: {"schema": ref[ErrorBody]}}}
    op: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "tags": [route.tag],
        "responses": {str(route.status): ok, "default": error},
        "parameters": [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": path_schema(route.path, name),
            }
            for name in PATH_PARAM.findall(route.path)
        ]
        + [
            {
                "name": param[0],
                "in": "query",
                "required": param[3] if len(param) > 3 else True,
                "description": param[2],
                "schema": {"type": _QUERY_TYPES.get(param[1], "string")},
            }
            for param in route.query
        ],
    }
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {JSON_TYPE: {"schema": ref[route.body]}},
        }
    elif route.request_type is not None:
        binary = {"type": "string", "contentMediaType": route.request_type}
        op["requestBody"] = {"required": True, "content": {route.request_type: {"schema": binary}}}
    op["security"] = [{"bearer": []}, {"cookie": []}] if route.auth else []
    return op


def routes(api: Callable[[], Sequence[ApiRoute]]) -> list[BaseRoute]:
    """The route that serves the document (built once, on first request)."""
    cache: dict[str, Response] = {}

    async def openapi(request: Request) -> Response:
        if "doc" not in cache:
            cache["doc"] = json_response(build_document(api()))
        return cache["doc"]

    return [Route("/api/v1/openapi.json", openapi, methods=["GET"])]
