"""English texts are English: no Chinese characters and no full-width punctuation in
any catalogue's English text (web/i18n.py, every feature's i18n table, the error
catalogue web/errortext/) — an English page showed "Code：" and "两随机、四不知"."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator, Mapping

import web
from web import errortext

# CJK ideographs, CJK punctuation (、。「」…), full-width forms (：，（）；！？) and the
# curly quotes a Chinese text uses (“”‘’).
NOT_ENGLISH = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’]")


def _is_pair(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(x, str) for x in value)


def _english_of(table: object) -> Iterator[tuple[str, str]]:
    """(key, English text) of a catalogue: key → (zh-CN, en), or key → {lang: text}."""
    if not isinstance(table, Mapping):
        return
    entries = list(table.items())
    if entries and all(_is_pair(v) for _, v in entries):
        for key, (_, en) in entries:
            yield str(key), en
    elif entries and all(isinstance(v, dict) and isinstance(v.get("en"), str) for _, v in entries):
        for key, texts in entries:
            yield str(key), texts["en"]


def catalogues() -> Iterator[tuple[str, str, str]]:
    """(where, key, English text) of every table of every web module, and the errors'."""
    for found in pkgutil.walk_packages(web.__path__, "web."):
        module = importlib.import_module(found.name)
        for name, value in vars(module).items():
            for key, en in _english_of(value):
                yield f"{found.name}.{name}", key, en
    for code in sorted(errortext.table("en")):
        yield "web/errortext", code, errortext.text(code, "en")


def test_the_sweep_sees_the_site_feature_and_error_catalogues() -> None:
    where = {w for w, _, _ in catalogues()}
    assert {"web.i18n._CATALOGUE", "web.evaluation.i18n._CATALOGUE", "web/errortext"} <= where


def test_no_english_text_holds_chinese_characters_or_full_width_punctuation() -> None:
    slips = sorted({(w, k, en) for w, k, en in catalogues() if NOT_ENGLISH.search(en)})
    assert slips == []
