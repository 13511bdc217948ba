"""The method awards run on a clone of the closed tender (tests/tender/results/kit.py):
its responses were opened by the tender's opening, as a project's are."""

from __future__ import annotations

from tests.tender.results.kit import closed, results_database  # noqa: F401
