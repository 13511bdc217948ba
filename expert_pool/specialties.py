"""The evaluation-expert specialty classification, loaded from data.

Experts are classified by the national specialty classification (Reg. 45; the expert
measures) and draws are made "from the relevant specialties" (Reg. 46). The bundled
`specialties.json` ships the top two levels — A works (工程), B goods (货物), C services
(服务), then two digits per level (A01, A02, …) — and a deployment may load its
province's full table instead with `load_specialties(path)`.

File format (`etender-specialties-v1`): ``{"format", "source", "specialties": [{"code",
"name_zh", "name_en", "parent"}]}``; a root has ``"parent": null`` and a one-letter
code; a child's code is its parent's code plus two digits; parents come first.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from expert_pool.errors import CatalogueInvalid, SpecialtyUnknown

FORMAT = "etender-specialties-v1"
_ROOT_CODE = re.compile(r"[A-Z]")
_CHILD_SUFFIX = re.compile(r"[0-9]{2}")


@dataclass(frozen=True, kw_only=True, slots=True)
class Specialty:
    """One node of the classification."""

    code: str
    name_zh: str
    name_en: str
    parent: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SpecialtyTree:
    """The whole classification, with lookups and "is under" queries."""

    source: str
    nodes: Mapping[str, Specialty]

    def get(self, code: str) -> Specialty:
        """The node for `code`; raise SpecialtyUnknown if there is none."""
        node = self.nodes.get(code)
        if node is None:
            raise SpecialtyUnknown(f"unknown specialty code {code!r}")
        return node

    def validate(self, code: str) -> str:
        """Return `code` if it is in the classification, else raise SpecialtyUnknown."""
        return self.get(code).code

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes from the root down to `code`'s parent."""
        chain: list[str] = []
        parent = self.get(code).parent
        while parent is not None:
            chain.append(parent)
            parent = self.nodes[parent].parent
        return tuple(reversed(chain))

    def is_under(self, code: str, ancestor: str) -> bool:
        """Whether `code` is `ancestor` itself or one of its descendants."""
        self.validate(ancestor)
        self.validate(code)
        return code == ancestor or ancestor in self.ancestors(code)

    def children(self, code: str) -> tuple[Specialty, ...]:
        """The direct children of `code`, in file order."""
        self.validate(code)
        return tuple(n for n in self.nodes.values() if n.parent == code)

    def roots(self) -> tuple[Specialty, ...]:
        """The top-level nodes (works, goods, services), in file order."""
        return tuple(n for n in self.nodes.values() if n.parent is None)


def _node(raw: Any, known: Mapping[str, Specialty]) -> Specialty:
    if not isinstance(raw, dict) or set(raw) != {"code", "name_zh", "name_en", "parent"}:
        raise CatalogueInvalid("each specialty has exactly code, name_zh, name_en, parent")
    code, parent = raw["code"], raw["parent"]
    if not all(isinstance(raw[k], str) and raw[k] for k in ("code", "name_zh", "name_en")):
        raise CatalogueInvalid(f"specialty {code!r}: code and names are non-empty strings")
    if code in known:
        raise CatalogueInvalid(f"specialty {code!r} appears twice")
    if parent is None:
        if _ROOT_CODE.fullmatch(code) is None:
            raise CatalogueInvalid(f"root specialty {code!r} must be one capital letter")
    elif parent not in known:
        raise CatalogueInvalid(f"specialty {code!r}: parent {parent!r} must come first")
    elif not (code.startswith(parent) and _CHILD_SUFFIX.fullmatch(code[len(parent) :])):
        raise CatalogueInvalid(f"specialty {code!r} must be {parent!r} plus two digits")
    return Specialty(code=code, name_zh=raw["name_zh"], name_en=raw["name_en"], parent=parent)


def parse_specialties(text: str | bytes) -> SpecialtyTree:
    """Parse and check a classification document."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise CatalogueInvalid(f"specialty file is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CatalogueInvalid(f"specialty file must have format {FORMAT!r}")
    raw_nodes = doc.get("specialties")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise CatalogueInvalid("specialty file must list specialties")
    nodes: dict[str, Specialty] = {}
    for raw in raw_nodes:
        node = _node(raw, nodes)
        nodes[node.code] = node
    return SpecialtyTree(source=str(doc.get("source", "")), nodes=MappingProxyType(nodes))


def load_specialties(path: Path | None = None) -> SpecialtyTree:
    """Load a classification file; the bundled one when `path` is None."""
    if path is None:
        return default_specialties()
    return parse_specialties(path.read_bytes())


@functools.cache
def default_specialties() -> SpecialtyTree:
    """The bundled classification (expert_pool/specialties.json), loaded once."""
    # Beside this module (package data). Not importlib.resources: an editable install
    # can make the top-level package a namespace package, which it cannot read.
    return parse_specialties(Path(__file__).with_name("specialties.json").read_bytes())
