"""The evaluation room: the ``evaluation`` live-session kind (live.kinds.LiveKind).

DESIGN.md, "Live sessions": a kind states its commands, events and audiences in its
domain package; who may see what is a domain rule, tested here without a socket
(:func:`audiences_for`). The room admits a session's participants, reads the session
under its row lock for every command, builds the handler's context (the policy the
session was scheduled with, the trust store as of now, the core's SessionOps) and
dispatches to the feature whose ``HANDLERS`` names the command. The features never
import the room: it imports them. docs/formats/evaluation-session.md is the protocol.

Audiences (the ``role:`` prefix is the one live_events accepts, migration 0003):

- ``all`` — every admitted participant; events to it carry seats only (专家n);
- ``role:committee`` — the seated members (the bidders by name, results);
- ``role:staff`` — centre staff and the department's supervisors (names, venues);
- ``role:supervisor`` — the department's supervisors alone (their notes);
- ``role:panel`` — the committee and staff alike: revealed sheets and results are one
  event that both see, never a copy per audience;
- ``user:<id>`` — one participant (``snapshot``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import asyncpg

from accounts.model import Actor, Role
from evaluation.clarifications import commands as clarifications
from evaluation.errors import EvaluationCommandUnknown, EvaluationTenderClosed
from evaluation.handlers import Ctx, Handler, Handlers
from evaluation.model import KIND, SessionState
from evaluation.notes import commands as notes
from evaluation.report import commands as report
from evaluation.room.shapes import DATA_KEYS, check_keys
from evaluation.sessions import attendance
from evaluation.sessions import commands as sessions
from evaluation.sessions.errors import EvaluationNotParticipant
from evaluation.sessions.ops import Ops
from evaluation.sessions.service import load_session
from evaluation.sessions.views import COMMITTEE, PANEL, STAFF, SUPERVISOR
from evaluation.sheets import commands as sheets
from live.model import EVERYONE, Command, Emit, LiveSession, user_audience
from signing.trust import TrustStore
from tender import access
from tender.model import Tender, TenderStatus
from tender.queries import database_now

Feature = tuple[Handlers, frozenset[str]]

# Every feature's commands and events (each command owned by one feature).
FEATURES: tuple[Feature, ...] = (
    (sessions.HANDLERS, sessions.EVENTS),
    (sheets.HANDLERS, sheets.EVENTS),
    (report.HANDLERS, report.EVENTS),
    (clarifications.HANDLERS, frozenset(clarifications.EVENTS)),
    (notes.HANDLERS, frozenset(notes.EVENTS)),
)

NAMED = frozenset({COMMITTEE, STAFF, SUPERVISOR, PANEL})
# replacement.approved: a holder the host asked to replace leaves at the approval.
REGROUP_ON = frozenset(
    {"member.declared", "member.absent", "member.replaced", "replacement.approved"}
)


def merge(features: Iterable[Feature]) -> tuple[dict[str, Handler], frozenset[str]]:
    """One table of every feature's handlers, each command owned by one feature."""
    handlers: dict[str, Handler] = {}
    events: set[str] = set()
    for table, kinds in features:
        for name, handler in table.items():
            if name in handlers:
                raise ValueError(f"two features handle the command {name!r}")
            handlers[name] = handler
        events |= kinds
    return handlers, frozenset(events)


def audiences_for(
    actor: Actor, state: SessionState, tender: Tender, *, venue_staff: bool = False
) -> frozenset[str] | None:
    """The audiences an actor belongs to in a session; None: not a participant (4403).

    Seated members see the committee's events; centre staff and the department's
    supervisors the staff's (supervisors their own too); the tender's agency and
    tenderer only what everyone sees. A member who left (recused, absent, replaced)
    is no longer a participant for being one.
    """
    found: set[str] = set()
    if state.member_of(actor.user_id) is not None:
        found |= {COMMITTEE, PANEL}
    if access.is_host(actor, tender) or venue_staff:
        # The tender's centre hosts; an assisting venue's assigned staff (another
        # county's or city's) work the desk there (attendance.staffs_a_venue).
        found |= {STAFF, PANEL}
    if state.department_id in actor.acting_for(Role.SUPERVISOR):
        found |= {STAFF, SUPERVISOR, PANEL}
    if not found and not (access.is_agency(actor, tender) or access.is_tenderer(actor, tender)):
        return None
    return frozenset(found | {EVERYONE, user_audience(actor.user_id)})


CLOSED = frozenset({TenderStatus.CANCELLED, TenderStatus.FAILED})


class EvaluationRoom:
    """The ``evaluation`` session kind.

    ``trust``: the platform's trust store as of now (members' certificates verify
    against it), given by the application that registers the room.
    """

    name = KIND
    audiences_named = NAMED
    # A member leaving its seat (a declared conflict, absence, replacement) must stop
    # seeing the committee's events at once (DESIGN.md "Blind scoring"; 回避).
    regroup_on = REGROUP_ON

    def __init__(
        self, trust: Callable[[], TrustStore], features: Iterable[Feature] = FEATURES
    ) -> None:
        self._trust = trust
        self._handlers, self.events = merge(features)
        self.commands = frozenset(self._handlers)
        if not self.commands <= DATA_KEYS.keys():
            missing = sorted(self.commands - DATA_KEYS.keys())
            raise ValueError(f"commands without their data keys in room/shapes.py: {missing}")

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        """Decided when the socket opens (audiences_for)."""
        loaded = await load_session(conn, session.id, lock=False)
        venue_staff = await attendance.staffs_a_venue(conn, actor, loaded.state)
        return audiences_for(actor, loaded.state, loaded.tender, venue_staff=venue_staff)

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        """Lock and read the session, then dispatch; a pause past its limit seals first."""
        handler = self._handlers.get(command.type)
        if handler is None:
            raise EvaluationCommandUnknown(
                f"the evaluation session has no command {command.type!r}",
                details={"type": command.type},
            )
        check_keys(command.type, command.data)
        loaded = await load_session(conn, session.id, lock=True)
        # Membership may have changed since the socket opened: admit again, now.
        venue_staff = await attendance.staffs_a_venue(conn, actor, loaded.state)
        if audiences_for(actor, loaded.state, loaded.tender, venue_staff=venue_staff) is None:
            raise EvaluationNotParticipant("you are not a participant of this session")
        if loaded.tender.status in CLOSED and command.type != "snapshot":
            # A cancelled or failed tender has nothing left to evaluate: whatever the
            # session's phase, no sheet, vote or signature is taken any more.
            raise EvaluationTenderClosed(
                f"the tender is {loaded.tender.status}: its evaluation takes no more commands",
                details={"status": str(loaded.tender.status)},
            )
        ctx = Ctx(
            conn=conn, actor=actor, state=loaded.state, data=command.data,
            now=await database_now(conn), policy=loaded.stored.policy, trust=self._trust(),
            ops=Ops(),
        )  # fmt: skip
        sealed = await sessions.seal_if_expired(ctx)
        if sealed is not None:
            return sealed
        return await handler(ctx)
