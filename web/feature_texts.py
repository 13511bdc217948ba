"""A feature's own page texts over a fallback catalogue (web/<feature>/i18n.py): one
implementation of translate/has/catalogue instead of a copy in every feature."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

from web.i18n import LANGUAGES

_INDEX = {lang: i for i, lang in enumerate(LANGUAGES)}


class Texts(Protocol):
    """A catalogue a page can read: the site's (this module) or a feature's."""

    def translate(self, lang: str, key: str, **params: str) -> str: ...

    def has(self, key: str) -> bool: ...


@dataclasses.dataclass(frozen=True, slots=True)
class FeatureCatalogue:
    """A feature's own texts (web/<feature>/i18n.py), over a fallback catalogue — the
    site's or another feature's — for the keys it does not hold; one implementation
    instead of a copy of translate/has/catalogue in every feature."""

    entries: Mapping[str, tuple[str, str]]
    fallback: Texts

    def translate(self, lang: str, key: str, **params: str) -> str:
        """The message in ``lang``; a key not of this catalogue from the fallback."""
        entry = self.entries.get(key)
        if entry is None:
            return self.fallback.translate(lang, key, **params)
        text = entry[_INDEX.get(lang, 0)]
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        """Whether this catalogue or its fallback holds ``key``."""
        return key in self.entries or self.fallback.has(key)

    def catalogue(self) -> Mapping[str, tuple[str, str]]:
        """This catalogue alone (for tests and translators)."""
        return MappingProxyType(self.entries)
