"""web/static/js/beijing.js in Chromium: every time a page's script shows is Beijing time
with its label in the page's language, whatever zone the visitor's device is in
(issue 15 item 4), and it reads what web/pages.py ``beijing_text`` prints."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from web.pages import beijing_text

WEB = Path(__file__).parents[3] / "web"
# What shows a time in the device's zone or language instead of Beijing time: the
# Date's own formatting (a number's toLocaleString("en-US") is money, not time), or an
# Intl zone other than Beijing's.
DEVICE_TIME = re.compile(
    r"toLocale(Date|Time)String|toLocaleString\((?!\"en-US\"\))|\.get(Hours|Minutes|Date|Day)\(|"
    r"timeZone\s*:(?!\s*\"Asia/Shanghai\")"
)


def _scripts() -> list[Path]:
    found = [*(WEB / "static" / "js").glob("*.js"), *(WEB / "templates").rglob("*.js")]
    # The signing bundle is a build of web/js (third-party code); beijing.js is the one
    # place that names the zone.
    return sorted(
        p for p in found if not p.name.startswith("etender-sign") and p.name != "beijing.js"
    )


def test_no_script_formats_a_time_but_through_beijing_js() -> None:
    """Every script that shows a time imports web/static/js/beijing.js (issue 15 item 4)."""
    problems = [
        f"{path.name}:{n}: {line.strip()}"
        for path in _scripts()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DEVICE_TIME.search(line)
    ]
    assert problems == []
    assert len(_scripts()) > 10


SCRIPT = """async (cases) => {
    const m = await import("/static/js/beijing.js");
    return {
        shown: cases.map(([value, lang, options]) => m.beijing(value, lang, options)),
        countdown: [m.countdown(3723000), m.countdown(-5), m.countdown(90061000)],
        lang: [m.pageLang(null), m.label("en"), m.label("zh-CN")],
        zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
}"""
AT = datetime(2026, 12, 7, 16, 30, 5, 123456, tzinfo=UTC)  # 00:30 next day in Beijing
END = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)  # a period ending at Thursday 24:00


@pytest.mark.browser
async def test_times_are_beijing_time_with_the_label_on_a_device_in_another_zone(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context(timezone_id="America/New_York")
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        cases = [
            [AT.isoformat().replace("+00:00", "Z"), "zh-CN", None],  # the API's microseconds
            ["2026-12-07T16:30:05Z", "en", {"seconds": True}],
            [END.isoformat(), "zh-CN", {"dayEnd": True}],
            [END.isoformat(), "en", None],
            [None, "en", None],
            ["", "zh-CN", None],
            ["not a time", "en", None],
        ]
        result = await page.evaluate(SCRIPT, cases)
    finally:
        await context.close()
    assert result["zone"] == "America/New_York"  # the device's own zone is not Beijing
    assert result["shown"] == [
        beijing_text(AT, "zh-CN"),
        beijing_text(AT, "en", seconds=True),
        beijing_text(END, "zh-CN", day_end=True),
        beijing_text(END, "en"),
        "—",
        "—",
        "not a time",
    ]
    assert result["shown"][0] == "2026-12-08 00:30（北京时间）"
    assert result["shown"][2] == "2026-03-05 24:00（北京时间）"
    assert result["countdown"] == ["01:02:03", "00:00:00", "25:01:01"]
    assert result["lang"] == ["zh-CN", " (Beijing time)", "（北京时间）"]
