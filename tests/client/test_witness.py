"""`etender witness` and `etender audit verify` refuse bad input in one line, never with
a traceback (outside check of issue 10: a malformed key file or a missing checkpoint file
ended in a Python traceback), and a refusal by the platform names its error code."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from client.witness import _refusal
from web.cli.main import main


def test_a_malformed_witness_key_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "bad.key"
    key.write_text("garbage\n")
    code = main(["witness", "--key", str(key), "--server", "http://127.0.0.1:9",
                 "--log-key", "x", "--once"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("etender: ")
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_a_missing_checkpoint_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.checkpoint"
    code = main(["audit", "verify", "--server", "http://127.0.0.1:9", "--log-key", "x",
                 "--checkpoint", str(missing)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("etender: cannot read the saved checkpoint: ")
    assert str(missing) in err
    assert err.count("\n") == 1


def test_the_platforms_refusal_is_read_from_its_error_body() -> None:
    body = {"error": {"code": "log_witness_not_found", "message": "no registered witness"}}
    response = httpx.Response(404, json=body)
    assert _refusal(response) == ("log_witness_not_found", "no registered witness")
    assert _refusal(httpx.Response(502, text="bad gateway")) == ("http_502", "Bad Gateway")
