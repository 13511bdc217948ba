"""Past the fault limits everything is sealed and a new committee is formed (DOMAIN.md,
"Remote cross-city evaluation"; expert_pool.requests.renew): centre staff cancel the
sealed committee's draw with a supervisor's approval and request the next draw, which
is drawn like any; the lot's session is then scheduled again as attempt 2."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from evaluation.model import DEFAULT_POLICY, Phase
from evaluation.sessions import service as sessions
from expert_pool.draws import access as draw_access
from expert_pool.draws.model import DrawStatus
from expert_pool.errors import DrawApprovalMissing, DrawStateInvalid
from expert_pool.pools import service as pools
from expert_pool.requests import close, renew
from expert_pool.requests import service as requests
from expert_pool.views import service as views
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    load,
    send,
    session_world,
)
from tests.evaluation.replacement_round import answer_pick
from tests.expert_pool import world as pool_world
from tests.tender.world import entries

NO_WAIT = dataclasses.replace(
    DEFAULT_POLICY, pause_before_start=dt.timedelta(0), pause_during=dt.timedelta(0)
)
REASON = "会话超过故障时限已封存，重新组建评标委员会"


async def _renew(conn: asyncpg.Connection, w: SessionWorld, actor: object = None) -> str:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    draw = await renew.new_committee_after_seal(
        conn, actor or w.staff, w.state.draw_id,  # type: ignore[arg-type]
        session_start=start, session_end=start + dt.timedelta(hours=4), reason=REASON,
    )  # fmt: skip
    return draw.id


async def _sealed(conn: asyncpg.Connection, template: Template) -> SessionWorld:
    w = await session_world(conn, template, policy=NO_WAIT)
    await send(conn, w, w.staff, "pause", {"reason": "主场断电"})
    await send(conn, w, w.staff, "resume")
    assert (await load(conn, w)).phase is Phase.SEALED
    return w


async def test_a_sealed_sessions_lot_gets_a_new_committee_and_attempt_two(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Sealed → approval → staff renew the draw (the old one cancelled, attempt 2
    requested) → prepared, committed, drawn, confirmed → the session's attempt 2 sits
    the new committee."""
    w = await _sealed(conn, evaluation_template)
    await close.approve_redraw(conn, w.supervisor, w.state.draw_id, REASON)
    new_id = await _renew(conn, w)
    old = await draw_access.get_draw(conn, w.state.draw_id)
    assert old.status is DrawStatus.CANCELLED
    new = await draw_access.get_draw(conn, new_id)
    assert (new.status, new.attempt, new.parties) == (DrawStatus.REQUESTED, 2, old.parties)
    assert new.spec.categories == old.spec.categories
    assert old.transcript is not None
    [entry] = [e for e in await entries(conn, "draw.requested") if e.data["draw_id"] == new_id]
    assert entry.data["after_sealed_draw"] == old.id
    summary = await pools.prepare_draw(conn, w.staff, new_id)
    # The sealed committee served this tenderer days ago: the cool-off keeps it out.
    _, excluded = await views.exclusions(conn, w.supervisor, new_id)
    sat = {x for x, _, reasons in excluded if "cool_off_same_tenderer" in reasons}
    assert {p.expert_id for p in old.transcript.rounds[0].picks} <= sat
    if summary.below_ratio:
        await pools.approve_small_pool(conn, w.supervisor, new_id, "池小，批准")
    await requests.commit_draw(conn, w.staff, new_id)
    await pool_world.contribute(conn, w.supervisor, new_id, 0, pool_world.fresh_entropy())
    drawn = await draw_access.get_draw(conn, new_id)
    assert drawn.transcript is not None
    for pick in drawn.transcript.rounds[0].picks:
        await answer_pick(conn, w, pick.expert_id, draw_id=new_id)
    assert (await draw_access.get_draw(conn, new_id)).status is DrawStatus.COMPLETE
    state = await sessions.schedule(
        conn, w.staff, w.state.tender_id, "1", main_venue_id=MAIN_VENUE.id,
        representatives=[], starts_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    assert (state.attempt, state.draw_id) == (2, new_id)
    assert len(state.seated) == 5
    assert not {m.user_id for m in state.seated} & {m.user_id for m in w.state.seated}


async def test_a_new_committee_needs_a_sealed_session_an_approval_and_centre_staff(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Refused while the session runs, without a supervisor's approval, and for anyone
    but centre staff; nothing changes."""
    w = await session_world(conn, evaluation_template, policy=NO_WAIT)
    with pytest.raises(DrawStateInvalid):
        await _renew(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "主场断电"})
    await send(conn, w, w.staff, "resume")
    with pytest.raises(DrawApprovalMissing):
        await _renew(conn, w)
    await close.approve_redraw(conn, w.supervisor, w.state.draw_id, REASON)
    with pytest.raises(PermissionDenied):
        await _renew(conn, w, w.agency)
    assert (await draw_access.get_draw(conn, w.state.draw_id)).status is DrawStatus.COMPLETE
    assert len(await entries(conn, "draw.requested")) == 2  # the template's two draws
