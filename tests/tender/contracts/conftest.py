"""Every test here runs on its own clone of the opened lot (tests/evaluation/kit.py)."""

from tests.evaluation.kit import scenario_database  # noqa: F401
