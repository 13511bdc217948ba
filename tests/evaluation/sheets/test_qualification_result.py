"""The committee's qualification result is a finding fixed when it is announced.

docs/formats/evaluation-sheet.md §5 and migration 0063: when the qualification reveal
completes, the result is stored with its event and log entry, in one transaction; the
scoring and adjustment sheets cover the bids it passed, read as stored. A member voided
later (absent at the scoring deadline, replaced) has its own sheets void, but the
announced result stands. A phase cannot end on no counted sheet: a refusal with its code.
"""

from __future__ import annotations

import dataclasses
from uuid import UUID, uuid4

import asyncpg
import pytest

from evaluation.events import EvaluationEvent
from evaluation.model import Member, MemberKind, MemberStatus, Phase, SheetPhase
from evaluation.sheets import findings, queries, service
from evaluation.sheets.queries import QualificationResult
from signing import sheets
from signing.canonical import canonical_json, sha256_hex
from signing.log.entry import LogEntry
from tests.evaluation.sheets.kit import Session, key, make_session
from tests.evaluation.sheets.test_submit import SCORES, refused
from tests.tender.world import World

X = 0  # the bid seat 3 fails: it passes 2–1


async def qualify(ev: Session, *, failed: dict[int, list[int]] | None = None) -> None:
    """Every member seals and reveals its qualification sheet (seat 3 fails bid X)."""
    failed = {3: [X]} if failed is None else failed
    for seat in (1, 2, 3):
        await ev.submit(seat, ev.qualification(seat, failed.get(seat, ())))
    for seat in (1, 2, 3):
        await ev.send(seat, "reveal", sheets.reveal_data("qualification", key(seat)))


async def announced(ev: Session) -> QualificationResult:
    found = await service.qualification_result(ev.conn, ev.state.id)
    assert found is not None
    return found


def verdict(found: QualificationResult, bid: UUID) -> tuple[bool, int, int]:
    """(passed, passes, fails) of the announced result for ``bid`` (one item, q1)."""
    (entry,) = [b for b in found.bids if b["bid"] == str(bid)]
    (item,) = entry["items"]
    return entry["passed"], item["passes"], item["fails"]


async def recount(ev: Session) -> frozenset[UUID]:
    """What a recount of the qualification sheets that count now would pass."""
    members = await service.member_sheets(ev.conn, ev.state, SheetPhase.QUALIFICATION)
    left = {
        seat: findings.entries_of(m.current.plaintext)
        for seat, m in members.items()
        if m.current is not None and m.current.plaintext is not None
    }
    return findings.passed(findings.qualification(ev.state.method, ev.bids, left))


@pytest.fixture
async def qev(conn: asyncpg.Connection, world: World) -> Session:
    """A session of three members in its qualification phase."""
    return await make_session(conn, world, phase=Phase.QUALIFICATION)


async def test_the_stored_result_is_the_events_data_and_the_log_entrys(qev: Session) -> None:
    """One transaction: the panel event, the log entry and the row carry the same result;
    the row names the entry by its index and hashes the result's canonical JSON."""
    await qualify(qev)
    found = await announced(qev)
    (event,) = [e for e in qev.emitted if e.kind == "qualification.result"]
    assert event.audience == "role:panel"
    assert event.data == found.result
    assert found.result == {"phase": "qualification", "bids": found.bids}
    (logged,) = [d for k, d in qev.ops.logs if k is EvaluationEvent.QUALIFICATION_RESULT]
    assert logged == found.result
    entry = await qev.conn.fetchval("SELECT entry FROM log_entries WHERE idx = $1", found.log_index)
    parsed = LogEntry.from_bytes(bytes(entry))
    assert parsed.kind == "evaluation.qualification_result"
    assert {k: parsed.data[k] for k in found.result} == found.result
    assert found.sha256 == sha256_hex(canonical_json(found.result))
    assert found.announced_at == qev.now
    assert verdict(found, qev.bids[X]) == (True, 2, 1)


async def test_a_passer_absent_at_the_scoring_deadline_leaves_the_result_standing(
    qev: Session,
) -> None:
    """The reviewer's case: X passes 2–1; seat 2, who passed it, submits no scoring sheet
    and is marked absent at the deadline (its sheets void). A recount would tie X 1–1 and
    fail it; the announced result stands, so seats 1 and 3, who scored X, reveal."""
    await qualify(qev)
    before = await announced(qev)
    assert qev.state.phase is Phase.SCORING
    for seat in (1, 3):
        await qev.submit(seat, qev.sheet(seat, SCORES))
    assert qev.state.phase_deadline is not None
    await qev.send(1, "close_phase", {}, now=qev.state.phase_deadline)
    assert qev.ops.absent == [(2, "no sheet")]
    void = await qev.conn.fetch("SELECT phase, void FROM evaluation_sheets WHERE seat = 2")
    assert [(r["phase"], r["void"]) for r in void] == [("qualification", True)]
    assert qev.bids[X] not in await recount(qev)  # 1–1: a tie fails
    for seat in (1, 3):
        await qev.reveal(seat)
    assert qev.state.phase is Phase.RANKING
    assert await announced(qev) == before
    assert await service.bids_evaluated(qev.conn, qev.state, SheetPhase.SCORING) == frozenset(
        qev.bids
    )


