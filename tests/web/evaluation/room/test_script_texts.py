"""The scoring room's scripts join labels and lists in the page's language (issue 15,
item 4): no Chinese punctuation is written by the scripts themselves, it comes from the
room's catalogue (web/evaluation/i18n_room.py, ``js.*``)."""

from __future__ import annotations

import re
from pathlib import Path

from web.evaluation import i18n_room

SCRIPTS = sorted((Path(__file__).parents[4] / "web" / "static" / "js").glob("room*.js"))
# A string literal of the scripts holding Chinese punctuation or ideographs.
CHINESE_LITERAL = re.compile(
    r"""(["'`])[^"'`\n]*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][^"'`\n]*\1"""
)


def test_the_room_scripts_write_no_chinese_text_of_their_own() -> None:
    assert SCRIPTS
    found = [
        (path.name, n, line.strip())
        for path in SCRIPTS
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if CHINESE_LITERAL.search(line) and not line.lstrip().startswith("//")
    ]
    assert found == []


def test_labels_and_lists_are_joined_in_the_pages_language() -> None:
    zh, en = i18n_room.script_texts("zh-CN"), i18n_room.script_texts("en")
    assert zh["labelled"].format(label="投标人A", text="通过") == "投标人A：通过"
    assert en["labelled"].format(label="Bidder A", text="Passed") == "Bidder A: Passed"
    assert (zh["list_sep"], en["list_sep"]) == ("、", ", ")
