"""The OpenAPI document's own consistency: every reference defined, each operation's
success status the one its handler answers, path parameters with their formats."""

from __future__ import annotations

import json
import re
from typing import Any

from web.features import api_routes
from web.openapi.routes import build_document

REF = re.compile(r'"#/components/schemas/([^"]+)"')


def _document() -> dict[str, Any]:
    return build_document(api_routes())


def test_every_referenced_schema_is_defined() -> None:
    """Two models named AnswerBody (opening, draws) left one reference undefined."""
    doc = _document()
    referenced = set(REF.findall(json.dumps(doc)))
    assert referenced - set(doc["components"]["schemas"]) == set()
    answer = doc["paths"]["/api/v1/draws/{id}/answers"]["post"]["requestBody"]
    opening = "/api/v1/tenders/{tender_id}/lots/{lot}/opening/objections/{objection_id}/answer"
    other = doc["paths"][opening]["post"]["requestBody"]
    assert answer != other


def test_operations_that_create_are_documented_201() -> None:
    """Clarifications, POST /draws, the draw commit and a role-change proposal answer 201,
    and say so."""
    paths = _document()["paths"]
    for path, method in [
        ("/api/v1/tenders/{tender_id}/clarifications", "post"),
        ("/api/v1/draws", "post"),
        ("/api/v1/draws/{id}/commit", "post"),
        ("/api/v1/tenders", "post"),
        ("/api/v1/role-changes", "post"),
    ]:
        assert sorted(paths[path][method]["responses"]) == ["201", "default"], path
    removed = paths["/api/v1/experts/me/unavailability/{item}"]["delete"]["responses"]["204"]
    assert "content" not in removed


def test_path_parameters_have_formats() -> None:
    """Ids are UUIDs or pool ids, lots one or two digits; none is a bare string."""
    doc = _document()
    bare = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for param in operation["parameters"]:
                keys = set(param["schema"]) - {"type"}
                if param["in"] == "path" and not keys and param["name"] != "path":
                    bare.append(f"{method.upper()} {path} {param['name']}")
    assert bare == []
    tender = doc["paths"]["/api/v1/tenders/{tender_id}"]["get"]["parameters"][0]
    assert tender["schema"] == {"type": "string", "format": "uuid"}


def test_raw_bodies_and_answers_are_documented_with_their_own_media_types() -> None:
    """An upload's PUT sends octet-stream and answers JSON (the fuzzer found the answer
    documented as octet-stream); an opened bid file answers octet-stream, or PDF."""
    paths = _document()["paths"]
    put = paths["/api/v1/uploads/{upload_id}"]["put"]
    assert list(put["requestBody"]["content"]) == ["application/octet-stream"]
    assert list(put["responses"]["200"]["content"]) == ["application/json"]
    read = "/api/v1/tenders/{tender_id}/lots/{lot}/bids/{bid_id}/files/{part}/{path}"
    answers = paths[read]["get"]["responses"]["200"]["content"]
    assert sorted(answers) == ["application/octet-stream", "application/pdf"]
