"""The demo's tender in evaluation (issue 11, item 12; issue 14, "Must show"), on a copy of
the loaded demo: a lot opened the honest way (sealed bids, a real deadline, the officials'
shares), its draw complete, the session scheduled with the draw's five seated; the
centre's dashboard draws it; a member scores with the demo's key files."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from starlette.applications import Starlette

from accounts.keys import official_queries
from evaluation.model import Phase
from evaluation.room.session import EvaluationRoom
from evaluation.sessions import service as sessions
from expert_pool.draws import queries as queries_draws
from live import queries as live_queries
from live import service as live
from live.model import Command
from tender.lifecycle import load
from tender.opening.publication import opening_record
from tender.submission.receipts import RECEIPT_DIR
from tests.conftest import LiveServer
from tests.evaluation.servers import bearer_token
from tests.web.demo.conftest import DemoTemplate
from web.demo.stages import DemoStages
from web.evaluation.demo import MAIN_VENUE, DemoEvaluation
from web.evaluation.demo_opening import actor
from web.services import services


def _stages(demo_template: DemoTemplate) -> DemoStages:
    stages = demo_template.loaded.stages
    assert stages is not None
    return stages


def _evaluation(demo_template: DemoTemplate) -> DemoEvaluation:
    return _stages(demo_template).evaluation


async def test_the_demo_has_one_tender_in_evaluation_with_its_committee(
    pool: asyncpg.Pool, demo_template: DemoTemplate
) -> None:
    """Three bids opened and recorded; five experts drawn and confirmed; the centre
    scheduled the session at the main venue; no user's private key in the data dir."""
    result = _evaluation(demo_template)
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
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
    assert {"official1", "official2", "official3", "bidder1", "bidder2", "bidder3"} <= set(
        result.keys
    )
    # Only the platform's own receipt key (tender/submission/receipts.py): no user's.
    data_dir = demo_template.data_dir
    keys = [p for p in data_dir.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()]
    assert keys == [data_dir / RECEIPT_DIR / "receipt.key"]


@pytest.mark.browser
async def test_the_centres_dashboard_draws_the_demos_data_in_chromium(
    pool: asyncpg.Pool, demo_template: DemoTemplate, live_server: LiveServer, browser: Any
) -> None:
    """Issue 14, "Must show": the statistics dashboard in a real Chromium, its charts drawn
    from what `etender demo` loads — the demo's works tenders, its drawn experts by county."""
    async with pool.acquire() as conn:
        # Every service of a drawn expert the demo records (a draw's 5, each session's).
        drawn = await conn.fetchval("SELECT count(*) FROM expert_services")
        # The demo seats experts for evaluations days ahead; the dashboard's default period
        # is the year so far, so the test names a period that holds every day served.
        first, last = await conn.fetchrow(
            "SELECT min(served_on), max(served_on) FROM expert_services"
        )
        works = await conn.fetchval(
            "SELECT count(*) FROM tenders WHERE category = 'works' AND published_at IS NOT NULL"
        )
    logins = demo_template.loaded.accounts.logins
    password = next(x.password for x in logins if x.username == "centre.staff")
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
        year = dt.date(first.year, 1, 1)
        await page.goto(f"{live_server.url}/supervision/statistics?from={year}&to={last}")
        await page.wait_for_selector("section[data-chart='volume-category'] svg")
        volumes = dict(await _bars(page, "volume-category"))
        assert drawn > 0
        assert volumes["工程"] == str(works)  # the demo's works tenders
        usage = await _bars(page, "expert-usage")
        assert sum(int(value) for _, value in usage) == drawn  # every service, by county
    finally:
        await context.close()


async def _bars(page: Any, chart: str) -> list[tuple[str, str]]:
    found = await page.eval_on_selector_all(
        f"section[data-chart='{chart}'] svg rect.bar",
        "els => els.map(e => [e.getAttribute('data-label'), e.getAttribute('data-value')])",
    )
    return [(label, value) for label, value in found]


async def _to_qualification(conn: asyncpg.Connection, app: Starlette,
                            result: DemoEvaluation) -> None:  # fmt: skip
    """The host and the committee through sign-in, declarations and the chair's vote."""
    room = EvaluationRoom(trust=lambda: services(app).trust_required())
    session = await live_queries.get_session(conn, result.session_id)
    assert session is not None
    host = await actor(conn, "centre.staff")
    members = [await actor(conn, name) for name in result.committee]
    steps = [(host, "open_sign_in", {})]
    for seat, member in enumerate(members, start=1):
        steps += [(member, "sign_in", {"venue": MAIN_VENUE}), (host, "confirm_identity",
                                                                {"seat": seat})]  # fmt: skip
    steps.append((host, "start", {}))
    steps += [(m, "declare", {"conflict": False}) for m in members]
    steps += [(m, "vote_chair", {"seat": 1}) for m in members]
    for n, (who, kind, data) in enumerate(steps):
        await live.apply(conn, room, session, who, Command(id=f"t{n}", type=kind, data=data))


async def _run(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *args, cwd=cwd, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_demo_member_scores_with_the_demos_key_files(
    demo_template: DemoTemplate,
    app: Starlette,
    live_server: LiveServer,
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    """The session driven to its qualification review; seat 1 submits its signed sheet
    with ``etender session score`` and the key files the demo wrote for it (its pool id's
    name, as ``etender demo`` prints them): acked."""
    result = _evaluation(demo_template)
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        await _to_qualification(conn, app, result)
        token = await bearer_token(conn, (await actor(conn, result.committee[0])).user_id)
    keys = demo_template.client_dir / "keys"
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps([]))  # the demo lot's method has no qualification item
    code, out, err = await _run(
        "session", "score", "--server", live_server.url, "--session", str(result.session_id),
        "--phase", "qualification", "--sheet", str(findings),
        "--cert", str(keys / f"{result.expert_ids[0]}.crt"),
        "--key", str(keys / f"{result.expert_ids[0]}.key"),
        cwd=tmp_path, env={"HOME": str(tmp_path / "home"), "ETENDER_TOKEN": token},
    )  # fmt: skip
    assert (code, err) == (0, "")
    acked = json.loads(out.splitlines()[0])
    assert (acked["submitted"], acked["seat"], acked["version"]) == ("qualification", 1, 1)
