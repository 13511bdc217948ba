"""The opening hall names the record's codes in words (web/static/js/opening_words.js),
in the page's language, as the record's PDF does (issue 15 item 4): every failure
cause, every party, every part and the Reg. 44 reason; an unknown code stays as is."""

from __future__ import annotations

from typing import Any

import pytest

from tender.opening.model import Cause, Party
from tests.conftest import LiveServer
from web.pdf.base import PART_LABELS
from web.pdf.opening_record import CAUSE_LABELS, PARTY_LABELS, REASON_LABELS

SCRIPT = """async (codes) => {
    const m = await import("/static/js/opening_words.js");
    return codes.map((c) => [m.openingWords(c, "zh-CN"), m.openingWords(c, "en")]);
}"""


@pytest.mark.browser
async def test_every_code_the_record_holds_has_words_in_both_languages(
    browser: Any, live_server: LiveServer
) -> None:
    labels = {**CAUSE_LABELS, **PARTY_LABELS, **PART_LABELS, **REASON_LABELS}
    codes = [*map(str, Cause), *map(str, Party), *PART_LABELS, *REASON_LABELS]
    assert set(codes) == set(labels)  # the PDF names every code too
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        shown = await page.evaluate(SCRIPT, [*codes, "a_new_cause", None])
    finally:
        await context.close()
    *words, unknown, nothing = shown
    for code, (zh, en) in zip(codes, words, strict=True):
        assert labels[code].startswith(zh), code  # the PDF's Chinese words
        assert en != zh
        assert en.lower() in labels[code].lower(), code  # and its English ones
    assert unknown == ["a_new_cause", "a_new_cause"]
    assert nothing == [None, None]
