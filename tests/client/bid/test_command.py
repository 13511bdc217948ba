"""`etender bid keygen | seal | inspect`, run through the real command tree."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from signing import age
from signing.certs import Identity, dump_pem_certificate, dump_pem_private_key
from signing.committee import Committee, Official, dump_committee
from signing.demo_ca import DemoCA
from tests.signing.bid_kit import TENDER, make_committee
from tests.signing.conftest import IssueUser
from web.cli.main import main

AGE = "/usr/bin/age"


@pytest.fixture(scope="module")
def committee(issue_user: IssueUser) -> Committee:
    """A committee of four, threshold two, with statements issued now (the CLI checks now)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    people = [issue_user(f"官员{x}", now=now - dt.timedelta(days=1)) for x in range(1, 5)]
    return make_committee(people, k=2, at=now).committee


@pytest.fixture
def workspace(tmp_path: Path, demo_ca: DemoCA, issue_user: IssueUser, committee: Committee) -> Path:
    """Files a bidder has: trust anchor, certificate, key, committee, the bid documents."""
    bidder: Identity = issue_user(
        "厦门示例建设有限公司",
        org_credit_code="91350100M000100Y43",
        now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )
    (tmp_path / "root.crt").write_bytes(dump_pem_certificate(demo_ca.root_cert))
    (tmp_path / "bidder.crt").write_bytes(
        dump_pem_certificate(bidder.certificate) + dump_pem_certificate(bidder.chain[0])
    )
    (tmp_path / "bidder.key").write_bytes(dump_pem_private_key(bidder.key))
    (tmp_path / "committee.json").write_bytes(dump_committee(committee))
    (tmp_path / "技术标.pdf").write_bytes(os.urandom(1_200_000))
    (tmp_path / "报价.txt").write_bytes("报价 123400 分".encode())
    return tmp_path


def _keygen(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["bid", "keygen", "--out", str(path)]) == 0
    return capsys.readouterr().out.strip()


def _seal(
    ws: Path,
    *extra: str,
    committee: str = "committee.json",
    fields: tuple[str, ...] = ("price=123400", "duration=90"),
) -> int:
    arguments = {
        "--committee": str(ws / committee),
        "--trust": str(ws / "root.crt"),
        "--cert": str(ws / "bidder.crt"),
        "--key": str(ws / "bidder.key"),
        "--identity": str(ws / "bidder.agekey"),
        "--tender": TENDER,
        "--lot": "1",
        "--out-dir": str(ws / "sealed"),
    }
    argv = ["bid", "seal", *(x for pair in arguments.items() for x in pair)]
    argv += [x for field in fields for x in ("--field", field)]
    argv += ["--file", str(ws / "技术标.pdf"), "--file", str(ws / "报价.txt")]
    return main([*argv, *extra])


def test_keygen_writes_a_private_identity_and_prints_its_recipient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mode 0600, age-keygen's layout, the recipient on stdout; never overwrites."""
    path = tmp_path / "bidder.agekey"
    recipient = _keygen(path, capsys)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key_line = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    assert age.X25519Identity.parse(key_line[0]).recipient().encode() == recipient
    assert main(["bid", "keygen", "--out", str(path)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err


def test_seal_then_stock_age_and_inspect(
    workspace: Path, committee: Committee, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sealing prints the part hash; age -d opens it; inspect verifies and summarises."""
    _keygen(workspace / "bidder.agekey", capsys)
    assert _seal(workspace) == 0
    out = capsys.readouterr().out
    sealed = workspace / "sealed" / "main.age"
    assert hashlib.sha256(sealed.read_bytes()).hexdigest() in out
    assert committee.fingerprint_hex in out
    plain = subprocess.run(
        [AGE, "-d", "-i", str(workspace / "bidder.agekey"), str(sealed)],
        capture_output=True,
        check=True,
    ).stdout
    assert b"manifest.p7s" in plain
    code = main(
        [
            "bid",
            "inspect",
            "--identity",
            str(workspace / "bidder.agekey"),
            "--trust",
            str(workspace / "root.crt"),
            "--committee",
            str(workspace / "committee.json"),
            "--extract",
            str(workspace / "opened"),
            str(sealed),
        ]
    )
    summary = capsys.readouterr().out
    assert code == 0
    assert "field price = 123400" in summary
    assert "技术标.pdf" in summary
    assert "signature valid" in summary
    assert (workspace / "opened" / "files" / "报价.txt").read_bytes() == (
        workspace / "报价.txt"
    ).read_bytes()


def test_seal_refuses_a_committee_with_a_substituted_key(
    workspace: Path, committee: Committee, capsys: pytest.CaptureFixture[str]
) -> None:
    """A committee file whose recipient no statement vouches for: exit 1, nothing written."""
    _keygen(workspace / "bidder.agekey", capsys)
    first = committee.officials[0]
    swapped = Official(
        x=1,
        recipient=age.X25519Identity.generate().recipient().encode(),
        cert_sha256=first.cert_sha256,
        certificate=first.certificate,
        statement=first.statement,
    )
    forged = Committee(
        tender=committee.tender,
        lot=committee.lot,
        deadline=committee.deadline,
        k=committee.k,
        n=committee.n,
        officials=(swapped, *committee.officials[1:]),
    )
    (workspace / "forged.json").write_bytes(dump_committee(forged))
    assert _seal(workspace, committee="forged.json") == 1
    assert "committee_statement_invalid" in capsys.readouterr().err
    assert list(workspace.glob("sealed/*")) == []


def test_seal_shows_progress_when_asked(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--progress draws a bar on stderr for a file over 1 MiB."""
    _keygen(workspace / "bidder.agekey", capsys)
    assert _seal(workspace, "--progress") == 0
    assert "100%" in capsys.readouterr().err


def test_seal_refuses_a_price_that_is_not_in_fen(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Prices are integers in fen: 1234.00 is refused with the error code."""
    _keygen(workspace / "bidder.agekey", capsys)
    assert _seal(workspace, fields=("price=1234.00",)) == 1
    assert "bid_input_invalid" in capsys.readouterr().err
    assert list(workspace.glob("sealed/*")) == []


def test_key_can_come_from_stdin(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--key -` reads the signing key from standard input (never from argv or the network)."""
    _keygen(workspace / "bidder.agekey", capsys)
    command = [
        sys.executable,
        "-m",
        "web.cli.main",
        "bid",
        "seal",
        "--committee",
        str(workspace / "committee.json"),
        "--trust",
        str(workspace / "root.crt"),
        "--cert",
        str(workspace / "bidder.crt"),
        "--key",
        "-",
        "--identity",
        str(workspace / "bidder.agekey"),
        "--tender",
        TENDER,
        "--lot",
        "1",
        "--file",
        str(workspace / "报价.txt"),
        "--out-dir",
        str(workspace / "sealed"),
    ]
    result = subprocess.run(
        command,
        input=(workspace / "bidder.key").read_bytes(),
        capture_output=True,
        check=False,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr.decode()
    assert (workspace / "sealed" / "main.age").exists()


def test_inspect_with_a_wrong_identity_fails_cleanly(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone else's identity: one error line with the code, exit 1."""
    _keygen(workspace / "bidder.agekey", capsys)
    assert _seal(workspace) == 0
    _keygen(workspace / "other.agekey", capsys)
    code = main(
        [
            "bid",
            "inspect",
            "--identity",
            str(workspace / "other.agekey"),
            "--trust",
            str(workspace / "root.crt"),
            str(workspace / "sealed" / "main.age"),
        ]
    )
    assert code == 1
    assert "age_no_matching_stanza" in capsys.readouterr().err
