"""The error tree: stable, distinct, documented codes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from expert_pool import errors

DOCS = Path(__file__).resolve().parents[2] / "docs"
FORMAT, API = DOCS / "formats" / "draw.md", DOCS / "api-expert-pool.md"


def _error_classes() -> list[type[errors.ExpertPoolError]]:
    found = [errors.ExpertPoolError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return found


def test_every_error_has_its_own_snake_case_code() -> None:
    """No two classes share a code, and every code is snake_case."""
    codes = [cls.code for cls in _error_classes()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes)


def test_every_code_is_in_the_module_tree_and_the_documents() -> None:
    """The docstring tree of the class's module (expert_pool/errors.py, or a feature's
    errors.py beside it, e.g. expert_pool/venues/errors.py) and docs/formats/draw.md or
    docs/api-expert-pool.md list every code."""
    import expert_pool.venues.errors  # noqa: F401 (its classes join the tree walked here)

    doc = FORMAT.read_text(encoding="utf-8") + API.read_text(encoding="utf-8")
    for cls in _error_classes():
        assert f"`{cls.code}`" in doc, cls.code
        tree = sys.modules[cls.__module__].__doc__ or ""
        assert re.search(rf"{cls.__name__}\s+{cls.code}\b", tree), cls.__name__


def test_csv_error_carries_the_report() -> None:
    """CsvRowsInvalid keeps every problem and says how many there are."""
    exc = errors.CsvRowsInvalid([errors.CsvProblem(2, "id", "bad"), errors.CsvProblem(3, "", "x")])
    assert exc.problems == ((2, "id", "bad"), (3, "", "x"))
    assert exc.message.startswith("2 problem(s)")
