"""`etender calendar`: the operator adds a year's State Council schedule to the data dir,
checked first as the server will check it (docs/deployment.md, "Holiday calendar"; the
outside tester's finding 5). In-process: no server, no database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tender.calendar import HOLIDAY_DIR, load_calendar
from tests.tender.calendar_kit import synthetic_year, write_synthetic
from web.cli.main import main


def test_add_checks_writes_and_refuses_to_overwrite_without_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    given = write_synthetic(tmp_path / "in", 2027)
    assert main(["calendar", "check", str(given)]) == 0
    assert not (data / "holidays").exists()  # check writes nothing
    assert main(["calendar", "add", str(given), "--data-dir", str(data)]) == 0
    written = data / "holidays" / "2027.json"
    assert written.read_bytes() == given.read_bytes()
    assert "restart the server" in capsys.readouterr().out
    assert load_calendar([HOLIDAY_DIR, data / "holidays"]).covers(2027)
    # A year already there: only with --replace (a later notice changing that year).
    assert main(["calendar", "add", str(given), "--data-dir", str(data)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["calendar", "add", str(given), "--data-dir", str(data), "--replace"]) == 0
    capsys.readouterr()
    assert main(["calendar", "list", "--data-dir", str(data)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line[:5] for line in listed] == ["2025:", "2026:", "2027:"]
    assert [p.name for p in (data / "holidays").iterdir()] == ["2027.json"]  # no temp left


def test_a_file_that_is_not_a_whole_notice_is_not_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    body = synthetic_year(2027)
    body["workdays"] = ["2027-01-04"]  # a Monday
    given = tmp_path / "2027.json"
    given.write_text(json.dumps(body), encoding="utf-8")
    assert main(["calendar", "add", str(given), "--data-dir", str(data)]) == 1
    assert "weekend day" in capsys.readouterr().err
    assert not (data / "holidays" / "2027.json").exists()
    assert main(["calendar", "check", str(tmp_path / "missing.json")]) == 2
