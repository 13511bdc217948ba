"""``etender demo`` is all or nothing (issue 15, item 6): an error leaves no demo row and
one clear line, and the next run — the CA already in the client folder, even with a
new data dir — finishes the job, prints every login once, the committee's seats and the
key files; a later run changes nothing.

The command runs whole (its bid deadline a real 25-second wait) in one test only: what
it loads is checked on a loaded copy in tests/web/demo."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import asyncpg
import pytest

from client.opening import read_identity
from tender.submission.receipts import RECEIPT_DIR
from tests.conftest import CloneDatabase
from web.cli.main import main

TABLES = ("organisations", "users", "experts", "tenders", "log_entries")


async def _counts(database: CloneDatabase) -> dict[str, int]:
    conn = await asyncpg.connect(database.owner_dsn)
    try:
        return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
    finally:
        await conn.close()


async def _recipients(database: CloneDatabase) -> set[str]:
    conn = await asyncpg.connect(database.owner_dsn)
    try:
        return {r["recipient"] for r in await conn.fetch("SELECT recipient FROM opening_officials")}
    finally:
        await conn.close()


async def _statuses(database: CloneDatabase) -> list[str]:
    conn = await asyncpg.connect(database.owner_dsn)
    try:
        # The stage tenders (a procurement project's tender is the demo's project's).
        rows = await conn.fetch(
            "SELECT status FROM tenders WHERE published_at IS NOT NULL AND id NOT IN "
            "(SELECT tender_id FROM procurement_projects)"
        )
        return sorted(r["status"] for r in rows)
    finally:
        await conn.close()


def _use(monkeypatch: pytest.MonkeyPatch, database: CloneDatabase, data_dir: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", database.owner_dsn)
    monkeypatch.setenv("ETENDER_DATA_DIR", str(data_dir))


def _fail_at_the_key_files(cwd: Path) -> Path:
    """A file where the demo writes its key folder: the load fails after the accounts,
    the CA and the expert pool were written (past where a rerun used to break)."""
    blocker = cwd / "demo-client" / "keys"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    return blocker


@pytest.mark.slow
def test_a_demo_load_that_fails_keeps_no_row_and_says_so_in_one_line(
    database: CloneDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Nothing half-loaded: no organisation, user, expert, tender or log entry survives,
    and the error is one line on stderr, not a traceback."""
    _use(monkeypatch, database, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    _fail_at_the_key_files(tmp_path)
    before = asyncio.run(_counts(database))
    assert main(["demo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("etender: demo not loaded: ")
    assert "run `etender demo` again" in err
    assert "Traceback" not in err
    assert asyncio.run(_counts(database)) == before
    assert before["organisations"] == 0


async def _phase(database: CloneDatabase, session_id: str) -> str:
    conn = await asyncpg.connect(database.owner_dsn)
    try:
        phase: str = await conn.fetchval(
            "SELECT phase FROM evaluation_sessions WHERE id = $1", uuid.UUID(session_id)
        )
    finally:
        await conn.close()
    return phase


def _head(path: Path) -> bytes:
    return path.read_bytes()[:200] if path.is_file() else b""


@pytest.mark.slow(wait=40)
def test_a_rerun_with_the_ca_already_there_and_a_new_data_dir_finishes_the_job(
    database: CloneDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The issue's case: a run left ./demo-client/ca behind (here: it failed after making
    it); a run in the same working directory with a new data dir uses that CA, loads
    everything — the expert pool too — and prints the logins once, the committee's seats
    and their key files; a third run changes nothing and prints no password."""
    monkeypatch.chdir(tmp_path)
    blocker = _fail_at_the_key_files(tmp_path)
    _use(monkeypatch, database, tmp_path / "first")
    assert main(["demo"]) == 1
    assert (tmp_path / "demo-client" / "ca" / "root.crt").exists()
    blocker.unlink()
    capsys.readouterr()
    _use(monkeypatch, database, tmp_path / "second")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "demo data loaded:" in out
    counts = asyncio.run(_counts(database))
    assert counts["experts"] == 30
    assert asyncio.run(_statuses(database)) == sorted(
        ["published", "published", "evaluation", "candidates_publicised", "awarded"]
    )
    root = (tmp_path / "demo-client" / "ca" / "root.crt").read_bytes()
    assert (tmp_path / "second" / "trust" / "demo-root.crt").read_bytes() == root
    for stage in ("Open for bids:", "Opening today:", "In evaluation:", "Candidates published:",
                  "Awarded:"):  # fmt: skip
        assert stage in out
    # The logins, printed this once (the accounts' demo).
    assert "expert30" in out
    assert "sysadmin" in out
    assert "ONCE" in out
    # The committee's seats and logins, the session scheduled (issue 11, item 12).
    line = next(x for x in out.splitlines() if x.strip().startswith("committee (seat, login):"))
    seats = re.findall(r"专家(\d) (expert\d\d)", line)
    assert [int(n) for n, _ in seats] == [1, 2, 3, 4, 5]
    assert "tender in evaluation: 宣城市敬亭山路拓宽改造工程" in out
    # The demo listing, on the platform's bidding engine (issue 18): its page is printed.
    assert re.search(r"a listing in its listing period: +\S+/listings/[0-9a-f-]{36}", out)
    # A procurement project of each method (issue 18, web/demo/procurement.py).
    assert len(re.findall(r"procurement, \w+: .+ \S+/procurement/[0-9a-f-]{36}", out)) == 4
    session = re.search(r"session ([0-9a-f-]{36})", out)
    assert session is not None
    assert asyncio.run(_phase(database, session.group(1))) == "scheduled"
    # Each seat's key files, by expert id, 0600 on the client side.
    files = dict(re.findall(r"(expert\d\d) (E\d{3})", out.split("key files:")[1]))
    assert list(files) == [login for _, login in seats]
    keys = tmp_path / "demo-client" / "keys"
    for expert_id in files.values():
        assert (keys / f"{expert_id}.key").stat().st_mode & 0o777 == 0o600
    assert (keys / "bidder1.key").stat().st_mode & 0o777 == 0o600
    # The server trusts the CA's certificates; the platform's receipt key is the only
    # private key in its data dir (tender/submission/receipts.py), no user's.
    assert sorted(p.name for p in (tmp_path / "second" / "trust").iterdir()) == [
        "demo-issuing.crt",
        "demo-root.crt",
    ]
    held = [p for p in (tmp_path / "second").rglob("*") if b"PRIVATE KEY" in _head(p)]
    assert held == [tmp_path / "second" / RECEIPT_DIR / "receipt.key"]
    # Each official's opening key, for `etender opening release` once today's deadline
    # passes: 0600, the recipient its committee seats were sealed to.
    recipients = asyncio.run(_recipients(database))
    for name in ("official1", "official2", "official3"):
        agekey = keys / f"{name}.agekey"
        assert agekey.stat().st_mode & 0o777 == 0o600
        assert read_identity(agekey).recipient().encode() in recipients
    assert "etender opening release --server" in out
    assert main(["demo"]) == 0
    again = capsys.readouterr().out
    assert "demo data already loaded" in again
    assert "nothing changed" in again
    assert "expert30" not in again
    assert asyncio.run(_counts(database)) == counts
