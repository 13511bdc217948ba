"""Every time a page shows is Beijing time with its label (issue 15 item 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from web.pages import beijing_text, environment


def test_a_utc_moment_is_shown_in_beijing_time_with_the_languages_label() -> None:
    at = datetime(2026, 12, 7, 16, 30, 5, tzinfo=UTC)
    assert beijing_text(at, "zh-CN") == "2026-12-08 00:30（北京时间）"
    assert beijing_text(at, "en", seconds=True) == "2026-12-08 00:30:05 (Beijing time)"
    elsewhere = at.astimezone(timezone(timedelta(hours=-5)))
    assert beijing_text(elsewhere, "en") == beijing_text(at, "en")


def test_no_moment_is_a_dash_and_a_naive_one_is_refused() -> None:
    assert beijing_text(None, "zh-CN") == "—"
    with pytest.raises(ValueError, match="naive"):
        beijing_text(datetime(2026, 12, 7, 16, 30), "zh-CN")


def test_templates_have_the_beijing_filter_reading_the_pages_language() -> None:
    template = environment().from_string("{{ at | beijing }}|{{ at | beijing(seconds=True) }}")
    at = datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    assert template.render(at=at, lang="en") == (
        "2026-12-07 09:02 (Beijing time)|2026-12-07 09:02:03 (Beijing time)"
    )
    assert template.render(at=at, lang="zh-CN").startswith("2026-12-07 09:02（北京时间）")
