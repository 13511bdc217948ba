"""pyproject.toml names every package of ours where a tool must see it: installed
(setuptools), type-checked (mypy --strict) and measured (coverage). A package left out
of one is silently not shipped, not checked or not counted (live/ and client/ had to be
added by hand to each list)."""

from __future__ import annotations

import tomllib

from tests.packages import OURS, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_is_installed() -> None:
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {name.removesuffix("*") for name in include} == set(OURS)


def test_every_package_is_type_checked() -> None:
    assert set(PYPROJECT["tool"]["mypy"]["packages"]) == set(OURS)


def test_every_package_is_measured() -> None:
    assert set(PYPROJECT["tool"]["coverage"]["run"]["source"]) == set(OURS)


def test_every_folder_of_modules_is_a_package() -> None:
    # A folder of modules without __init__.py is a namespace package: pkgutil does not
    # walk it, so its error classes escape tests/web/error_tree.py (their codes were
    # never pinned nor documented: tender/results and tender/archive, issue 13), and
    # setuptools' find does not ship it.
    loose = sorted(
        str(folder.relative_to(ROOT))
        for name in OURS
        for folder in {p.parent for p in (ROOT / name).rglob("*.py")}
        if not (folder / "__init__.py").exists() and "__pycache__" not in folder.parts
    )
    assert loose == []
