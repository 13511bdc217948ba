"""Who an actor is to an evaluation session: the rule every view of it starts from.

DESIGN.md, "Live sessions" and issue 11, item 3 (两随机、四不知): centre staff and the
supervisors of the tender's department see names and venues; a seated member sees the
committee's work and its own name; the tender's agency and tenderer follow the session
by seats; a bidder of a bid under evaluation sees only what concerns its own bids
(the clarifications put to it). Anyone else sees nothing of the session.
"""

from __future__ import annotations

import dataclasses
import enum

import asyncpg

from accounts.model import Actor, Role
from accounts.organisations import queries as organisations
from evaluation.model import SessionState
from tender import access
from tender.lifecycle import load


class Standing(enum.StrEnum):
    """The strongest relation the actor has to the session."""

    OVERSEER = "overseer"  # centre staff; a supervisor of the tender's department
    MEMBER = "member"  # a seated member of the committee
    PARTY = "party"  # the tender's agency or tenderer
    BIDDER = "bidder"  # acts for the bidder of a bid the session evaluates
    NONE = "none"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Viewer:
    """An actor's standing, and the bidders (credit codes) it acts for in the session."""

    standing: Standing
    bidders: frozenset[str] = frozenset()


def is_overseer(actor: Actor, state: SessionState) -> bool:
    """Centre staff (they host every venue), or a supervisor of the tender's department."""
    return actor.has_role(Role.CENTRE_STAFF) or state.department_id in actor.acting_for(
        Role.SUPERVISOR
    )


async def bidder_codes(
    conn: asyncpg.Connection, actor: Actor, state: SessionState
) -> frozenset[str]:
    """Credit codes of the session's bidders the actor acts for (role bidder)."""
    evaluated = {bid.bidder for bid in state.bids}
    codes = set()
    for organisation_id in actor.acting_for(Role.BIDDER):
        found = await organisations.organisation(conn, organisation_id)
        if found is not None and found.credit_code in evaluated:
            codes.add(found.credit_code)
    return frozenset(codes)


async def viewer(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> Viewer:
    """What the actor is to the session (overseer, member, party, bidder or none)."""
    if is_overseer(actor, state):
        return Viewer(standing=Standing.OVERSEER)
    if state.member_of(actor.user_id) is not None:
        return Viewer(standing=Standing.MEMBER)
    tender = await load(conn, state.tender_id)
    if access.is_agency(actor, tender) or access.is_tenderer(actor, tender):
        return Viewer(standing=Standing.PARTY)
    codes = await bidder_codes(conn, actor, state)
    return Viewer(standing=Standing.BIDDER if codes else Standing.NONE, bidders=codes)
