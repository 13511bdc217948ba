"""The review after the reveal: explanations, revisions, factual errors, the
qualification majority (issue 11 items 4–5; DESIGN.md, "Blind scoring")."""

from __future__ import annotations

import asyncpg

from evaluation.events import EvaluationEvent
from evaluation.model import Phase
from evaluation.sheets import service
from signing import sheets
from tests.evaluation.sheets.kit import Session, key, make_session, revise
from tests.evaluation.sheets.test_reveal import sealed_by_all
from tests.evaluation.sheets.test_submit import SCORES, refused
from tests.tender.world import World

# Seat 3 scores bid 0 item 1.1 at 20.00 against 30.00 and 30.00: more than 30 % below
# the others' mean (30.00), while seats 1 and 2 stay within 30 % of theirs (25.00).
LOW = {**SCORES, (0, "1.1"): 2000}
# Seat 3 low on both bids' item 1.1 (20.00 against 31.00): two flagged items.
LOWER = {**LOW, (1, "1.1"): 2000}


async def revealed_by_all(ev: Session, low: dict[tuple[int, str], int] = LOW) -> None:
    await sealed_by_all(ev, scores={3: low})
    for seat in (1, 2, 3):
        await ev.reveal(seat)


def explanation(ev: Session, bid: int = 0, item: str = "1.1") -> dict[str, str]:
    return {"phase": "scoring", "bid": str(ev.bids[bid]), "item": item, "text": "依据施工方案第3章"}


async def test_explaining_the_flagged_item_ends_the_review(ev: Session) -> None:
    """The flagged member explains in writing; nothing else is open; ranking follows."""
    await revealed_by_all(ev)
    emits = await ev.send(3, "explain", explanation(ev))
    assert [(e.kind, e.audience) for e in emits[:1]] == [
        ("deviation.explained", "role:panel"),
    ]
    assert ev.ops.advanced[-1:] == [Phase.RANKING]
    assert ev.ops.logs[-1][0] is EvaluationEvent.DEVIATION_EXPLAINED
    notes = await service.review(ev.conn, ev.state, "scoring")
    assert [(n.seat, n.text) for n in notes.explanations] == [(3, "依据施工方案第3章")]


async def test_an_item_not_flagged_for_the_member_is_not_explained(ev: Session) -> None:
    """sheet_item_not_flagged."""
    await revealed_by_all(ev)
    await refused(ev, "sheet_item_not_flagged", 1, "explain", explanation(ev))


async def test_a_flagged_item_is_explained_once(ev: Session) -> None:
    """sheet_already_explained_conflict (two items flagged, so the phase stays)."""
    await revealed_by_all(ev, LOWER)
    await ev.send(3, "explain", explanation(ev))
    assert ev.ops.advanced[-1:] == [Phase.SCORING_REVEAL]
    await refused(ev, "sheet_already_explained_conflict", 3, "explain", explanation(ev))


async def test_a_revision_of_the_flagged_item_is_a_new_signed_version(ev: Session) -> None:
    """Version 2 in the clear, with its reason; version 1 kept; the review ends."""
    await revealed_by_all(ev)
    data = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=2)
    reason = {"bid": str(ev.bids[0]), "item": "1.1", "reason": "漏看了第二册的检测报告"}
    emits = await revise(ev, 3, data, [reason])
    assert [(e.kind, e.audience) for e in emits[:2]] == [
        ("sheet.revised", "all"), ("sheet.opened", "role:panel"),
    ]  # fmt: skip
    assert set(emits[0].data) == {"phase", "seat", "version", "commitment"}
    assert emits[1].data["reasons"] == [reason]
    rows = await ev.conn.fetch(
        "SELECT version, kind, reasons IS NOT NULL AS reasoned FROM evaluation_sheets"
        " WHERE seat = 3 AND phase = 'scoring' ORDER BY version"
    )
    assert [tuple(r) for r in rows] == [(1, "sealed", False), (2, "revision", True)]
    current = await service.current_sheets(ev.conn, ev.state, "scoring")
    assert sheets.build_sheet(current[3]) == data
    assert ev.ops.advanced[-1:] == [Phase.RANKING]
    assert ev.ops.logs[-1][0] is EvaluationEvent.SHEET_REVISED


