"""A label's colon follows the page's language: no template writes a fixed "：" (shown
on English pages as "Code：") or ":" (on Chinese pages "状态:") after a translated label;
it writes ``{{ colon() }}`` (web/pages.py), "：" in Chinese and ": " in English."""

from __future__ import annotations

import re
from pathlib import Path

from web import i18n, pages

TEMPLATES = Path(pages.__file__).parent / "templates"
# A translated label, then (perhaps after closing its element) a colon written as is.
FIXED_COLON = re.compile(
    r"""\bt\(["'][^"']+["'][^}]*\}\}(?:</(?:strong|dt|label|span)>)?\s*[:：]"""
)


def test_no_template_writes_a_fixed_colon_after_a_translated_label() -> None:
    slips = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FIXED_COLON.search(line)
    ]
    assert slips == []


def test_colon_is_full_width_in_chinese_and_ascii_in_english() -> None:
    template = pages.ENV.from_string('{{ t("nav.language") }}{{ colon() }}x')
    shown = {
        lang: template.render(t=lambda key, lang=lang: i18n.translate(lang, key), lang=lang)
        for lang in ("zh-CN", "en")
    }
    assert shown == {"zh-CN": "语言：x", "en": "Language: x"}
