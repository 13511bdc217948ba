"""The sheet form's rules in Chromium (web/static/js/room_sheet.js, room_util.js): what a
member types becomes the entries of docs/formats/evaluation-method.md §2 — points typed
as points and kept in hundredths exactly, steps only, fen as integers, a refusal only
with a Reg. 51 reason and an explanation — and a gap is named before anything is sealed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer

METHOD = {
    "method": "comprehensive_scoring",
    "qualification": [{"id": "licence", "name": "营业执照", "guidance": "在有效期内"}],
    "criteria": [
        {
            "id": "tech",
            "name": "技术",
            "items": [
                {"id": "plan", "name": "施工方案", "guidance": "", "min_hundredths": 0,
                 "max_hundredths": 3000},
                {"id": "team", "name": "项目团队", "guidance": "", "steps": [0, 500, 1000]},
            ],
        }
    ],
    "price": {"points": 70, "formula": "lowest_price_base", "above_per_percent": 0,
              "below_per_percent": 0},
    "adjustments": [{"id": "pay", "name": "付款条件", "guidance": "", "min_fen": -5000,
                     "max_fen": 5000}],
    "tie_rule": "lower_price",
    "drop_extremes": False,
}  # fmt: skip
BID = "00000000-0000-4000-8000-00000000000a"

SCRIPT = """async ([method, bid, phase, values]) => {
    const sheet = await import("/static/js/room_sheet.js");
    const T = (k, p) => k + JSON.stringify(p || {});
    const room = {briefing: {method, bids: [{bid, name: "投标人A"}]}, T};
    const box = document.createElement("form");
    for (const item of sheet.itemsOf(method, phase)) box.appendChild(sheet.row(T, bid, item));
    for (const [where, value] of Object.entries(values)) box.querySelector(where).value = value;
    try {
        return {entries: sheet.entriesOf(room, phase, box)};
    } catch (error) {
        return {code: error.code, message: error.message};
    }
}"""


async def _entries(page: Any, phase: str, values: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = await page.evaluate(SCRIPT, [METHOD, BID, phase, values])
    return result


def _at(item: str, field: str) -> str:
    return f".sheet-row[data-item='{item}'] [data-field={field}]"


@pytest.mark.browser
async def test_typed_values_become_exact_entries_and_gaps_are_named(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        # A bid file's name as the room lists it (room_util.unbidi): a bidirectional
        # control shows as its escape and reorders nothing (sealed-bid.md §6).
        shown = await page.evaluate(
            "async (name) => (await import('/static/js/room_util.js')).unbidi(name)",
            "files/大文件\u202efdp.exe",
        )
        assert shown == "files/大文件\\u202efdp.exe"
        scoring = await _entries(
            page, "scoring", {_at("tech.plan", "points"): "24.55", _at("tech.team", "points"): "5"}
        )
        assert scoring["entries"] == [
            {"bid": BID, "item": "tech.plan", "points": 2455},
            {"bid": BID, "item": "tech.team", "points": 500},
        ]
        for typed in ("30.01", "24.555", "1e3", "-1", "abc"):
            refused = await _entries(
                page,
                "scoring",
                {_at("tech.plan", "points"): typed, _at("tech.team", "points"): "5"},
            )
            assert refused["code"] == "sheet_value_invalid", typed
        gap = await _entries(page, "scoring", {_at("tech.plan", "points"): "10"})
        assert gap["code"] == "sheet_incomplete"
        assert "项目团队" in gap["message"]  # the first gap, named
        assert "施工方案" not in gap["message"]

        passed = await _entries(page, "qualification", {_at("licence", "pass"): "pass"})
        assert passed["entries"] == [{"bid": BID, "item": "licence", "pass": True}]
        bare = await _entries(page, "qualification", {_at("licence", "pass"): "fail"})
        assert bare["code"] == "sheet_incomplete"  # a refusal needs its reason and words
        failed = await _entries(
            page,
            "qualification",
            {
                _at("licence", "pass"): "fail",
                _at("licence", "reason"): "not_qualified",
                _at("licence", "explanation"): "  营业执照已过期  ",
            },
        )
        assert failed["entries"] == [
            {"bid": BID, "item": "licence", "pass": False, "reason": "not_qualified",
             "explanation": "营业执照已过期"}
        ]  # fmt: skip

        fen = await _entries(page, "adjustment", {_at("pay", "fen"): "-1250"})
        assert fen["entries"] == [{"bid": BID, "item": "pay", "fen": -1250}]
        beyond = await _entries(page, "adjustment", {_at("pay", "fen"): "5001"})
        assert beyond["code"] == "sheet_value_invalid"
    finally:
        await context.close()


# The room's sheet on a bare page, with a vault whose draft arrives when the test says:
# the member types while the vault is still answering (a loaded venue PC).
LATE_DRAFT = """async ([method, bid, field]) => {
    const sheet = await import("/static/js/room_sheet.js");
    for (const [tag, id] of [["section", "sheet"], ["h3", "sheet-phase"], ["form", "sheet-form"],
                             ["button", "submit-sheet"], ["p", "draft-state"],
                             ["p", "sealed-state"]]) {
        const node = document.createElement(tag);
        node.id = id;
        document.body.appendChild(node);
    }
    let answer;
    const vault = {
        loadDraft: () => new Promise((resolve) => { answer = resolve; }),
        saveDraft: async () => {},
        getSealed: async () => null,
    };
    const room = {phase: "qualification", sealed: false, view: {you: {seat: 1}}, key: {},
                  briefing: {method, bids: [{bid, name: "投标人A"}]}, submitted: {},
                  phases: {}, T: (k) => k, sign: {vault}, userId: "u", sessionId: "s",
                  fail: (e) => { throw e; }};
    sheet.renderSheet(room);
    const form = document.getElementById("sheet-form");
    const before = form.dataset.ready || null;
    const select = form.querySelector(field);
    select.value = "pass";
    select.dispatchEvent(new Event("change", {bubbles: true}));
    answer({values: {[bid + "|licence"]: {pass: "", reason: "", explanation: ""}}});
    await new Promise((resolve) => setTimeout(resolve, 0));
    return {before, after: form.dataset.ready || null, value: select.value};
}"""


@pytest.mark.browser
async def test_a_draft_read_back_late_never_undoes_what_the_member_typed_meanwhile(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        seen = await page.evaluate(LATE_DRAFT, [METHOD, BID, _at("licence", "pass")])
        assert seen == {"before": None, "after": "true", "value": "pass"}
    finally:
        await context.close()
