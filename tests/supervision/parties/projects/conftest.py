"""Projects are read from the results and contracts tables: these tests run on a clone of
the closed tender of issue 13 (tests/tender/results/kit.py)."""

from tests.tender.results.kit import closed, results_database  # noqa: F401
