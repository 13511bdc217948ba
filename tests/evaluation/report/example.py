"""The worked example of docs/formats/evaluation-report.md §11, built from fixed inputs.

Three experts score two bids after the committee rejects a third; seat 3's score of bid
A is flagged by the deviation review and explained; seat 1 revises a recorded factual
error; a clarification was answered; seat 2 dissents, so this is version 2. Salts,
certificates and times are fixed so the bytes are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from evaluation.model import (
    DEFAULT_POLICY,
    BidRef,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
    SessionState,
    SheetPhase,
)
from evaluation.report.inputs import Clarification, Explanation, Flag, RevealedSheet
from evaluation.report.model import Dissent, ReportInputs, SealedMember
from evaluation.report.ranking import LotFacts, entries_by_seat, latest, outcome_of
from evaluation.sheets import findings
from signing.canonical import canonical_json, sha256_hex
from signing.sheets import b64url_encode
from tender.model import QualificationItem
from tests.tender.kit import scoring

SESSION = UUID("00000000-0000-4000-8000-000000000001")
TENDER = UUID("00000000-0000-4000-8000-000000000002")
A = UUID("00000000-0000-4000-8000-00000000000a")
B = UUID("00000000-0000-4000-8000-00000000000b")
C = UUID("00000000-0000-4000-8000-00000000000c")
USERS = [UUID(f"00000000-0000-4000-8000-0000000001{n:02d}") for n in (1, 2, 3)]
AT = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
# One qualification item; 技术 (30 points) and 商务 (10 points) as stored before issue 11,
# read as criteria c1 and c2 of one sub-item "1" each (evaluation-method.md §1.2): items
# c1.1 and c2.1; 60 points of price, lowest price as the base.
METHOD = dataclasses.replace(
    scoring(60, ("技术", 30), ("商务", 10)),
    qualification=(QualificationItem(id="q1", name="资格审查", guidance="营业执照、工期响应"),),
)
RECEIVED = {  # when each bid was received (the tie rule may need it)
    A: dt.datetime(2026, 3, 31, 1, 5, tzinfo=dt.UTC),
    B: dt.datetime(2026, 3, 31, 1, 10, tzinfo=dt.UTC),
    C: dt.datetime(2026, 3, 31, 1, 1, tzinfo=dt.UTC),
}
POINTS = {
    1: ((2500, 800), (2000, 700)),
    2: ((2600, 900), (2100, 600)),
    3: ((1500, 800), (2200, 700)),
}


def cert_sha256(seat: int) -> str:
    """A stand-in certificate hash: SHA-256 of the text "certificate <seat>"."""
    return sha256_hex(f"certificate {seat}".encode())


def state() -> SessionState:
    return SessionState(
        id=SESSION,
        tender_id=TENDER,
        lot="1",
        attempt=1,
        draw_id="draw-1",
        department_id=UUID(int=9),
        phase=Phase.SIGNING,
        phase_deadline=None,
        paused_at=None,
        chair_seat=1,
        method=METHOD,
        two_envelope=False,
        main_venue_id="main",
        members=tuple(
            Member(seat=n, user_id=USERS[n - 1], kind=MemberKind.EXPERT, status=MemberStatus.SEATED)
            for n in (1, 2, 3)
        ),
        bids=(
            BidRef(
                bid_id=A, bidder="91341800MA2N000019", name="甲建设有限公司", price_fen=9_000_000_00
            ),
            BidRef(
                bid_id=B,
                bidder="91341800MA2N00002C",
                name="乙工程有限公司",
                price_fen=10_000_000_00,
            ),
            BidRef(
                bid_id=C, bidder="91341800MA2N00003F", name="丙建筑有限公司", price_fen=8_000_000_00
            ),
        ),
    )


def sheet(
    seat: int,
    phase: SheetPhase,
    entries: Sequence[Mapping[str, Any]],
    *,
    version: int = 1,
    reasons: tuple[dict[str, str], ...] | None = None,
) -> RevealedSheet:
    body = canonical_json(
        {
            "format": "etender-sheet-v1",
            "session": str(SESSION),
            "phase": str(phase),
            "seat": seat,
            "generation": 1,
            "version": version,
            "salt": b64url_encode(bytes([seat * 16 + version]) * 32),
            "entries": list(entries),
        }
    )
    return RevealedSheet(
        phase=phase,
        seat=seat,
        generation=1,
        version=version,
        sha256=sha256_hex(body),
        body=body,
        signature=b"",
        revealed_at=AT + dt.timedelta(minutes=10 * version),
        reasons=reasons,
    )


def sheets() -> list[RevealedSheet]:
    out = []
    for seat in (1, 2, 3):
        entries: list[dict[str, Any]] = [
            {"bid": str(bid), "item": "q1", "pass": True} for bid in (A, B)
        ]
        if seat == 1:
            entries.append({"bid": str(C), "item": "q1", "pass": True})
        else:
            entries.append(
                {
                    "bid": str(C),
                    "item": "q1",
                    "pass": False,
                    "reason": "not_responsive",
                    "explanation": "工期超过招标文件要求。",
                }
            )
        out.append(sheet(seat, SheetPhase.QUALIFICATION, sorted(entries, key=lambda e: e["bid"])))
        out.append(sheet(seat, SheetPhase.SCORING, scores(POINTS[seat])))
    revised = (POINTS[1][0], (2000, 750))
    out.append(
        sheet(
            1,
            SheetPhase.SCORING,
            scores(revised),
            version=2,
            reasons=(
                {"bid": str(B), "item": "c2.1", "reason": "按记录的事实错误更正：漏看了业绩证明。"},
            ),
        )
    )
    return out


def scores(points: tuple[tuple[int, int], ...]) -> list[dict[str, Any]]:
    return [
        {"bid": str(bid), "item": item, "points": value}
        for bid, pair in zip((A, B), points, strict=True)
        for item, value in zip(("c1.1", "c2.1"), pair, strict=True)
    ]


def inputs() -> ReportInputs:
    s = state()
    found = sheets()
    facts = LotFacts(ceiling_fen=9_500_000_00 * 2, submitted_at=RECEIVED)
    # The result the session announced at the end of the qualification reveal.
    qualified = entries_by_seat(latest(found, SheetPhase.QUALIFICATION))
    announced = findings.qualification(s.method, [b.bid_id for b in s.bids], qualified)
    return ReportInputs(
        state=s,
        outcome=outcome_of(s, found, announced, DEFAULT_POLICY, facts),
        version=2,
        drafted_at=AT + dt.timedelta(hours=1),
        tender_code="XC-2026-GC-000123",
        tender_title="宣城市城南道路改造工程",
        opening_records={"main": sha256_hex(b"opening record")},
        members={
            n: SealedMember(
                seat=n,
                generation=1,
                user_id=USERS[n - 1],
                cert_sha256=cert_sha256(n),
                salt=bytes([n]) * 32,
            )
            for n in (1, 2, 3)
        },
        sheets=tuple(found),
        void_sheets=(),
        flags=(Flag(phase=SheetPhase.SCORING, seat=3, generation=1, bid=A, item="c1.1"),),
        explanations=(
            Explanation(
                phase=SheetPhase.SCORING,
                seat=3,
                generation=1,
                bid=A,
                item="c1.1",
                text="施工组织设计缺少冬季施工措施，故评分较低。",
                at=AT + dt.timedelta(minutes=15),
            ),
        ),
        clarifications=(
            Clarification(
                bid=B,
                question="请说明项目经理的在建工程情况。",
                answer="项目经理目前无在建工程。",
                asked_at=AT,
                answered_at=AT + dt.timedelta(minutes=15),
            ),
        ),
        dissents=(
            Dissent(
                seat=2,
                generation=1,
                text="乙工程有限公司的技术方案更优，本人不同意排序。",
                at=AT + dt.timedelta(minutes=50),
            ),
        ),
        policy=DEFAULT_POLICY,
    )