async def test_with_every_qualification_voter_replaced_the_announced_bids_are_scored(
    qev: Session,
) -> None:
    """No counted qualification sheet is left (every holder replaced after the
    announcement): the bids to score are still the announced ones, not a ValueError."""
    await qualify(qev, failed={1: [X], 2: [X]})  # X fails 1–2
    members = [dataclasses.replace(m, status=MemberStatus.REPLACED) for m in qev.state.members]
    members += [
        Member(seat=m.seat, user_id=uuid4(), kind=MemberKind.EXPERT, status=MemberStatus.SEATED,
               generation=2)
        for m in qev.state.members
    ]  # fmt: skip
    later = dataclasses.replace(qev.state, members=tuple(members))
    assert await service.bids_evaluated(qev.conn, later, SheetPhase.SCORING) == frozenset(
        {qev.bids[1]}
    )


async def test_scoring_before_any_announcement_is_refused(qev: Session) -> None:
    """The scoring sheets follow the announced result: with none, a reveal is refused
    (sheet_qualification_not_announced_conflict), never checked against a recount."""
    qev.at(Phase.SCORING)
    for seat in (1, 2, 3):
        await qev.submit(seat, qev.sheet(seat, SCORES))
    error = await refused(
        qev, "sheet_qualification_not_announced_conflict", 1, "reveal",
        sheets.reveal_data("scoring", key(1)),
    )  # fmt: skip
    assert error.status == 409


async def test_closing_a_sealing_phase_nobody_sealed_in_is_refused(qev: Session) -> None:
    """No counted sheet at a phase's end: sheet_none_counted_conflict, nobody marked absent,
    the phase stays (the host pauses: resume or the seal)."""
    assert qev.state.phase_deadline is not None
    error = await refused(
        qev, "sheet_none_counted_conflict", 1, "close_phase", {}, now=qev.state.phase_deadline
    )
    assert (error.status, error.details) == (409, {"phase": "qualification"})
    assert qev.ops.absent == []
    assert qev.state.phase is Phase.QUALIFICATION


async def test_closing_a_reveal_nobody_revealed_in_is_refused(qev: Session) -> None:
    """Everyone sealed, nobody revealed: closing would void every sheet — refused."""
    for seat in (1, 2, 3):
        await qev.submit(seat, qev.qualification(seat))
    assert qev.state.phase is Phase.QUALIFICATION_REVEAL
    assert qev.state.phase_deadline is not None
    error = await refused(
        qev, "sheet_none_counted_conflict", 1, "close_phase", {}, now=qev.state.phase_deadline
    )
    assert error.details == {"phase": "qualification"}
    assert await service.qualification_result(qev.conn, qev.state.id) is None


async def test_closing_a_reveal_one_member_revealed_in_announces_on_that_sheet(
    qev: Session,
) -> None:
    """Before the announcement voiding works as before: the others are absent, the result
    is the one counted sheet's."""
    for seat in (1, 2, 3):
        await qev.submit(seat, qev.qualification(seat, [X] if seat == 1 else ()))
    await qev.send(1, "reveal", sheets.reveal_data("qualification", key(1)))
    assert qev.state.phase_deadline is not None
    await qev.send(1, "close_phase", {}, now=qev.state.phase_deadline)
    assert qev.ops.absent == [(2, "sheet not revealed"), (3, "sheet not revealed")]
    assert verdict(await announced(qev), qev.bids[X]) == (False, 0, 1)
    assert qev.state.phase is Phase.SCORING


async def test_the_application_role_cannot_change_or_delete_the_result(qev: Session) -> None:
    await qualify(qev)
    assert await qev.conn.fetchval("SELECT current_user") == "etender_app"
    for statement in (
        'UPDATE evaluation_qualification_results SET result = \'{"phase": "x"}\'',
        "UPDATE evaluation_qualification_results SET announced_at = now()",
        "DELETE FROM evaluation_qualification_results",
        "TRUNCATE evaluation_qualification_results",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await qev.conn.execute(statement)


async def test_even_the_owner_cannot_rewrite_the_result_and_it_is_announced_once(
    qev: Session, owner_conn: asyncpg.Connection
) -> None:
    await qualify(qev)
    found = await announced(qev)
    for statement in (
        "UPDATE evaluation_qualification_results SET sha256 = repeat('0', 64)",
        "DELETE FROM evaluation_qualification_results",
    ):
        with pytest.raises(asyncpg.CheckViolationError):
            await owner_conn.execute(statement)
    with pytest.raises(asyncpg.UniqueViolationError):
        async with qev.conn.transaction():
            await queries.insert_qualification_result(qev.conn, found)
    assert await announced(qev) == found