async def test_a_revision_may_not_touch_an_item_that_was_not_flagged(ev: Session) -> None:
    """sheet_revision_invalid: only flagged items or recorded factual errors change."""
    await revealed_by_all(ev)
    data = ev.sheet(3, {**LOW, (0, "2.1"): 2000}, version=2)
    reasons = [{"bid": str(ev.bids[0]), "item": "2.1", "reason": "改主意了"}]
    await refused(ev, "sheet_revision_invalid", 3, "revise", _revise_data(ev, 3, data, reasons))


async def test_each_changed_entry_needs_a_written_reason(ev: Session) -> None:
    """sheet_revision_invalid without a reason, or with a reason for an unchanged item."""
    await revealed_by_all(ev)
    data = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=2)
    await refused(ev, "sheet_revision_invalid", 3, "revise", _revise_data(ev, 3, data, []))
    extra = [
        {"bid": str(ev.bids[0]), "item": "1.1", "reason": "复核"},
        {"bid": str(ev.bids[1]), "item": "1.1", "reason": "复核"},
    ]
    await refused(ev, "sheet_revision_invalid", 3, "revise", _revise_data(ev, 3, data, extra))


async def test_a_revision_with_the_wrong_version_or_signer_is_refused(ev: Session) -> None:
    """Version must be the next one (sheet_context_mismatch); the signer the member
    (sheet_signer_mismatch)."""
    await revealed_by_all(ev)
    reason = [{"bid": str(ev.bids[0]), "item": "1.1", "reason": "复核"}]
    stale = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=1)
    await refused(ev, "sheet_context_mismatch", 3, "revise", _revise_data(ev, 3, stale, reason))
    data = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=2)
    forged = _revise_data(ev, 3, data, reason, signer=1)
    await refused(ev, "sheet_signer_mismatch", 3, "revise", forged)


async def test_nothing_is_revised_before_the_reveal(ev: Session) -> None:
    """sheet_not_revealed_conflict."""
    await sealed_by_all(ev, scores={3: LOW})
    data = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=2)
    reason = [{"bid": str(ev.bids[0]), "item": "1.1", "reason": "复核"}]
    await refused(ev, "sheet_not_revealed_conflict", 3, "revise", _revise_data(ev, 3, data, reason))


def _revise_data(
    ev: Session, seat: int, data: bytes, reasons: list[dict[str, str]], *, signer: int | None = None
) -> dict[str, object]:
    identity = ev.seats[(signer or seat) - 1].identity
    signature = sheets.sign_sheet(data, identity.certificate, identity.key, chain=identity.chain)
    return sheets.revise_data(data, signature, reasons)


# --- factual errors ---


def error_data(ev: Session, seat: int = 2, item: str = "2.1") -> dict[str, object]:
    return {
        "phase": "scoring",
        "seat": seat,
        "bid": str(ev.bids[1]),
        "item": item,
        "text": "误读了工期",
    }


async def test_a_recorded_factual_error_holds_the_phase_until_revised(ev: Session) -> None:
    """The chair records an error in seat 2's revealed entry; the phase waits for seat 2's
    revision with a reason, which resolves it."""
    await sealed_by_all(ev)
    await ev.reveal(1)
    await ev.reveal(2)
    emits = await ev.send(1, "record_error", error_data(ev))
    assert [(e.kind, e.audience) for e in emits] == [
        ("factual_error.recorded", "role:panel"),
    ]  # fmt: skip
    await ev.reveal(3)
    assert ev.ops.advanced[-1:] == [Phase.SCORING_REVEAL]
    data = ev.sheet(2, {**SCORES, (1, "2.1"): 2600}, version=2)
    await revise(ev, 2, data, [{"bid": str(ev.bids[1]), "item": "2.1", "reason": "更正工期"}])
    assert ev.ops.advanced[-1:] == [Phase.RANKING]
    resolved = await ev.conn.fetchval("SELECT resolved_version FROM evaluation_factual_errors")
    assert resolved == 2


