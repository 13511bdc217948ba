"""The draw formats' errors (signing/draw/errors.py): stable, distinct, documented codes."""

from __future__ import annotations

import re
from pathlib import Path

from signing.draw import errors
from signing.errors import SigningError

ROOT = Path(__file__).resolve().parents[3]
DOCS = (ROOT / "docs" / "formats" / "draw.md", ROOT / "docs" / "api-expert-pool.md")


def _draw_errors() -> list[type[SigningError]]:
    found: list[type[SigningError]] = [errors.DrawError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return found


def test_every_draw_error_has_its_own_snake_case_code() -> None:
    """No two draw errors share a code, and every code is snake_case."""
    codes = [cls.code for cls in _draw_errors()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes)


def test_every_draw_code_is_in_the_tree_and_the_documents() -> None:
    """signing/draw/errors.py's tree and docs/formats/draw.md or api-expert-pool.md list each."""
    doc = "".join(path.read_text(encoding="utf-8") for path in DOCS)
    source = (ROOT / "signing" / "draw" / "errors.py").read_text(encoding="utf-8")
    for cls in _draw_errors():
        assert f"`{cls.code}`" in doc, cls.code
        assert re.search(rf"{cls.__name__}\s+{cls.code}\b", source), cls.__name__


def test_a_draw_policy_below_its_floor_is_a_value_error() -> None:
    """expert_pool's policy loader turns it into its own policy_invalid (a ValueError)."""
    assert issubclass(errors.DrawPolicyInvalid, ValueError)
    assert errors.DrawPolicyInvalid.code == "policy_invalid"
