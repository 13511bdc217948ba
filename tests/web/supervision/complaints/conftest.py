"""The complaints HTTP tests run on a clone of the closed tender (tests/tender/results/kit.py)
with the results HTTP tests' app: its world logs in, the data directory is a copy of the
kit's trusting the world's CA (tests/web/tender/results/conftest.py)."""

from __future__ import annotations

from tests.tender.results.kit import closed, results_database
from tests.web.tender.results.conftest import conn, settings

__all__ = ["closed", "conn", "results_database", "settings"]
