"""`etender calendar`: the operator adds a year's State Council schedule to the data dir,
checked first as the server will check it (docs/deployment.md, "Holiday calendar"; the
outside tester's finding 5). In-process: no server, no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
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


# --- what is read: a regular file of 64 KiB at most (breaker F10) -------------------

MAX_FILE_BYTES = 64 * 1024  # docs/deployment.md §11


def _padded(directory: Path, size: int) -> Path:
    """A valid 2027 file padded with spaces to ``size`` bytes."""
    path = write_synthetic(directory, 2027)
    raw = path.read_bytes()
    path.write_bytes(raw + b" " * (size - len(raw)))
    return path


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (
            lambda d: (d / "2027.json").symlink_to("/dev/null"),
            "not a regular file (a character device)",
        ),
        (
            lambda d: _padded(d, MAX_FILE_BYTES + 1),
            f"larger than the limit of {MAX_FILE_BYTES} bytes",
        ),
    ],
)
@pytest.mark.parametrize("command", ["check", "add", "list"])
def test_anything_but_a_small_regular_file_is_refused_unread_with_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], object],
    refusal: str,
    command: str,
) -> None:
    """A device (a link to /dev/zero ate 8.7 GB) or a file over MAX_FILE_BYTES is refused
    before it is read, named on the command line or lying in <data dir>/holidays."""
    data = tmp_path / "data"
    where = data / "holidays" if command == "list" else tmp_path / "in"
    where.mkdir(parents=True)
    make(where)
    path = where / "2027.json"
    given = [] if command == "list" else [str(path)]
    extra = [] if command == "check" else ["--data-dir", str(data)]
    assert main(["calendar", command, *given, *extra]) == 2
    assert capsys.readouterr().err == f"etender: {path}: {refusal}\n"


def test_the_limit_is_64_kib_exactly(tmp_path: Path) -> None:
    """A valid file of MAX_FILE_BYTES is read; one byte more is refused."""
    assert main(["calendar", "check", str(_padded(tmp_path / "a", MAX_FILE_BYTES))]) == 0
    assert main(["calendar", "check", str(_padded(tmp_path / "b", MAX_FILE_BYTES + 1))]) == 2


@pytest.mark.parametrize("command", ["check", "list"])
def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path: Path, command: str) -> None:
    """A FIFO named 2027.json (on the command line, or in <data dir>/holidays, which every
    server start reads) hung the command; now it is refused, exit 2. A subprocess, so the
    old behaviour fails the test by its timeout instead of hanging the run."""
    data = tmp_path / "data"
    (data / "holidays").mkdir(parents=True)
    pipe = (data / "holidays" if command == "list" else tmp_path) / "2027.json"
    os.mkfifo(pipe)
    args = ["list", "--data-dir", str(data)] if command == "list" else ["check", str(pipe)]
    done = subprocess.run(
        [sys.executable, "-m", "web.cli.main", "calendar", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"etender: {pipe}: not a regular file (a named pipe)\n"
