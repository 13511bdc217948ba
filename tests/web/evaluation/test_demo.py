"""The demo's tender in evaluation: a lot opened the honest way (sealed bids, a real
deadline, the officials' shares), its evaluation draw complete, the session scheduled
(issue 11, item 12) — through the real session core, on an empty database."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from accounts.keys import official_queries
from accounts.model import ConsoleOperator
from evaluation.model import Phase
from evaluation.sessions import service as sessions
from expert_pool.draws import queries as queries_draws
from signing.demo_ca import DemoCA
from tender.lifecycle import load
from tender.opening.publication import opening_record
from tender.submission.receipts import RECEIPT_DIR
from tests.conftest import CloneDatabase, LiveServer
from tests.conftest import database as empty_database
from tests.expert_pool import fixtures
from tests.expert_pool.world import TEST_LOG
from web.accounts import demo as accounts_demo
from web.cli.main import main
from web.evaluation.demo import MAIN_VENUE, load_demo
from web.expert_pool.demo import load_demo as load_pool_demo

pool_ca = fixtures.pool_ca
# The demo loads into an empty database, not the evaluation template this folder uses.
database = empty_database
__all__ = ["database", "pool_ca"]


@pytest.mark.slow
async def test_the_demo_has_one_tender_in_evaluation_with_its_committee(
    pool: asyncpg.Pool, pool_ca: DemoCA, tmp_path: Path
) -> None:
    """Three bids opened and recorded; five experts drawn and confirmed; the centre
    scheduled the session at the main venue; no private key in the data dir."""
    data_dir = tmp_path / "data"
    async with pool.acquire() as proxy:
        conn: asyncpg.Connection = proxy  # type: ignore[assignment]
        await accounts_demo.load_demo(conn, ConsoleOperator(name="test"))
        experts = await load_pool_demo(conn, id_card_key=b"d" * 32, ca=pool_ca, log=TEST_LOG)
        result = await load_demo(
            conn, pool, data_dir=data_dir, ca=pool_ca, log=TEST_LOG, experts=experts.identities
        )
        record = json.loads((await opening_record(conn, result.tender_id, "1")).body)
        assert sorted(e["outcome"] for e in record["entries"]) == ["opened"] * 3
        draw = await queries_draws.draw(conn, result.draw_id)
        assert draw is not None
        assert draw.status == "complete"
        # The core seated the draw's five in draw order; the tender is in evaluation.
        state = await sessions.load(conn, result.session_id, lock=False)
        assert (state.phase, state.lot, state.main_venue_id) == (Phase.SCHEDULED, "1", MAIN_VENUE)
        assert [m.seat for m in state.seated] == [1, 2, 3, 4, 5]
        seated = [await conn.fetchval("SELECT username FROM users WHERE id = $1", m.user_id)
                  for m in state.seated]  # fmt: skip
        assert seated == list(result.committee)
        assert (await load(conn, result.tender_id)).status == "evaluation"
        # The officials registered their recipient too: the staff's committee form
        # offers them for a new draft (the outside tester's finding 9).
        offered = {o.username for o in await official_queries.registered_officials(conn)}
        assert offered == {"official1", "official2", "official3"}
    assert len(result.committee) == 5
    assert all(name.startswith("expert") for name in result.committee)
    assert set(result.keys) == {
        "official1",
        "official2",
        "official3",
        "bidder1",
        "bidder2",
        "bidder3",
    }
    # Only the platform's own receipt key (tender/submission/receipts.py): no user's.
    keys = [p for p in data_dir.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()]
    assert keys == [data_dir / RECEIPT_DIR / "receipt.key"]


async def _phase(database: CloneDatabase, session_id: str) -> str:
    conn = await asyncpg.connect(database.app_dsn)
    try:
        phase: str = await conn.fetchval(
            "SELECT phase FROM evaluation_sessions WHERE id = $1", uuid.UUID(session_id)
        )
    finally:
        await conn.close()
    return phase


@pytest.mark.slow
def test_etender_demo_prints_the_committees_logins(
    database: CloneDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The command's summary names the tender in evaluation and each seat's login; the
    bidders' and officials' demo keys go to the client folder (0600)."""
    monkeypatch.setenv("DATABASE_URL", database.owner_dsn)
    monkeypatch.setenv("ETENDER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("committee (seat, login):"))
    seats = re.findall(r"专家(\d) (expert\d\d)", line)
    assert [int(n) for n, _ in seats] == [1, 2, 3, 4, 5]
    assert "tender in evaluation: 宣城市敬亭山路拓宽改造工程" in out
    session = re.search(r"session ([0-9a-f-]{36})", out)
    assert session is not None
    assert asyncio.run(_phase(database, session.group(1))) == "scheduled"
    key = tmp_path / "demo-client" / "keys" / "bidder1.key"
    assert key.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
@pytest.mark.browser
async def test_the_centres_dashboard_draws_the_demos_data_in_chromium(
    pool: asyncpg.Pool, pool_ca: DemoCA, tmp_path: Path, live_server: LiveServer, browser: Any
) -> None:
    """Issue 14, "Must show": the statistics dashboard in a real Chromium, its charts drawn
    from what `etender demo` loads — the demo's works tender, its drawn experts by county."""
    async with pool.acquire() as proxy:
        conn: asyncpg.Connection = proxy  # type: ignore[assignment]
        accounts = await accounts_demo.load_demo(conn, ConsoleOperator(name="test"))
        experts = await load_pool_demo(conn, id_card_key=b"d" * 32, ca=pool_ca, log=TEST_LOG)
        await load_demo(
            conn, pool, data_dir=tmp_path / "data", ca=pool_ca, log=TEST_LOG,
            experts=experts.identities,
        )  # fmt: skip
        drawn = await conn.fetchval("SELECT count(*) FROM evaluation_members")
    password = next(x.password for x in accounts.logins if x.username == "centre.staff")
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        await page.fill("#username", "centre.staff")
        await page.fill("#password", password)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{live_server.url}/home")
        await page.click("a[href='/supervision/statistics']")  # the centre's home links it
        await page.wait_for_selector("section[data-chart='volume-category'] svg")
        assert await page.locator("section.chart-panel svg").count() == 7
        volumes = dict(await _bars(page, "volume-category"))
        assert volumes["工程"] == "1"  # the demo's one works tender
        usage = await _bars(page, "expert-usage")
        assert sum(int(value) for _, value in usage) == drawn  # every seated expert, by county
    finally:
        await context.close()


async def _bars(page: Any, chart: str) -> list[tuple[str, str]]:
    found = await page.eval_on_selector_all(
        f"section[data-chart='{chart}'] svg rect.bar",
        "els => els.map(e => [e.getAttribute('data-label'), e.getAttribute('data-value')])",
    )
    return [(label, value) for label, value in found]
