"""The candidates handed to the tender, and the bids whose commercial parts may open.

Issue 11, items 6 and 7: a closed session's result (the signed report's hash, at most 3
candidates) is stored for the tender; the tender moves evaluation → candidates once
every one of its lots has one. ``passed_bids`` tells a two-envelope lot's opening which
commercial parts to open (None while there is no qualification result).
"""

from __future__ import annotations

import dataclasses
from uuid import UUID

import asyncpg
import pytest

from evaluation.model import Phase, SessionState
from evaluation.report import queries, service, sources
from evaluation.report.errors import QualificationPending
from signing.cms import sign_detached
from tests.evaluation.report.kit import Kit, b64url, build_kit
from tests.evaluation.report.standard import standard_sheets
from tests.tender.world import World


async def close(kit: Kit) -> None:
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    for seat in range(1, 7):
        who = kit.person(seat).identity
        signature = sign_detached(report.body, who.certificate, who.key, chain=who.chain)
        await kit.run(
            "sign_report",
            kit.person(seat).actor,
            {"sha256": report.sha256, "signature": b64url(signature)},
        )


async def status(conn: asyncpg.Connection, tender_id: UUID) -> str:
    found: str = await conn.fetchval("SELECT status FROM tenders WHERE id = $1", tender_id)
    return found


async def test_closing_one_lot_of_two_leaves_the_tender_in_evaluation(kit: Kit) -> None:
    await close(kit)
    assert await status(kit.conn, kit.tender.id) == "evaluation"
    results = await queries.tender_results(kit.conn, kit.tender.id)
    assert [(r.lot, len(r.candidates)) for r in results] == [("1", 3)]


async def test_the_tender_moves_to_candidates_when_every_lot_has_closed(
    kit: Kit, conn: asyncpg.Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = await build_kit(
        conn, world, monkeypatch, lot="2", tender=kit.tender, sources=kit.sources
    )
    await standard_sheets(other)
    await close(kit)
    await close(other)
    assert await status(conn, kit.tender.id) == "candidates"


def latest(monkeypatch: pytest.MonkeyPatch, state: SessionState | None) -> None:
    async def found(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> SessionState | None:
        return state

    monkeypatch.setattr(sources, "latest_session", found)


@pytest.mark.parametrize(
    "phase", [Phase.QUALIFICATION, Phase.QUALIFICATION_REVEAL, Phase.SEALED], ids=str
)
async def test_passed_bids_is_none_before_the_committees_qualification_result(
    kit: Kit, monkeypatch: pytest.MonkeyPatch, phase: Phase
) -> None:
    latest(monkeypatch, dataclasses.replace(kit.state, phase=phase))
    assert await service.passed_bids(kit.conn, kit.tender.id, "1") is None


async def test_passed_bids_is_none_without_a_session(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    latest(monkeypatch, None)
    assert await service.passed_bids(kit.conn, kit.tender.id, "1") is None


async def test_passed_bids_are_those_a_majority_did_not_fail(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two envelopes: the commercial parts of bids 0–2 open, bid 3's stays sealed."""
    latest(
        monkeypatch,
        dataclasses.replace(kit.state, phase=Phase.COMMERCIAL_OPENING, two_envelope=True),
    )
    passed = await service.passed_bids(kit.conn, kit.tender.id, "1")
    assert passed == frozenset({kit.bid(0), kit.bid(1), kit.bid(2)})


async def test_commercial_bids_are_the_passed_ones_in_the_commercial_opening_phase(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the opening's commercial stage is given: bids 0–2; bid 3's part stays sealed."""
    latest(
        monkeypatch,
        dataclasses.replace(kit.state, phase=Phase.COMMERCIAL_OPENING, two_envelope=True),
    )
    found = await service.commercial_bids(kit.conn, kit.tender.id, "1")
    assert found == frozenset({kit.bid(0), kit.bid(1), kit.bid(2)})


@pytest.mark.parametrize("phase", [Phase.QUALIFICATION_REVEAL, Phase.RANKING, None], ids=str)
async def test_commercial_bids_outside_the_commercial_opening_phase_are_refused(
    kit: Kit, monkeypatch: pytest.MonkeyPatch, phase: Phase | None
) -> None:
    latest(monkeypatch, None if phase is None else dataclasses.replace(kit.state, phase=phase))
    with pytest.raises(QualificationPending):
        await service.commercial_bids(kit.conn, kit.tender.id, "1")
