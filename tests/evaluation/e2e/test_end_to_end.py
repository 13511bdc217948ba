"""Live remote cross-city evaluation, end to end, on real parts (issue 11, "Must show").

Seven experts drawn for the lot sit at three venues — the main venue and the two
assisting venues the same draw picked — and evaluate in one session served by two
`etender serve` processes on one PostgreSQL, each participant on its own client socket
(client/session). Centre staff open the sign-in and confirm each member's identity;
the committee declares, elects its chair by vote, seals its qualification findings,
reveals them (the majority fails one bid), seals and reveals its scores; one score is
flagged by the deviation review and explained in writing; the opening hall opens the
commercial parts of the bids that passed (only those); the chair ranks and drafts the
report; every member signs it; the session closes and the tender has its candidates.

Then, outside the platform: every member's signature on every sheet and on the report
verifies with ``openssl cms -verify``, and the ranking is recomputed from the signed
sheets' bytes with this test's own arithmetic (arithmetic.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
import pytest

from client.session.protocol import Event
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.e2e import arithmetic, findings
from tests.evaluation.e2e.evidence import OpenSsl
from tests.evaluation.e2e.flow import (
    CHAIR,
    Run,
    check_deliveries,
    cluster,
    declare_and_elect,
    http,
    open_commercial_parts,
    open_run,
    reveal,
    sign_in,
    sign_report,
    start,
    submit,
    venue_plan,
)
from tests.evaluation.e2e.participants import record_frames
from tests.evaluation.e2e.scenario import METHOD, CrossCity
from tests.evaluation.scenario import PRICES

pytestmark = pytest.mark.slow

PERCENT = 30  # the policy's deviation_percent (DEFAULT_POLICY)


def canonical(value: Any) -> bytes:
    """RFC 8785 for this test's JSON (ASCII keys, integers, no floats): sorted keys, no
    white space, UTF-8 — written here, not taken from signing.canonical."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


async def _rows(run: Run, sql: str, *args: object) -> list[asyncpg.Record]:
    async with run.pool.acquire() as proxy:
        return await cast(asyncpg.Connection, proxy).fetch(sql, *args)


async def _signed_sheets(run: Run) -> list[asyncpg.Record]:
    return await _rows(
        run,
        "SELECT phase, seat, version, commitment, plaintext, signature FROM evaluation_sheets"
        " WHERE session_id = $1 AND NOT void ORDER BY phase, seat, version",
        run.session,
    )


