"""The report states the committee's qualification result as announced (0063).

docs/formats/evaluation-report.md §1, §3: the report never recomputes the qualification.
A member marked absent after the announcement has its own sheets void — listed under
``void`` with their commitments, out of the findings — while the announced result, and
the ranking of the bids it passed, stand. With no counted value sheet the ranking is
refused with its code, never the method's ValueError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from evaluation.model import Member, MemberStatus, Phase, SheetPhase
from evaluation.report import queries, service
from evaluation.report.model import parse_report
from evaluation.sheets import service as sheets_service
from evaluation.sheets.errors import SheetNoneCounted
from signing import sheets
from tender import queries as tender_queries
from tests.evaluation.report.kit import Kit, build_kit, counts, person
from tests.evaluation.report.standard import QUALIFICATION_ITEMS, scoring_entries
from tests.evaluation.report.test_reading import pdftotext
from tests.tender.world import World

X = 0  # the bid seat 3 fails on q2: it passes 2–1


def qualification(kit: Kit, seat: int) -> list[dict[str, Any]]:
    """Every bid passes every item, but seat 3 fails bid X on q2."""
    entries: list[dict[str, Any]] = []
    for n in range(4):
        for item in QUALIFICATION_ITEMS:
            entry: dict[str, Any] = {"bid": str(kit.bid(n)), "item": item, "pass": True}
            if (seat, n, item) == (3, X, "q2"):
                entry = {**entry, "pass": False, "reason": "not_responsive",
                         "explanation": "工期未实质性响应招标文件"}  # fmt: skip
            entries.append(entry)
    return entries


async def past_deadline(kit: Kit) -> None:
    """The phase's deadline has passed (the chair may close it)."""
    now = await tender_queries.database_now(kit.conn)
    kit.state = dataclasses.replace(kit.state, phase_deadline=now - dt.timedelta(seconds=1))


async def test_a_passer_absent_at_the_scoring_deadline_leaves_the_report_stating_the_result(
    conn: asyncpg.Connection, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Three experts; X passes 2–1; seat 2 (a passer) seals no scoring sheet and is marked
    absent at the deadline. Seats 1 and 3 scored X: their reveal is accepted, X is ranked,
    and the report states 2–1 with seat 2 void and its qualification sheet listed."""
    kit = await build_kit(conn, world, monkeypatch, phase=Phase.QUALIFICATION, experts=3,
                          representative=False)  # fmt: skip
    written = {}
    for seat in (1, 2, 3):
        written[seat] = kit.sheet(seat, SheetPhase.QUALIFICATION, qualification(kit, seat))
        await kit.submit(seat, SheetPhase.QUALIFICATION, written[seat])
    for seat in (1, 2, 3):
        await kit.reveal(seat, SheetPhase.QUALIFICATION)
    assert kit.phase_now() is Phase.SCORING
    stored = await sheets_service.qualification_result(conn, kit.state.id)
    assert stored is not None
    points = ((2500, 800), (2400, 800), (2000, 700), (2100, 700))
    for seat in (1, 3):
        data = kit.sheet(seat, SheetPhase.SCORING, scoring_entries(kit, seat, points))
        await kit.submit(seat, SheetPhase.SCORING, data)
    await past_deadline(kit)
    await kit.run_sheet("close_phase", 1, {})
    assert kit.ops.absent == [2]
    assert kit.phase_now() is Phase.SCORING_REVEAL
    for seat in (1, 3):
        await kit.reveal(seat, SheetPhase.SCORING)
    assert kit.phase_now() is Phase.RANKING
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    current = await queries.current_report(conn, kit.state.id)
    assert current is not None
    report = parse_report(current.body)

    assert report["qualification"]["result"] == stored.bids
    (x,) = [r for r in report["qualification"]["result"] if r["bid"] == str(kit.bid(X))]
    assert x["passed"] is True
    assert [(i["item"], i["passes"], i["fails"]) for i in x["items"]] == [
        ("q1", 3, 0), ("q2", 2, 1),
    ]  # fmt: skip
    assert str(kit.bid(X)) in [r["bid"] for r in report["outcome"]["ranking"]]
    assert report["rejected"] == []
    assert [m["seat"] for m in report["members"]] == [1, 3]
    assert {f["seat"] for f in report["qualification"]["findings"]} == {1, 3}
    assert {s["seat"] for s in report["sheets"]} == {1, 3}
    (void,) = report["void"]
    assert {k: void[k] for k in ("seat", "generation", "status")} == {
        "seat": 2, "generation": 1, "status": "absent",
    }  # fmt: skip
    (sheet,) = void["sheets"]
    assert sheet["phase"] == "qualification"
    assert sheet["version"] == 1
    assert sheet["sha256"] == sheets.commitment(written[2]).hex()
    assert sheet["revealed_at"] is not None
    text = pdftotext(tmp_path, await service.report_pdf(conn, world.staff, kit.state.id))
    flat = text.replace("\n", "")
    assert "其评审结论作废" in text
    assert f"资格审查评审表第1版（已揭示）{sheet['sha256']}" in flat


async def test_ranking_with_no_counted_scoring_sheet_is_refused(kit: Kit) -> None:
    """Every holder replaced after the scoring reveal (the chair's seat too): the bids the
    committee passed have no counted scores — sheet_none_counted_conflict, nothing stored."""
    chair = await person(kit.conn, kit.world, "chair2")
    members = [dataclasses.replace(m, status=MemberStatus.REPLACED) for m in kit.state.members]
    members += [
        Member(seat=m.seat, user_id=chair.user.id if m.seat == 1 else uuid4(),
               kind=m.kind, status=MemberStatus.SEATED, generation=2)
        for m in kit.state.members
    ]  # fmt: skip
    kit.state = dataclasses.replace(kit.state, members=tuple(members))
    before = await counts(kit.conn)
    with pytest.raises(SheetNoneCounted) as refused:
        await kit.run("rank", chair.actor)
    assert (refused.value.code, refused.value.status) == ("sheet_none_counted_conflict", 409)
    assert refused.value.details == {"phase": "scoring"}
    assert await counts(kit.conn) == before
