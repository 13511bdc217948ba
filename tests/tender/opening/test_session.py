"""The opening hall's rules as a session kind, without a socket (DESIGN.md, "Live sessions").

Who sees what and who may give which command are the hall's own rules: everyone signed
in watches and sees their own answers, centre staff also host; the status is for the
opening's parties, the bond check and the next stage for the host. Every event the
hall can emit is declared, so the engine refuses anything else before it is stored.
The socket carrying these frames is tested in tests/web/live/test_opening_hall.py.
"""

from __future__ import annotations

from typing import cast
from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.model import Actor, Role, RoleGrant
from live.kinds import LiveKind, UndeclaredEmit, check_emits, registry
from live.model import Emit
from tender.errors import HallCommandRefused, TenderNotFound
from tender.opening import session as hall
from tender.opening.lot import Opening


def actor(*roles: Role) -> Actor:
    return Actor(
        user_id=uuid4(),
        organisation_id=uuid4(),
        username="someone",
        display_name="Someone",
        grants=frozenset(RoleGrant(role=role) for role in roles),
    )


def no_opening() -> Opening:
    raise AssertionError("the rule under test needs no opening")


KIND: LiveKind = hall.OpeningHall(opening=no_opening)


def test_everyone_signed_in_watches_and_sees_their_own_answers() -> None:
    """A bidder, an expert, an official: the public events and their own answers."""
    for role in (Role.BIDDER, Role.EXPERT, Role.OPENING_OFFICIAL, Role.SUPERVISOR):
        who = actor(role)
        assert hall.hall_audiences(who, host=False) == {"all", f"user:{who.user_id}"}, role


def test_the_host_also_sees_the_hosts_events() -> None:
    """The tender's centre's staff (tests/tender/test_access.py: who that is)."""
    staff = actor(Role.CENTRE_STAFF)
    assert hall.hall_audiences(staff, host=True) == {"all", f"user:{staff.user_id}", hall.HOST}


def test_only_the_openings_parties_ask_for_the_status() -> None:
    """A watcher who is not a party is refused; a party (whatever its role) is not."""
    with pytest.raises(HallCommandRefused) as refused:
        hall.refuse_unless_allowed(actor(Role.BIDDER), "status", party=False, host=False)
    assert refused.value.code == "opening_hall_command_refused"
    hall.refuse_unless_allowed(actor(Role.BIDDER), "status", party=True, host=False)


@pytest.mark.parametrize("command", ["bond_check", "advance"])
def test_only_the_host_checks_bonds_and_moves_the_opening_on(command: str) -> None:
    """Being a party is not enough, nor holding the centre staff role: only the host."""
    for role in (Role.BIDDER, Role.OPENING_OFFICIAL, Role.SUPERVISOR, Role.AGENCY,
                 Role.CENTRE_STAFF):  # fmt: skip
        with pytest.raises(HallCommandRefused):
            hall.refuse_unless_allowed(actor(role), command, party=True, host=False)
    hall.refuse_unless_allowed(actor(Role.CENTRE_STAFF), command, party=False, host=True)


def test_the_hall_declares_its_commands_events_and_audiences() -> None:
    """What the engine checks every emit against (live/kinds.py)."""
    assert KIND.name == "opening"
    assert KIND.commands == {"status", "bond_check", "advance"}
    assert KIND.audiences_named == {hall.HOST}
    assert set(registry([KIND])) == {"opening"}
    assert {"hall.status", "bonds.checked", "lot.status", "record.announced"} <= KIND.events


def test_an_undeclared_event_or_audience_is_refused_before_it_is_stored() -> None:
    user = f"user:{uuid4()}"
    check_emits(KIND, [Emit(kind="hall.status", data={}, audience=user)])
    check_emits(KIND, [Emit(kind="bonds.checked", data={}, audience=hall.HOST)])
    with pytest.raises(UndeclaredEmit):
        check_emits(KIND, [Emit(kind="prices.leaked", data={})])
    with pytest.raises(UndeclaredEmit):
        check_emits(KIND, [Emit(kind="lot.status", data={}, audience="experts")])


async def test_an_announcement_of_an_undeclared_event_is_refused() -> None:
    """Routes announce confirmations and objections; nothing else slips in."""
    conn = cast(asyncpg.Connection, None)  # refused before any query
    with pytest.raises(ValueError, match="no event"):
        await hall.announce(conn, uuid4(), "1", "prices.leaked", {})


def test_a_halls_subject_names_its_tender_and_lot() -> None:
    tender = UUID(int=5)
    assert hall.parse_subject(hall.subject(tender, "2")) == (tender, "2")
    with pytest.raises(TenderNotFound):
        hall.parse_subject("not-a-tender/1")
