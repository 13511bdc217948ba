"""Scheduling a lot's evaluation session: who, when, the committee, the tender's status."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from evaluation.errors import EvaluationHostOnly
from evaluation.model import MemberKind, MemberStatus, Phase
from evaluation.sessions import service
from evaluation.sessions.errors import (
    EvaluationRepresentativeInvalid,
    EvaluationSessionExists,
    EvaluationVenueInvalid,
)
from expert_pool.errors import CommitteeCompositionInvalid
from tender.lifecycle import load as load_tender
from tender.model import TenderStatus
from tests.accounts.factory import log_size
from tests.evaluation.kit import MAIN_VENUE, Template, events, session_world, tenderer_user
from tests.tender.world import entries

NOW = dt.datetime.now(dt.UTC)


async def test_the_committee_is_the_draws_confirmed_experts_in_draw_order(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seats 1..5 are the draw's five confirmed experts in draw order, seated, not yet
    signed in; the bids are the record's opened bids with their bidders' names, prices
    unknown while the commercial parts are sealed (two envelopes)."""
    w = await session_world(conn, evaluation_template)
    s = w.scenario
    assert w.state.phase is Phase.SCHEDULED
    assert [m.user_id for m in w.state.seated] == [u.id for u in s.committee]
    assert [m.seat for m in w.state.seated] == [1, 2, 3, 4, 5]
    assert {(m.kind, m.status, m.generation) for m in w.state.members} == {
        (MemberKind.EXPERT, MemberStatus.SEATED, 1)
    }
    assert all(m.signed_in_at is None for m in w.state.members)
    assert sorted(b.bidder for b in w.state.bids) == sorted(b.org.credit_code for b in s.bidders)
    assert {b.name for b in w.state.bids} == {o.name for o in s.world.bidder_orgs}
    assert all(b.price_fen is None for b in w.state.bids)
    assert w.state.two_envelope
    assert w.state.attempt == 1


async def test_scheduling_moves_the_tender_into_evaluation_and_is_logged_without_names(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The tender enters evaluation; the entry names the staff member, counts the
    committee and names nobody on it; the session's first event is session.scheduled."""
    w = await session_world(conn, evaluation_template)
    tender = await load_tender(conn, w.scenario.tender.id)
    assert tender.status is TenderStatus.EVALUATION
    [entry] = await entries(conn, "evaluation.scheduled")
    assert entry.actor.user_id == str(w.staff.user_id)
    assert entry.subject is not None
    assert entry.subject.id == str(w.state.id)
    assert entry.data["experts"] == 5
    assert entry.data["representatives"] == 0
    text = repr(entry.data)
    assert all(str(m.user_id) not in text for m in w.state.members)
    [first] = await events(conn, w)
    assert (first.kind, first.data["seats"]) == ("session.scheduled", 5)


async def test_the_live_subject_names_no_project(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """四不知: every participant's hello shows the subject, so it is opaque."""
    w = await session_world(conn, evaluation_template)
    assert str(w.scenario.tender.id) not in w.live.subject_id
    assert w.live.kind == "evaluation"


async def test_only_centre_staff_schedule(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The agency may not schedule its own tender's session; nothing is written."""
    s = evaluation_template.scenario
    before = await log_size(conn)
    with pytest.raises(EvaluationHostOnly):
        await service.schedule(
            conn, s.world.agency, s.tender.id, "1", main_venue_id=MAIN_VENUE.id,
            representatives=[], starts_at=NOW,
        )  # fmt: skip
    assert await log_size(conn) == before


async def test_a_second_session_of_the_lot_is_refused_until_the_first_is_sealed(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """One committee at a time: a second schedule is refused, nothing written."""
    w = await session_world(conn, evaluation_template)
    before = await log_size(conn)
    with pytest.raises(EvaluationSessionExists):
        await service.schedule(
            conn, w.staff, w.scenario.tender.id, "1", main_venue_id=MAIN_VENUE.id,
            representatives=[], starts_at=NOW,
        )  # fmt: skip
    assert await log_size(conn) == before
    assert await conn.fetchval("SELECT count(*) FROM evaluation_sessions") == 1


async def test_an_unknown_main_venue_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The main venue is an active venue of the catalogue."""
    s = evaluation_template.scenario
    with pytest.raises(EvaluationVenueInvalid):
        await service.schedule(
            conn, s.world.staff, s.tender.id, "1", main_venue_id="V-NOWHERE",
            representatives=[], starts_at=NOW,
        )  # fmt: skip
    assert await conn.fetchval("SELECT count(*) FROM evaluation_sessions") == 0


async def test_representatives_are_seated_after_the_experts(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Law 37: five experts and two of the tenderer's representatives (7, odd, experts
    ≥ 2/3) — the representatives hold seats 6 and 7."""
    reps = [await tenderer_user(conn, evaluation_template, f"rep{n}") for n in (1, 2)]
    w = await session_world(conn, evaluation_template, representatives=reps)
    assert [(m.seat, m.kind) for m in w.state.seated][-2:] == [
        (6, MemberKind.REPRESENTATIVE),
        (7, MemberKind.REPRESENTATIVE),
    ]
    assert [m.user_id for m in w.state.seated][-2:] == reps


async def test_a_committee_breaking_law_37_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Five experts and one representative make six: an even committee is refused."""
    s = evaluation_template.scenario
    rep = await tenderer_user(conn, evaluation_template, "rep1")
    with pytest.raises(CommitteeCompositionInvalid):
        await service.schedule(
            conn, s.world.staff, s.tender.id, "1", main_venue_id=MAIN_VENUE.id,
            representatives=[rep], starts_at=NOW,
        )  # fmt: skip
    assert await conn.fetchval("SELECT count(*) FROM evaluation_sessions") == 0


async def test_a_representative_must_act_for_the_tenderer(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The agency's user is no representative of the tenderer."""
    s = evaluation_template.scenario
    rep = await tenderer_user(conn, evaluation_template, "rep1")
    with pytest.raises(EvaluationRepresentativeInvalid):
        await service.schedule(
            conn, s.world.staff, s.tender.id, "1", main_venue_id=MAIN_VENUE.id,
            representatives=[rep, s.world.agency.user_id], starts_at=NOW,
        )  # fmt: skip
