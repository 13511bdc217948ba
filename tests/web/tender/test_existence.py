"""No existence leaks: for whoever may not read a draft, every tender operation answers
the draft's id exactly as it answers an id that was never issued (issue 9, item 15).

The table is the route list itself, so an operation added later is covered too.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import pytest

from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)
from web.features import api_routes

UNKNOWN = str(uuid.UUID(int=42))
OTHER = str(uuid.UUID(int=43))
TENDER_ROUTES = sorted(
    {(r.method, r.path) for r in api_routes() if "{tender_id}" in r.path}, key=str
)


KEY = "AAAAAAAAAAAAAAAAAAAAAA=="
# Bodies of the right shape, so that a POST gets past parsing to the tender (a body
# refused by its shape is refused alike for both ids, and would prove nothing).
BODIES: dict[str, dict[str, object]] = {
    "/uploads": {"part": "main", "size": 10, "sha256": "0" * 64},
    "/bid": {"statement": KEY, "signature": KEY},
    "/bid/withdraw": {"statement": KEY, "signature": KEY},
    "/opening/self-key": {"part": "main", "file_key": KEY},
    "/opening/confirm": {"signature": KEY},
    "/opening/objections": {"text": "异议"},
    "/answer": {"answer": "答复"},
    "/opening/shares": {"lot": "1", "releases": []},
    "/clarifications": {"kind": "clarification", "title": "澄清", "body": "正文"},
    "/objections": {"text": "异议"},
    "/committee/approve": {"roster_sha256": "0" * 64},
    "/refund": {"reference": "回单"},
}


def _body(method: str, path: str) -> bytes | None:
    if method == "GET":
        return None
    found = [body for suffix, body in BODIES.items() if path.endswith(suffix)]
    return json.dumps(found[-1] if found else {}).encode()


def _url(path: str, tender: str) -> str:
    url = path.replace("{tender_id}", tender).replace("{lot}", "1")
    for name in ("version_id", "objection_id", "bond_id", "bid_id", "version", "part_id"):
        url = url.replace(f"{{{name}}}", OTHER if name != "version" else "1")
    return url.replace("{part}", "main").replace("{path:path}", "a.pdf")


def _answer(response: httpx.Response) -> tuple[int, str | None]:
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    return response.status_code, code


@pytest.mark.parametrize("user", ["otheragent", "bidder1", None])
async def test_a_draft_answers_every_outsider_like_an_unknown_tender(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    web_world: World,
    tokens: dict[str, str],
    user: str | None,
) -> None:
    """Another agency, a bidder and the public: same status and code for the draft as
    for an unknown id, on every method of every tender route."""
    created = await client.post(
        "/api/v1/tenders", json=await draft_json(pool, web_world), headers=bearer(tokens["agent"])
    )
    draft = created.json()["id"]
    headers = bearer(tokens[user]) if user else {}
    leaks = []
    for method, path in TENDER_ROUTES:
        answers = []
        for tender in (draft, UNKNOWN):
            response = await client.request(
                method,
                _url(path, tender),
                headers=headers | {"Content-Type": "application/json"},
                content=_body(method, path),
            )
            answers.append(_answer(response))
        if answers[0] != answers[1]:
            leaks.append(f"{method} {path}: draft {answers[0]}, unknown {answers[1]}")
    assert leaks == [], "\n".join(leaks)
