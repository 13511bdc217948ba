"""docs/api-alerts.md is exact: every endpoint it lists is served and every one served is
listed; every error code of supervision/alerts is in its table with its status."""

from __future__ import annotations

import re
from pathlib import Path

from supervision.alerts import errors
from web.supervision.alerts.routes import ROUTES

DOC = (Path(__file__).parents[4] / "docs" / "api-alerts.md").read_text(encoding="utf-8")


def test_the_endpoint_table_is_the_routes() -> None:
    documented = set(re.findall(r"^\| `(GET|POST) (/alerts[^`?]*)", DOC, re.MULTILINE))
    served = {(r.method, r.path.removeprefix("/api/v1")) for r in ROUTES}
    assert documented == served


def test_every_error_code_is_documented_with_its_status() -> None:
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", DOC, re.MULTILINE))
    for cls in (errors.AlertNotFound, errors.AlertStateConflict, errors.AlertNoteInvalid):
        assert rows[cls.code] == str(cls.status)
