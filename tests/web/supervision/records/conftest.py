"""The records' HTTP tests run on the evaluation HTTP tests' app over a clone of the
opened lot (tests/web/evaluation/conftest.py: its CA trusted, its world logs in)."""

from __future__ import annotations

from tests.web.evaluation.conftest import (  # noqa: F401
    ca,
    conn,
    scenario_database,
    settings,
    w,
)
