"""A tender whose evaluation closed for real (tests/tender/results/kit.py), cloned per test."""

from __future__ import annotations

from tests.tender.results.kit import closed, results_database  # noqa: F401
