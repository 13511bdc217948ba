"""The result trigger's tests run on a clone of the closed tender (tests/tender/results/kit.py)."""

from __future__ import annotations

from tests.tender.results.kit import closed, results_database  # noqa: F401
