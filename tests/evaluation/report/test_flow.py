"""The report from the ranking to the closed session (issue 11, items 5 and 7).

The chair ranks and drafts; every member signs the exact bytes with its registered
certificate (each signature verifies with ``openssl cms -verify``); the session closes
and its result is handed to the tender. The ranking equals an independent recomputation
from the signed sheets.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from evaluation.events import EvaluationEvent
from evaluation.model import Phase
from evaluation.report import queries
from live.model import Emit
from signing.certs import dump_pem_certificate
from signing.cms import sign_detached
from tests.evaluation.report.kit import Kit, b64url
from tests.evaluation.report.standard import EXPLAINED


async def recompute(kit: Kit) -> list[tuple[UUID, int]]:
    """Rank bids 0–2 from the signed sheet bytes as stored, by evaluation-method.md alone
    (§3.3, §3.5, §3.7): each member's sum over the items of its latest revealed version,
    their mean rounded half up, plus ½↑(6000 × lowest price / price); equal totals go to
    the lower price (the lot's tie rule)."""
    rows = await kit.conn.fetch(
        "SELECT seat, version, plaintext FROM evaluation_sheets"
        " WHERE session_id = $1 AND phase = 'scoring' AND plaintext IS NOT NULL AND NOT void",
        kit.state.id,
    )
    latest: dict[int, Any] = {}
    for row in rows:
        if row["version"] > latest.get(row["seat"], {"version": 0})["version"]:
            latest[row["seat"]] = json.loads(bytes(row["plaintext"]))
    prices = {kit.bid(n): kit.state.bids[n].price_fen for n in range(3)}
    lowest = min(p for p in prices.values() if p is not None)
    totals = []
    for bid, price in prices.items():
        assert price is not None
        sums = [
            sum(e["points"] for e in body["entries"] if e["bid"] == str(bid))
            for body in latest.values()
        ]
        technical = (2 * sum(sums) + len(sums)) // (2 * len(sums))
        price_score = (2 * 6000 * lowest + price) // (2 * price)
        totals.append((bid, technical + price_score, price))
    return [(bid, total) for bid, total, _ in sorted(totals, key=lambda t: (-t[1], t[2]))]


def openssl_verifies(tmp_path: Path, kit: Kit, body: bytes, signature: bytes) -> bool:
    (tmp_path / "report.json").write_bytes(body)
    (tmp_path / "report.p7s").write_bytes(signature)
    (tmp_path / "ca.pem").write_bytes(dump_pem_certificate(kit.world.ca.root_cert))
    result = subprocess.run(
        [
            "/usr/bin/openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "report.p7s"),
            "-content",
            str(tmp_path / "report.json"),
            "-CAfile",
            str(tmp_path / "ca.pem"),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


async def sign_all(kit: Kit, seats: range) -> list[list[Emit]]:
    """Each seat signs the current version; the events of each command."""
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    out = []
    for seat in seats:
        who = kit.person(seat)
        sig = sign_detached(
            report.body, who.identity.certificate, who.identity.key, chain=who.identity.chain
        )
        data = {"sha256": report.sha256, "signature": b64url(sig)}
        out.append(list(await kit.run("sign_report", who.actor, data)))
    return out


async def test_the_ranking_equals_an_independent_recomputation_from_the_sheets(kit: Kit) -> None:
    """Rank: bid 3 rejected (Reg. 51), bids 0–2 ranked as the sheets give them."""
    emits = await kit.run("rank", kit.person(1).actor)
    assert [e.audience for e in emits] == ["role:panel"]
    ranking = emits[0].data["ranking"]
    assert [(UUID(r["bid"]), r["total"]) for r in ranking] == await recompute(kit)
    assert [c["bid"] for c in emits[0].data["candidates"]] == [r["bid"] for r in ranking][:3]
    assert str(kit.bid(3)) not in {r["bid"] for r in ranking}
    assert kit.ops.logged[-1][0] is EvaluationEvent.RANKED


async def test_the_chair_drafts_the_report_and_the_session_moves_to_signing(kit: Kit) -> None:
    """draft_report: the bytes stored, their SHA-256 announced to all, phase → signing."""
    await kit.run("rank", kit.person(1).actor)
    emits = await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    assert report.version == 1
    assert emits[0].kind == "report.drafted"
    assert emits[0].audience == "all"
    assert emits[0].data == {"sha256": report.sha256, "version": 1, "cause": "draft"}
    assert kit.state.phase is Phase.SIGNING
    body = json.loads(report.body)
    assert [m["seat"] for m in body["members"]] == [1, 2, 3, 4, 5, 6]


async def test_the_report_states_what_the_session_announced(kit: Kit) -> None:
    """One set of rules: the report's qualification result is the one the session logged
    at the qualification reveal, word for word, and its deviations are exactly the items
    the review flagged (seat 3's bid 0 c1.1 explained, seat 4's bid 1 c2.1 revised)."""
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    body = json.loads(report.body)
    (announced,) = [d for k, d in kit.ops.logged if k is EvaluationEvent.QUALIFICATION_RESULT]
    assert body["qualification"]["result"] == announced["bids"]
    failed = [b["bid"] for b in announced["bids"] if not b["passed"]]
    assert failed == [str(kit.bid(3))]
    (flagged,) = [e.data["items"] for e in kit.emitted if e.kind == "deviation.flagged"][:1]
    rows = body["deviations"]
    assert [{"seat": r["seat"], "bid": r["bid"], "item": r["item"]} for r in rows] == flagged
    assert [(r["seat"], r["item"], r["value"], r["final"]) for r in rows] == [
        (3, "c1.1", 1000, 1000),
        (4, "c2.1", 200, 700),
    ]
    assert [r["explanation"] for r in rows] == [EXPLAINED, None]  # seat 4 revised instead
    # evaluation-method.md §3.4: the others' mean, a half up: 12600 / 5 and 3850 / 5.
    assert [r["others_mean"] for r in rows] == [2520, 770]


async def test_every_member_signs_and_openssl_verifies_each_signature(
    kit: Kit, conn: asyncpg.Connection, tmp_path: Path
) -> None:
    """All six sign the exact bytes; the last signature closes the session and hands the
    candidates over; every stored signature verifies with openssl cms -verify."""
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    events = await sign_all(kit, range(1, 7))
    report = await queries.current_report(conn, kit.state.id)
    assert report is not None
    answers = await queries.answers(conn, kit.state.id, report.version)
    assert [a.seat for a in answers if a.signed] == [1, 2, 3, 4, 5, 6]
    for answer in answers:
        assert answer.signature is not None
        assert openssl_verifies(tmp_path, kit, report.body, answer.signature)
    assert all(len(e) == 1 for e in events[:-1])  # no close before the last answer
    kinds = [e.kind for e in events[-1]]
    assert kinds == ["report.signed", "session.phase", "session.closed"]
    closed = events[-1][-1].data
    expected = [str(bid) for bid, _ in await recompute(kit)]
    assert closed == {"report_sha256": report.sha256, "candidates": expected}
    assert kit.state.phase is Phase.CLOSED
    result = await queries.result(conn, kit.state.id)
    assert result is not None
    assert [str(c) for c in result.candidates] == expected
    assert kit.ops.logged[-1] == (
        EvaluationEvent.CLOSED,
        {"report_sha256": report.sha256, "version": 1, "candidates": expected},
    )
