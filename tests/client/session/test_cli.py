"""``etender session …`` as a member runs it: the real entry point in a child process
against a real server (the stand-in evaluation kind), and refusals as one line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from uuid import UUID

import pytest

from client.session.state import STATE_FILE
from tests.client.session.stand_in import StandInEvaluation
from tests.conftest import LiveServer
from tests.web.live.echo import connect, receive
from web.cli.main import build_parser, main

BID = "00000000-0000-0000-0000-00000000b1d1"
SESSION = "5b0c3a9e-1d2f-4a6b-8c7d-9e0f1a2b3c4d"


async def etender(*args: str, home: Path, token: str) -> tuple[int, list[str], str]:
    """Run ``etender`` in a child process (HOME and ETENDER_TOKEN set); exit status,
    stdout lines, stderr."""
    env = {**os.environ, "HOME": str(home), "ETENDER_TOKEN": token}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode().splitlines(), err.decode()


async def test_a_member_scores_and_reveals_from_the_command_line(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: UUID,
    tokens: list[str],
    tmp_path: Path,
    member_files: tuple[Path, Path],
) -> None:
    """score (seat from the session) prints its ack as JSON; reveal before the reveal
    phase is one line on stderr and exit 1; in the phase it releases the key; join
    prints the events; the state lives in ~/.etender/sessions/<id>/ (0700)."""
    home = tmp_path / "home"
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps([{"bid": BID, "item": "1.1", "points": 850}]))
    common = ["--server", live_server.url, "--session", str(evaluation_id)]
    cert, key = member_files
    code, out, err = await etender(
        "session", "score", *common, "--phase", "scoring", "--sheet", str(findings),
        "--cert", str(cert), "--key", str(key), home=home, token=tokens[0],
    )  # fmt: skip
    assert (code, err) == (0, "")
    submitted = json.loads(out[0])
    assert (submitted["submitted"], submitted["version"], submitted["seat"]) == ("scoring", 1, 1)
    code, out, err = await etender(
        "session", "reveal", *common, "--phase", "scoring", home=home, token=tokens[0]
    )
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("etender: the session is in phase 'scoring'")
    async with await connect(live_server, evaluation_id, tokens[1]) as host:
        await host.send(
            json.dumps({"id": "h1", "type": "advance", "data": {"phase": "scoring_reveal"}})
        )
        await receive(host, "ack")
    code, out, err = await etender(
        "session", "reveal", *common, "--phase", "scoring", home=home, token=tokens[0]
    )
    assert (code, json.loads(out[0])["revealed"]) == (0, "scoring")
    assert len(evaluation.revealed) == 1
    code, out, _ = await etender(
        "session", "join", *common, "--after", "0", home=home, token=tokens[0]
    )
    kinds = [json.loads(line)["kind"] for line in out]
    # score's and reveal's snapshots were answered to them, never events: the session's
    # events are the sheet, the phase and the reveal; join's own answer ends the lines.
    assert kinds == ["sheet.submitted", "session.phase", "sheet.revealed", "snapshot"]
    directory = home / ".etender" / "sessions" / str(evaluation_id)
    assert directory.stat().st_mode & 0o777 == 0o700
    assert json.loads((directory / STATE_FILE).read_text())["seq"] == 3


def test_a_corrupted_state_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No traceback: the file, why, and what to do."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    (state / STATE_FILE).write_text("{not json")
    os.chmod(state / STATE_FILE, 0o600)
    code = main(["session", "join", "--server", "http://127.0.0.1:9", "--token", "t",
                 "--session", SESSION, "--state-dir", str(state)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert "state.json cannot be trusted" in err


@pytest.mark.parametrize(
    ("extra", "code", "says"),
    [
        (["sign", "--reason", "x"], 2, "--reason goes with --refuse"),
        (["sign"], 2, "needs --cert and --key"),
        (["join", "--token", ""], 1, "no token"),
        (["join", "--server", "ftp://x"], 1, "is not an http(s):// or ws(s):// URL"),
        (["join", "--give-up", "0"], 1, "--give-up must be a positive"),
    ],
)
def test_bad_arguments_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    code: int,
    says: str,
) -> None:
    """Each refusal before connecting: one line on stderr, the documented exit status."""
    monkeypatch.delenv("ETENDER_TOKEN", raising=False)
    action, rest = extra[0], extra[1:]
    servers = [] if "--server" in rest else ["--server", "http://127.0.0.1:9"]
    token = [] if "--token" in rest else ["--token", "t"]
    argv = ["session", action, *servers, *token, "--session", SESSION,
            "--state-dir", str(tmp_path / "s"), *rest]  # fmt: skip
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert says in err


def test_every_session_action_is_wired_and_servers_repeat() -> None:
    """join, score, reveal, sign; --server may be given once per server process."""
    args = build_parser().parse_args([
        "session", "join", "--server", "http://a", "--server", "http://b",
        "--session", SESSION, "--follow",
    ])  # fmt: skip
    assert args.server == ["http://a", "http://b"]
    assert args.follow
    for action in ("score", "reveal", "sign"):
        with pytest.raises(SystemExit):  # their required arguments are missing
            build_parser().parse_args(["session", action])
