"""A holder who leaves its seat has its findings void in the record, and its
replacement's count (DOMAIN.md, "Evaluation": a replaced member's findings are void
and the replacement re-evaluates; docs/formats/evaluation-sheet.md §5)."""

from __future__ import annotations

import datetime as dt
import secrets

import asyncpg

from accounts.model import Actor
from evaluation.model import SessionState
from evaluation.sessions.ops import Ops
from evaluation.sheets import service as sheet_service
from signing import sheets
from signing.certs import Identity
from signing.demo_ca import issue_identity
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    confirm_in_draw,
    context,
    events,
    load,
    send,
    session_world,
    to_qualification,
)
from tests.tender.world import register_certificate

PHASE = "qualification"


def _key(seat: int, generation: int) -> bytes:
    return bytes([seat * 10 + generation]) * sheets.KEY_SIZE


async def _submit(
    conn: asyncpg.Connection,
    w: SessionWorld,
    state: SessionState,
    who: tuple[Actor, Identity],
    seat: int,
    *,
    generation: int = 1,
) -> None:
    """The member's client: every bid and item passed, sealed under its own key,
    signed with its own certificate."""
    actor, identity = who
    entries = tuple(
        sheets.QualificationEntry(bid=b.bid_id, item=i.id, passed=True)
        for b in state.bids
        for i in state.method.qualification
    )
    sheet = sheets.Sheet(
        session=state.id, phase=PHASE, seat=seat, generation=generation, version=1,
        salt=secrets.token_bytes(32), entries=entries,
    )  # fmt: skip
    sealed = sheets.seal_and_sign(
        sheets.build_sheet(sheet), _key(seat, generation), secrets.token_bytes(sheets.NONCE_SIZE),
        identity.certificate, identity.key, chain=identity.chain,
    )  # fmt: skip
    await send(conn, w, actor, "submit_sheet", sealed.submit_data())


def _member(w: SessionWorld, seat: int) -> tuple[Actor, Identity]:
    return w.member(seat), w.template.member_identities[w.member(seat).user_id]


async def _void(conn: asyncpg.Connection, w: SessionWorld) -> dict[tuple[int, int], bool]:
    rows = await conn.fetch(
        "SELECT seat, generation, void FROM evaluation_sheets WHERE session_id = $1", w.state.id
    )
    return {(r["seat"], r["generation"]): r["void"] for r in rows}


async def test_a_replaced_holders_sheets_are_void_and_its_replacements_count(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seat 4 submits, then is replaced: its sheet is void in the database at the
    approval; the replacement (drawn in the draw's replacement round) re-evaluates, its
    sheet counts, and the replaced holder's is what the report lists as void."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    state = await load(conn, w)
    await _submit(conn, w, state, _member(w, 4), 4)
    await _submit(conn, w, state, _member(w, 1), 1)
    await send(conn, w, w.staff, "request_replacement", {"seat": 4, "reason": "专家4突发疾病"})
    assert await _void(conn, w) == {(4, 1): False, (1, 1): False}
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 4})
    assert await _void(conn, w) == {(4, 1): True, (1, 1): False}
    newcomer = await confirm_in_draw(conn, w)
    await send(conn, w, w.staff, "seat_replacement", {"seat": 4, "user_id": str(newcomer.user_id)})
    await send(conn, w, newcomer, "sign_in", {"venue": MAIN_VENUE.id})
    await send(conn, w, w.staff, "confirm_identity", {"seat": 4})
    await send(conn, w, newcomer, "declare", {"conflict": False})
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    identity = issue_identity(w.scenario.world.ca, name="专家4补", now=now)
    await register_certificate(conn, newcomer.user_id, identity)
    await _submit(conn, w, state, (newcomer, identity), 4, generation=2)
    for seat in (2, 3, 5):
        await _submit(conn, w, state, _member(w, seat), seat)
    for seat in (1, 2, 3, 5):
        await send(conn, w, w.member(seat), "reveal", sheets.reveal_data(PHASE, _key(seat, 1)))
    await send(conn, w, newcomer, "reveal", sheets.reveal_data(PHASE, _key(4, 2)))
    assert [e.kind for e in await events(conn, w)].count("qualification.result") == 1
    # What the result, the ranking and the report read: the replacement's sheet counts,
    # the replaced holder's is listed as void.
    state = await load(conn, w)
    counted = await sheet_service.current_sheets(conn, state, PHASE)
    assert {seat: s.generation for seat, s in counted.items()} == {1: 1, 2: 1, 3: 1, 4: 2, 5: 1}
    void = await sheet_service.void_sheets(conn, state)
    assert [(r.seat, r.generation, r.revealed) for r in void] == [(4, 1, False)]
    assert await _void(conn, w) == {
        (4, 1): True,
        (4, 2): False,
        **{(s, 1): False for s in (1, 2, 3, 5)},
    }


async def test_an_absent_holders_sheets_are_void_whatever_marks_it_absent(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The core's mark_absent (a reveal failure, the attendance) voids in the same
    transaction: the rows are flagged, not only left out of what is read."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    state = await load(conn, w)
    await _submit(conn, w, state, _member(w, 2), 2)
    async with conn.transaction():
        ctx = await context(conn, w, w.staff)
        await Ops().mark_absent(ctx, 2, "离席未归")
    assert await _void(conn, w) == {(2, 1): True}
