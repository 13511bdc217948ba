"""The room's dispatch through the engine: unknown commands, participants, client ids.

docs/live-sessions.md: a command sent again with the same id is not applied twice —
the server answers with the first time's seq; the same id with another type or data
is refused (live_command_id_conflict) and changes nothing (issue 11, "Bad input";
docs/formats/evaluation-session.md §6); a refused command stores nothing, so its id
is free to be used again.
"""

from __future__ import annotations

import asyncpg
import pytest

from evaluation.errors import (
    EvaluationCommandUnknown,
    EvaluationPhaseInvalid,
    EvaluationTenderClosed,
)
from evaluation.room.session import FEATURES, EvaluationRoom, merge
from evaluation.sessions import commands
from evaluation.sessions.errors import EvaluationNotParticipant
from live.errors import LiveCommandIdReused
from tender.results import outcomes
from tests.evaluation.kit import (
    MAIN_VENUE,
    Template,
    events,
    footprint,
    load,
    refuse,
    send,
    session_world,
)


def test_the_room_offers_every_features_commands_and_events() -> None:
    """The kind's commands and events are the merged tables of every feature: the core,
    sheets, report, clarifications and notes, each command owned by one of them."""
    room = EvaluationRoom(trust=lambda: pytest.fail("no trust needed"))
    tables = [table for table, _ in FEATURES]
    assert room.commands == frozenset().union(*tables)
    assert sum(len(t) for t in tables) == len(room.commands)  # no command in two features
    assert room.events == frozenset().union(*(kinds for _, kinds in FEATURES))
    assert room.commands >= {"snapshot", "submit_sheet", "reveal", "sign_report", "note",
                             "ask_clarification", "commercial_opened"}  # fmt: skip
    assert room.name == "evaluation"
    assert room.audiences_named == {"role:committee", "role:staff", "role:supervisor", "role:panel"}


def test_two_features_claiming_one_command_is_refused_when_the_room_is_built() -> None:
    """merge(): a command has one owner, else the room does not start."""
    with pytest.raises(ValueError, match="two features handle the command 'snapshot'"):
        merge(
            [(commands.HANDLERS, commands.EVENTS), ({"snapshot": commands.snapshot}, frozenset())]
        )


def test_two_features_may_not_claim_one_command() -> None:
    """A command is one feature's: merging two tables that both name it fails at once."""
    twice = {"snapshot": commands.snapshot}
    with pytest.raises(ValueError, match="snapshot"):
        merge([(commands.HANDLERS, commands.EVENTS), (twice, frozenset())])


async def test_an_unknown_command_is_refused_with_its_code(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """evaluation_command_unknown, nothing written."""
    w = await session_world(conn, evaluation_template)
    error = await refuse(conn, w, w.member(1), "score_everyone_10", {}, EvaluationCommandUnknown)
    assert error.details == {"type": "score_everyone_10"}


async def test_a_non_participant_is_refused_even_through_the_engine(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The room admits again at every command (membership may have changed)."""
    w = await session_world(conn, evaluation_template)
    await refuse(conn, w, w.bidder, "snapshot", {}, EvaluationNotParticipant)


async def test_a_replayed_id_is_answered_with_the_first_seq_and_applied_once(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Same id, same body: the first ack's seq again, no new event, no new row."""
    w = await session_world(conn, evaluation_template)
    first = await send(conn, w, w.staff, "open_sign_in", msg_id="host-1")
    before = await footprint(conn, w)
    again = await send(conn, w, w.staff, "open_sign_in", msg_id="host-1")
    assert again == first
    assert await footprint(conn, w) == before


async def test_a_replayed_id_with_another_body_is_refused_and_changes_nothing(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The id stands for its first body: another type, or the same type with other
    data, is live_command_id_conflict (naming the first seq); nothing is written, and
    the first body sent again is still answered with its seq."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    first = await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id}, msg_id="m-1")
    before = await footprint(conn, w)
    for kind, data in (("declare", {"conflict": True}), ("sign_in", {"venue": "V-OTHER"})):
        with pytest.raises(LiveCommandIdReused) as refused:
            await send(conn, w, w.member(1), kind, data, msg_id="m-1")
        assert refused.value.code == "live_command_id_conflict"
        assert refused.value.details == {"id": "m-1", "seq": first}
    assert await footprint(conn, w) == before
    again = await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id}, msg_id="m-1")
    assert again == first
    assert await footprint(conn, w) == before


async def test_ids_are_per_participant(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Two members may both use id "1": each is its own command."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    one = await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id}, msg_id="1")
    two = await send(conn, w, w.member(2), "sign_in", {"venue": MAIN_VENUE.id}, msg_id="1")
    assert one != two
    assert all(m.signed_in_at for m in (await load(conn, w)).seated if m.seat in (1, 2))


async def test_a_refused_id_may_be_used_again(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A refusal stores nothing: the same id, sent when the command is allowed, applies."""
    w = await session_world(conn, evaluation_template)
    with pytest.raises(EvaluationPhaseInvalid):
        await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id}, msg_id="m-1")
    await send(conn, w, w.staff, "open_sign_in")
    seq = await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id}, msg_id="m-1")
    [event] = [e for e in await events(conn, w) if e.seq == seq]
    assert (event.kind, event.client_msg_id) == ("member.signed_in", "m-1")


async def test_a_cancelled_tenders_session_refuses_every_command_but_the_snapshot(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The agency cancels the tender during the evaluation (Reg. 51, 55): the session
    takes no sign-in, declaration or sheet any more — evaluation_tender_closed_conflict,
    nothing written — and still answers the snapshot, so the pages can say why."""
    w = await session_world(conn, evaluation_template)
    world = evaluation_template.scenario.world
    await outcomes.cancel(
        conn, w.agency, evaluation_template.scenario.tender.id, reason="资金未落实",
        setup=world.setup(),
    )  # fmt: skip
    error = await refuse(conn, w, w.staff, "open_sign_in", {}, EvaluationTenderClosed)
    assert error.details == {"status": "cancelled"}
    await refuse(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id}, EvaluationTenderClosed)
    view = await send(conn, w, w.member(1), "snapshot", {})
    assert view is not None
