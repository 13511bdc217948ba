"""The disclosure's database tests run on a clone of the closed tender
(tests/tender/results/kit.py): its opening records, qualification result and ranking are
real; the tests add the publicity and the award rows (factory.py)."""

from __future__ import annotations

from tests.tender.results.kit import closed, results_database  # noqa: F401