async def test_seven_experts_at_three_venues_on_two_processes_evaluate_rank_and_sign(
    database: CloneDatabase,
    pool: asyncpg.Pool,
    lot: CrossCity,
    ca: DemoCA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record_frames(monkeypatch)
    async with cluster(database, lot, tmp_path, ca) as nodes:
        run = await open_run(pool, lot, nodes, tmp_path)
        try:
            record = await _evaluate(run)
            await check_deliveries(run)
            await _verify(run, record, OpenSsl(ca, tmp_path / "openssl"))
        finally:
            await run.close()


def _confirmed(seat: int) -> Callable[[Event], bool]:
    """The staff's member.detail of a seat whose identity is confirmed."""

    def found(event: Event) -> bool:
        holders = event.data.get("holders") or [{}]
        return (
            event.kind == "member.detail"
            and event.data["seat"] == seat
            and holders[-1].get("identity_confirmed_at") is not None
        )

    return found


async def _evaluate(run: Run) -> dict[str, Any]:
    """The session from its scheduling to its close, checking each step's outcome."""
    await sign_in(run)
    plan = venue_plan(run.lot)
    assert len(set(plan.values())) == 3
    for seat, venue in plan.items():  # centre staff see who sits where, confirmed
        detail = await run.staff.until(_confirmed(seat), f"seat {seat} confirmed")
        assert detail.data["holders"][-1]["venue"] == venue
    await start(run)
    await declare_and_elect(run)
    bids = run.bids

    await submit(run, "qualification", findings.qualification)
    await run.staff.until_phase("qualification_reveal")
    await reveal(run, "qualification")
    result = await run.staff.until(lambda e: e.kind == "qualification.result", "its result")
    verdict = {UUID(b["bid"]): b["passed"] for b in result.data["bids"]}
    assert verdict == {bids[0]: True, bids[1]: True, bids[2]: False}
    failed = next(b for b in result.data["bids"] if not b["passed"])
    assert failed["reasons"] == ["not_qualified"]
    await run.staff.until_phase("scoring")

    await submit(run, "scoring", findings.scoring)
    await run.staff.until_phase("scoring_reveal")
    await reveal(run, "scoring")
    flagged = await run.staff.until(lambda e: e.kind == "deviation.flagged", "the review")
    seat, index, item = findings.DEVIANT
    assert flagged.data["items"] == [{"seat": seat, "bid": str(bids[index]), "item": item}]
    await run.member(seat).command(
        "explain",
        {"phase": "scoring", "bid": str(bids[index]), "item": item, "text": findings.EXPLANATION},
    )
    await run.staff.until_phase("commercial_opening")

    passed = frozenset(bids[i] for i in findings.PASSED)
    record = await open_commercial_parts(run, passed)
    codes = {run.lot.bidders[i].org.credit_code for i in findings.PASSED}
    assert {e["bidder"] for e in record["entries"]} == codes  # bid 2's part stays sealed
    await run.staff.command("commercial_opened")
    await run.staff.until_phase("ranking")

    chair = run.member(CHAIR)
    await chair.command("rank")
    await chair.until(lambda e: e.kind == "ranking", "the ranking")
    await chair.command("draft_report")
    drafted = await run.agency.until(lambda e: e.kind == "report.drafted", "report.drafted")
    await sign_report(run, drafted.data["sha256"])
    closed = await run.agency.until(lambda e: e.kind == "session.closed", "session.closed")
    assert closed.data["report_sha256"] == drafted.data["sha256"]
    return record


async def _verify(run: Run, record: dict[str, Any], openssl: OpenSsl) -> None:
    """Signatures by OpenSSL; the ranking by this test's arithmetic; the hand-over."""
    bids = run.bids
    # Every member's signature on every sheet it revealed: OpenSSL, over the stored bytes
    # (the commitment announced at submission), the same bytes the panel was shown.
    sheets = await _signed_sheets(run)
    assert sorted((r["phase"], r["seat"]) for r in sheets) == sorted(
        (phase, s) for phase in ("qualification", "scoring") for s in findings.SEATS
    )
    opened = {
        (e.data["phase"], e.data["seat"], e.data["version"]): e.data
        for e in run.staff.events
        if e.kind == "sheet.opened"
    }
    parsed = []
    for row in sheets:
        body, signature = bytes(row["plaintext"]), bytes(row["signature"])
        verdict = openssl.verify(body, signature)
        assert verdict.returncode == 0, (row["phase"], row["seat"], verdict.stderr)
        assert hashlib.sha256(body).digest() == bytes(row["commitment"])
        shown = opened[(row["phase"], row["seat"], row["version"])]
        assert canonical(shown["sheet"]) == body
        parsed.append(json.loads(body))

    # The ranking, recomputed from those bytes (docs/formats/evaluation-method.md §3).
    qualification = arithmetic.latest(parsed, "qualification")
    items = [q.id for q in METHOD.qualification]
    verdicts = arithmetic.qualification(qualification, items)
    assert verdicts == {str(bids[0]): True, str(bids[1]): True, str(bids[2]): False}
    scoring = arithmetic.latest(parsed, "scoring")
    seat, index, item = findings.DEVIANT
    assert arithmetic.flagged(scoring, PERCENT) == {(seat, str(bids[index]), item)}
    # The opened prices, from the commercial record the opening hall published.
    index_of = {b.org.credit_code: i for i, b in enumerate(run.lot.bidders)}
    prices = {str(bids[index_of[e["bidder"]]]): e["fields"]["price"] for e in record["entries"]}
    assert sorted(prices.values()) == sorted(PRICES[i] for i in findings.PASSED)
    assert METHOD.price is not None
    expected = arithmetic.ranking(
        scoring, prices, points=METHOD.price.points, drop_extremes=METHOD.drop_extremes
    )
    announced = run.member(CHAIR).of_kind("ranking")[-1].data
    assert [(r["bid"], r["total"]) for r in announced["ranking"]] == [
        (r["bid"], r["total"]) for r in expected
    ]
    totals = {t["bid"]: (t["technical"], t["price_score"]) for t in announced["totals"]}
    assert totals == {r["bid"]: (r["technical"], r["price_score"]) for r in expected}

    # The report: the bytes every member signed; each signature verifies with OpenSSL.
    body = (await http(run.nodes[1].url, run.staff.token, "GET",
                       f"/api/v1/evaluations/{run.session}/report")).content  # fmt: skip
    report = json.loads(body)
    assert canonical(report) == body
    assert [r["bid"] for r in report["outcome"]["ranking"]] == [r["bid"] for r in expected]
    assert [c["bid"] for c in report["outcome"]["candidates"]] == [r["bid"] for r in expected]
    (deviation,) = report["deviations"]
    assert (deviation["seat"], deviation["explanation"]) == (seat, findings.EXPLANATION)
    assert [r["bid"] for r in report["rejected"]] == [str(bids[2])]
    signatures = await _rows(
        run,
        "SELECT s.seat, s.signature FROM evaluation_report_signatures s"
        " JOIN evaluation_reports r USING (session_id, version)"
        " WHERE s.session_id = $1 AND r.current ORDER BY s.seat",
        run.session,
    )
    assert [r["seat"] for r in signatures] == list(findings.SEATS)
    for row in signatures:
        verdict = openssl.verify(body, bytes(row["signature"]))
        assert verdict.returncode == 0, (row["seat"], verdict.stderr)

    # The closed session's candidates are the tender's: it moved to "candidates".
    closed = run.agency.of_kind("session.closed")[-1].data
    assert closed["candidates"] == [r["bid"] for r in expected]
    status = await _rows(run, "SELECT status FROM tenders WHERE id = $1", run.lot.tender.id)
    assert status[0]["status"] == "candidates"
