"""The error catalogue (web/errortext/): every code of every error class has a Chinese and
an English message a person can read (issue 15, item 4 and "Must show" 2)."""

from __future__ import annotations

import re

import pytest

from signing.errors import EtenderError
from tests.web.error_tree import error_classes
from web import errortext

CODES = sorted({cls.code for cls in error_classes() if issubclass(cls, EtenderError)})  # type: ignore[attr-defined]
CJK = re.compile(r"[\u4e00-\u9fff]")
# A snake_case identifier or a dotted module path is jargon to a person reading a page.
IDENTIFIER = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\b[a-z]+\.[a-z]+\.[a-z]+\b")


def test_the_error_tree_is_found() -> None:
    assert len(CODES) > 500
    assert {"not_found", "etender_error"} <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_every_error_code_has_a_chinese_and_an_english_message(code: str) -> None:
    assert errortext.has(code), f"{code}: no message in web/errortext/*.json"
    texts = errortext.MESSAGES[code]
    assert set(texts) == set(errortext.LANGS), f"{code}: languages {sorted(texts)}"
    zh, en = texts["zh-CN"].strip(), texts["en"].strip()
    assert zh, f"{code}: an empty Chinese message"
    assert en, f"{code}: an empty English message"
    assert code not in zh + en, f"{code}: the message repeats the code"
    assert CJK.search(zh), f"{code}: the Chinese message holds no Chinese"
    assert not CJK.search(en), f"{code}: the English message holds Chinese"
    assert zh != en


@pytest.mark.parametrize("code", CODES)
def test_no_message_shows_an_identifier_to_a_person(code: str) -> None:
    for lang, message in errortext.MESSAGES[code].items():
        assert not IDENTIFIER.search(message), f"{code} ({lang}): {message!r}"


def test_the_catalogue_holds_no_code_that_no_error_class_has() -> None:
    stale = sorted(set(errortext.MESSAGES) - set(CODES))
    assert stale == [], f"codes no class raises any more: {stale}"


def test_a_message_is_looked_up_in_the_page_language_and_chinese_by_default() -> None:
    assert errortext.text("not_found", "en") != errortext.text("not_found", "zh-CN")
    assert errortext.text("not_found", "fr") == errortext.text("not_found", "zh-CN")


def test_an_unknown_code_reads_as_a_sentence_not_as_the_code() -> None:
    assert errortext.text("http_502", "zh-CN") == errortext.GENERIC["zh-CN"]
    assert errortext.text(None, "en") == errortext.GENERIC["en"]


def test_a_subclass_newer_than_the_catalogue_reads_as_its_family_error() -> None:
    from web.errors import NotFound

    class Newer(NotFound):
        code = "a_code_not_in_the_catalogue"

    assert errortext.text_for(Newer("x"), "en") == errortext.text("not_found", "en")
    assert errortext.text_for(ValueError("x"), "en") == errortext.GENERIC["en"]


@pytest.mark.parametrize("code", CODES)
def test_every_message_is_a_finished_sentence_in_its_own_script(code: str) -> None:
    """A page puts the message after its own words ("操作未完成：…"): each is a whole
    sentence, English in ASCII, Chinese with its own full stop."""
    zh, en = errortext.MESSAGES[code]["zh-CN"], errortext.MESSAGES[code]["en"]
    assert en.isascii(), f"{code}: {en!r}"
    assert en.endswith((".", ")")), f"{code}: {en!r}"
    assert zh.endswith(("。", "）")), f"{code}: {zh!r}"
