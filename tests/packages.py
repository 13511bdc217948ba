"""Our top-level packages, read from the tree: every list of them in the tests is this
one, so a new package (live/, client/) cannot be missed by a check that walks them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS: tuple[str, ...] = tuple(
    sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
)
