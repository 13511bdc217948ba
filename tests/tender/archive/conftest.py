"""The archive's fixtures: a clone of the opened lot (tests/evaluation/kit.py) per test,
and the package built once per process (kit.py)."""

from __future__ import annotations

from tests.evaluation.kit import scenario_database  # noqa: F401
from tests.tender.archive.kit import archived  # noqa: F401
