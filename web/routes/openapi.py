"""The OpenAPI 3.1 document, generated from the route list and its msgspec models."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web.http import JSON_TYPE, ApiRoute, ErrorBody, json_response

PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?}")
REF_TEMPLATE = "#/components/schemas/{name}"
_QUERY_TYPES = {int: "integer", str: "string", bool: "boolean"}


def build_document(api: Sequence[ApiRoute], version: str = "0.1.0") -> dict[str, Any]:
    """OpenAPI 3.1 for the given routes; schemas come from the models, never by hand."""
    models: set[type] = {ErrorBody}
    for route in api:
        models.update(t for t in (route.body, route.response) if t is not None)
    ordered = sorted(models, key=lambda t: t.__name__)
    _, components = msgspec.json.schema_components(ordered, ref_template=REF_TEMPLATE)
    paths: dict[str, dict[str, Any]] = {}
    for route in api:
        path = PATH_PARAM.sub(r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route)
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


def _ref(model: type) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(name=model.__name__)}


def _operation(route: ApiRoute) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if route.response is not None:
        ok["content"] = {route.content_type: {"schema": _ref(route.response)}}
    elif route.content_type != JSON_TYPE:
        ok["content"] = {route.content_type: {"schema": {"type": "string"}}}
    error = {"description": "Error", "content": {JSON_TYPE: {"schema": _ref(ErrorBody)}}}
    op: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "tags": [route.tag],
        "responses": {"200": ok, "default": error},
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
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
            "content": {JSON_TYPE: {"schema": _ref(route.body)}},
        }
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
