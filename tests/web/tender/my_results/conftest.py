"""The bidder's results page runs on a clone of the closed tender
(tests/tender/results/kit.py), with the app and connection of the award notices' page
tests (the notices are issued by the test, not by the app)."""

from __future__ import annotations

from tests.tender.results.kit import closed, results_database  # noqa: F401
from tests.web.tender.award_notices.conftest import conn, settings  # noqa: F401
