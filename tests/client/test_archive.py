"""`etender archive verify` run as a separate process, as an auditor would: offline."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from client import archive as command
from signing.archive.package import write_package
from signing.archive.supplement import supplement_bytes
from signing.canonical import canonical_json
from tests.signing.archive.forge import first, flip, members, raw
from tests.signing.archive.test_manifest import FORGED, VALID, changed
from tests.tender.archive.kit import Archived
from tests.tender.archive.kit import archived as archived  # the fixture

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


def verify(
    *args: object, module: str = "web.cli.main", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    command = [str(PYTHON), "-m", module]
    command += ["archive", "verify"] if module == "web.cli.main" else ["verify"]
    return subprocess.run(
        [*command, *map(str, args)], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_a_fresh_package_verifies_with_exit_0(archived: Archived, tmp_path: Path) -> None:
    path = tmp_path / "archive.tar"
    path.write_bytes(archived.package)
    done = verify(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"OK {archived.archive.sha256}\n")


def test_a_tampered_package_exits_1_naming_the_file(archived: Archived, tmp_path: Path) -> None:
    target = first(archived.package, "bids/", ".receipt.json")
    data = members(archived.package)[target]
    path = tmp_path / "archive.tar"
    path.write_bytes(raw(archived.package, change={target: flip(data)}))
    done = verify(path)
    assert done.returncode == 1
    assert f"FAILED {target}: its SHA-256 or size differs from the manifest's" in done.stderr


def test_a_file_that_is_no_package_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "archive.tar"
    path.write_bytes(b"not a package")
    done = verify(path)
    assert done.returncode == 2
    assert "unreadable" in done.stderr


def test_the_verifier_runs_without_the_server_code(archived: Archived, tmp_path: Path) -> None:
    """An auditor's program: it loads no database, web or server module (STYLE.md 1)."""
    path = tmp_path / "archive.tar"
    path.write_bytes(archived.package)
    script = (
        "import sys, runpy; sys.argv = ['x', 'verify', sys.argv[1]]\n"
        "try:\n    runpy.run_module('client.archive', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    loaded = {m.split('.')[0] for m in sys.modules}\n"
        "    bad = loaded & {'asyncpg', 'starlette', 'uvicorn', 'httpx', 'web', 'tender',"
        " 'audit', 'accounts', 'evaluation'}\n"
        "    print('LOADED', sorted(bad), 'EXIT', exit.code)\n"
    )
    done = subprocess.run([str(PYTHON), "-c", script, str(path)], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.stdout.strip().endswith("LOADED [] EXIT 0"), done.stdout + done.stderr


def _supplement(archived: Archived, tmp_path: Path, package_sha256: str) -> list[Path]:
    body = supplement_bytes(
        tender_id=str(archived.archive.tender_id), package_sha256=package_sha256,
        added_at=dt.datetime.now(dt.UTC), records={"payments": []}, sign=archived.signer.sign,
    )  # fmt: skip
    package, supplement = tmp_path / "archive.tar", tmp_path / "supplement-1.tar"
    package.write_bytes(archived.package)
    supplement.write_bytes(body)
    return [package, Path("--supplement"), supplement]


def test_a_supplement_naming_the_package_verifies(archived: Archived, tmp_path: Path) -> None:
    done = verify(*_supplement(archived, tmp_path, archived.archive.sha256))
    assert done.returncode == 0, done.stderr
    assert "supplement supplement-1.tar: names this package, platform signature ok" in done.stdout


def test_a_supplement_of_another_package_exits_1_naming_it(
    archived: Archived, tmp_path: Path
) -> None:
    """A supplement names the package's SHA-256; one naming another fails, by name."""
    done = verify(*_supplement(archived, tmp_path, "0" * 64))
    assert done.returncode == 1
    assert "FAILED supplement-1.tar: names another package" in done.stderr


# --- what the verifier reads: regular files, at most --max-mib (archive.md §8) -------


def test_a_named_pipe_is_refused_unread_with_exit_2(tmp_path: Path) -> None:
    """A FIFO is never read: the verifier would wait for a writer forever."""
    pipe = tmp_path / "archive.tar"
    os.mkfifo(pipe)
    done = verify(pipe, timeout=30)
    assert done.returncode == 2
    assert done.stderr == (
        f"etender archive verify: cannot read {pipe}: not a regular file (a named pipe)\n"
    )


def test_a_device_is_refused_unread_with_exit_2() -> None:
    """A device (/dev/zero never ends) is refused before a byte is read."""
    done = verify("/dev/null", timeout=30)
    assert done.returncode == 2
    assert "cannot read /dev/null: not a regular file (a character device)" in done.stderr


def test_a_supplement_that_is_a_named_pipe_is_refused_by_name(
    archived: Archived, tmp_path: Path
) -> None:
    package, pipe = tmp_path / "archive.tar", tmp_path / "supplement-1.tar"
    package.write_bytes(archived.package)
    os.mkfifo(pipe)
    done = verify(package, "--supplement", pipe, timeout=30)
    assert done.returncode == 2
    assert f"cannot read {pipe}: not a regular file (a named pipe)" in done.stderr


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    """The limit is --max-mib MiB; a (sparse) file one byte over is refused unread."""
    path = tmp_path / "archive.tar"
    with path.open("wb") as handle:
        handle.truncate((1 << 20) + 1)
    done = verify(path, "--max-mib", 1, timeout=30)
    assert done.returncode == 2
    assert done.stderr == (
        f"etender archive verify: cannot read {path}: larger than the limit of 1 MiB "
        "(raise it with --max-mib)\n"
    )


def test_the_default_limit_is_2048_mib(tmp_path: Path) -> None:
    path = tmp_path / "archive.tar"
    with path.open("wb") as handle:
        handle.truncate((2048 << 20) + 1)
    done = verify(path, timeout=30)
    assert done.returncode == 2
    assert "larger than the limit of 2048 MiB" in done.stderr


# --- what the verifier prints: escaped, worded, exit 2 for malformations (§8) ---------


def _manifest_package(tmp_path: Path, manifest: bytes) -> Path:
    path = tmp_path / "archive.tar"
    path.write_bytes(write_package({"manifest.json": manifest, "manifest.json.p7s": b"x"}))
    return path


def test_a_manifest_path_cannot_forge_an_ok_line(tmp_path: Path) -> None:
    """A path "zz\\nOK <hash>" is malformed (§3's rule, step 1): exit 2, one line, no OK."""
    path = _manifest_package(tmp_path, changed(("files", 0, "path"), FORGED))
    done = verify(path, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "OK" not in done.stderr.replace("\\nOK", "")


def test_an_escape_sequence_in_the_manifest_never_reaches_the_terminal(tmp_path: Path) -> None:
    path = _manifest_package(tmp_path, changed(("files", 0, "kind"), "\x1b[2J\x1b[31mok"))
    done = verify(path, timeout=60)
    assert done.returncode == 2
    assert "\x1b" not in done.stderr
    assert "files[0].kind: '\\x1b[2J\\x1b[31mok' is not one of" in done.stderr


@pytest.mark.parametrize(
    ("manifest", "said"),
    [
        (changed(("built_at",), "yesterday"), "built_at: 'yesterday' is not a time"),
        (changed(("files", 0, "size"), 1e308), "files[0].size: expected an integer, got a number"),
        (canonical_json(VALID).replace(b'"size":2', b'"size":' + b"9" * 400, 1),
         "is not RFC 8785 canonical JSON (a number outside"),
        (canonical_json(VALID).replace(b'"size":2', b'"size":NaN', 1), "NaN is not a JSON number"),
    ],
)  # fmt: skip
def test_a_malformed_manifest_exits_2_in_words(tmp_path: Path, manifest: bytes, said: str) -> None:
    done = verify(_manifest_package(tmp_path, manifest), timeout=60)
    assert done.returncode == 2
    assert said in done.stderr
    assert "Error" not in done.stderr


def test_every_failure_line_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    command._report([{"file": "a\nOK " + "0" * 64, "what": "\x1b[2J" + "x" * 1000}])
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "\x1b" not in err
    assert err.startswith("FAILED a\\nOK 000")
    assert err.rstrip().endswith("… (1004 characters)")
