"""docs/api-errors.md is exactly what the error classes say (tests/docs/api_errors.py)."""

from __future__ import annotations

from signing.errors import EtenderError
from tests.docs.api_errors import ROOTS, render
from tests.docs.markdown import read
from tests.web.error_tree import dotted, error_classes


def test_api_errors_md_is_generated_from_the_classes() -> None:
    assert read("api-errors.md") == render(), (
        "regenerate: .venv/bin/python -m tests.docs.api_errors > docs/api-errors.md"
    )


def test_every_error_class_has_its_own_docstring_and_one_package_root() -> None:
    for cls in error_classes():
        assert vars(cls).get("__doc__"), f"{dotted(cls)} says nothing of what it means"
        if cls is not EtenderError:
            assert sum(issubclass(cls, root) for root in ROOTS) == 1, dotted(cls)
