"""A lot's evaluation method over HTTP: the full form of docs/formats/evaluation-method.md
§1 in and out, the form before issue 11 still accepted, a malformed one refused."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    count_rows,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)

FULL: dict[str, Any] = {
    "method": "comprehensive_scoring",
    "qualification": [{"id": "licence", "name": "营业执照", "guidance": "在有效期内"}],
    "criteria": [
        {
            "id": "tech",
            "name": "技术",
            "items": [
                {
                    "id": "plan",
                    "name": "施工方案",
                    "guidance": "",
                    "min_hundredths": 0,
                    "max_hundredths": 2500,
                },
                {"id": "team", "name": "项目团队", "guidance": "", "steps": [0, 750, 1500]},
            ],
        }
    ],
    "price": {
        "points": 60,
        "formula": "benchmark_deviation",
        "above_per_percent": 100,
        "below_per_percent": 50,
    },
    "adjustments": [],
    "tie_rule": "higher_technical",
    "drop_extremes": True,
}


async def test_the_full_method_is_stored_and_shown_as_sent(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Qualification items, sub-items with a range and with steps, the tie rule: the
    draft answers the same JSON, and it breaks no evaluation rule."""
    body = await draft_json(pool, web_world)
    body["lots"][0]["evaluation"] = FULL
    created = await client.post("/api/v1/tenders", json=body, headers=bearer(tokens["agent"]))
    assert created.status_code == 201, created.text
    assert created.json()["lots"][0]["evaluation"] == FULL
    check = await client.get(
        f"/api/v1/tenders/{created.json()['id']}/check", headers=bearer(tokens["agent"])
    )
    codes = {v["code"] for v in check.json()["violations"]}
    assert not {c for c in codes if c.startswith("evaluation_")}


async def test_the_form_before_issue_11_is_accepted_and_shown_in_full(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """{name, max_points} criteria: c1, c2 with one sub-item "1" each in the answer."""
    body = await draft_json(pool, web_world)
    created = await client.post("/api/v1/tenders", json=body, headers=bearer(tokens["agent"]))
    assert created.status_code == 201, created.text
    shown = created.json()["lots"][0]["evaluation"]
    assert [c["id"] for c in shown["criteria"]] == ["c1", "c2"]
    assert shown["criteria"][0]["items"] == [
        {"id": "1", "name": "技术", "guidance": "", "min_hundredths": 0, "max_hundredths": 3000}
    ]
    assert (shown["qualification"], shown["tie_rule"]) == ([], "lower_price")


async def test_a_malformed_method_is_refused_and_nothing_stored(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Steps and a range at once → tender_input_invalid naming the sub-item; a bool for
    an int → request_invalid; no tender row is written."""
    before = await count_rows(pool)
    both = await draft_json(pool, web_world)
    item = {"id": "plan", "name": "方案", "min_hundredths": 0, "max_hundredths": 1, "steps": [0, 1]}
    both["lots"][0]["evaluation"] = FULL | {"criteria": [{"name": "技术", "items": [item]}]}
    refused = await client.post("/api/v1/tenders", json=both, headers=bearer(tokens["agent"]))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["details"]) == (
        "tender_input_invalid",
        {"path": "criteria[0].items[0]"},
    )
    typed = await draft_json(pool, web_world)
    typed["lots"][0]["evaluation"] = FULL | {"drop_extremes": 1}
    wrong = await client.post("/api/v1/tenders", json=typed, headers=bearer(tokens["agent"]))
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "request_invalid")
    assert await count_rows(pool) == before