async def test_only_the_chair_records_a_factual_error(ev: Session) -> None:
    """Bad input: a chair action by a non-chair → evaluation_chair_only."""
    await revealed_by_all(ev, LOWER)
    await refused(ev, "evaluation_chair_only", 2, "record_error", error_data(ev))


async def test_a_factual_error_names_a_revealed_entry_once(ev: Session) -> None:
    """sheet_item_unknown for an entry the sheet lacks; sheet_not_revealed_conflict
    before that member's reveal; sheet_error_already_recorded_conflict twice."""
    await sealed_by_all(ev)
    await ev.reveal(1)
    await refused(ev, "sheet_not_revealed_conflict", 1, "record_error", error_data(ev))
    await ev.reveal(2)
    await refused(ev, "sheet_item_unknown", 1, "record_error", error_data(ev, item="9.1"))
    await ev.send(1, "record_error", error_data(ev))
    await refused(ev, "sheet_error_already_recorded_conflict", 1, "record_error", error_data(ev))


# --- qualification ---


async def test_the_qualification_result_is_the_committees_majority(
    conn: asyncpg.Connection, world: World
) -> None:
    """Two of three fail bid 1: it fails with their Reg. 51 reason, the third member's
    pass shown beside it (evaluation-method.md §3.2); the result goes to committee and
    staff, is logged, and scoring follows."""
    ev = await make_session(conn, world, phase=Phase.QUALIFICATION)
    for seat in (1, 2, 3):
        await ev.submit(seat, ev.qualification(seat, failed=(1,) if seat != 3 else ()))
    assert ev.state.phase is Phase.QUALIFICATION_REVEAL
    for seat in (1, 2):
        await ev.send(seat, "reveal", sheets.reveal_data("qualification", key(seat)))
    emits = await ev.send(3, "reveal", sheets.reveal_data("qualification", key(3)))
    result = [e for e in emits if e.kind == "qualification.result"]
    assert [e.audience for e in result] == ["role:panel"]

    def verdict(i: int) -> dict[str, object]:
        reasons = [] if i == 0 else ["not_responsive"]
        item = {"item": "q1", "passes": 3 if i == 0 else 1, "fails": 0 if i == 0 else 2}
        return {"passed": i == 0, "reasons": reasons, "items": [{**item, "reasons": reasons}]}

    assert result[0].data["bids"] == [
        {"bid": str(b), **verdict(i)}
        for i, b in sorted(enumerate(ev.bids), key=lambda p: str(p[1]))
    ]
    assert (EvaluationEvent.QUALIFICATION_RESULT, dict(result[0].data)) in ev.ops.logs
    assert ev.ops.advanced[-1:] == [Phase.SCORING]


async def test_a_tie_fails_a_bid(conn: asyncpg.Connection, world: World) -> None:
    """Four members, two fail bid 0: a bid must be found qualified, so a tie fails it."""
    ev = await make_session(conn, world, members=4, phase=Phase.QUALIFICATION)
    for seat in (1, 2, 3, 4):
        await ev.submit(seat, ev.qualification(seat, failed=(0,) if seat <= 2 else ()))
    for seat in (1, 2, 3):
        await ev.send(seat, "reveal", sheets.reveal_data("qualification", key(seat)))
    emits = await ev.send(4, "reveal", sheets.reveal_data("qualification", key(4)))
    (result,) = [e for e in emits if e.kind == "qualification.result"]
    passed = {b["bid"]: b["passed"] for b in result.data["bids"]}
    assert passed == {str(ev.bids[0]): False, str(ev.bids[1]): True}
