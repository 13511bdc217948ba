"""Every error code's message for people, in Chinese (zh-CN) and English (issue 15, item 4).

The API's error body keeps its code and its English developer message as documented
(docs/api-errors.md); a page shows the message from here instead, in the page's language,
with the code small for support. The texts are data, one file per package family
(``<family>.json``: ``{"code": {"zh-CN": "…", "en": "…"}}``), so that a package's author
adds its codes in one place and a reviewer reads both languages side by side.
tests/web/errortext/test_catalogue.py fails on any code of any error class without both
texts (DESIGN.md, "Interfaces": Chinese first, English second).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

LANGS: tuple[str, ...] = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"

# A code with no entry (a client's ``http_500``, a code newer than this catalogue):
# a sentence still readable by a person, never the bare code.
GENERIC: Mapping[str, str] = MappingProxyType(
    {
        "zh-CN": "操作未能完成。请稍后重试；如仍有问题，请联系平台并提供下方的请求编号。",
        "en": "The request could not be completed. Please try again later; if it keeps "
        "failing, contact the platform and quote the request id below.",
    }
)


def _load() -> tuple[Mapping[str, Mapping[str, str]], Mapping[str, str]]:
    messages: dict[str, Mapping[str, str]] = {}
    family_of: dict[str, str] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        family = entry.name.removesuffix(".json")
        for code, texts in json.loads(entry.read_text(encoding="utf-8")).items():
            if code in messages:  # one home per code: two would drift apart
                raise ValueError(f"error code {code!r} in {family_of[code]} and {family}")
            messages[code] = MappingProxyType(dict(texts))
            family_of[code] = family
    return MappingProxyType(messages), MappingProxyType(family_of)


MESSAGES, FAMILY = _load()


def has(code: str) -> bool:
    """Whether the catalogue holds ``code``."""
    return code in MESSAGES


def text(code: str | None, lang: str) -> str:
    """The message of ``code`` in ``lang`` (Chinese if ``lang`` is not ours); the generic
    message for a code the catalogue does not hold."""
    chosen = lang if lang in LANGS else DEFAULT_LANG
    found = MESSAGES.get(code or "")
    return found[chosen] if found is not None else GENERIC[chosen]


def text_for(exc: BaseException, lang: str) -> str:
    """The message for an error: its own code's, else the nearest base class's that has
    one (a subclass newer than the catalogue still reads as its family's error)."""
    for cls in type(exc).__mro__:
        code = vars(cls).get("code")
        if isinstance(code, str) and code in MESSAGES:
            return text(code, lang)
    return text(None, lang)


def table(lang: str) -> Mapping[str, str]:
    """Every code's message in ``lang``: what a page's script looks codes up in."""
    chosen = lang if lang in LANGS else DEFAULT_LANG
    return {code: texts[chosen] for code, texts in MESSAGES.items()}
