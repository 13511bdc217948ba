"""What a command handler of the evaluation session receives and returns.

The session kind (evaluation/room/session.py) reads the session under its row lock,
finds the handler of the command's type in the features' ``HANDLERS`` tables
(evaluation/sessions, sheets, report, clarifications, notes) and calls it inside the
command's transaction. A handler checks who may do what (raising a refusal with its
code changes nothing: the transaction rolls back), writes its rows and log entries, and
returns the events to append. The features never import the room: it imports them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from accounts.model import Actor
from evaluation.events import EvaluationEvent
from evaluation.model import EvaluationPolicy, Member, SessionState
from live.model import Emit
from signing.trust import TrustStore


class SessionOps(Protocol):
    """What the session core (evaluation/sessions) does for every feature's handlers.

    Passed in the context so that a feature needs the core's contract, not its module:
    the room (evaluation/room) builds the context with the core's implementation.
    """

    async def advance(self, ctx: Ctx) -> list[Emit]:
        """Move to the next phase (its deadline from the policy), logged; its events."""

    async def log(self, ctx: Ctx, kind: EvaluationEvent, data: Mapping[str, Any]) -> int:
        """Append a log entry in the command's transaction (a member named by seat only)."""

    async def mark_absent(self, ctx: Ctx, seat: int, reason: str) -> list[Emit]:
        """Handle a seat's member as absent (findings void; a replacement is needed)."""


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Ctx:
    """One command, inside its transaction, with the session read under its row lock."""

    conn: asyncpg.Connection
    actor: Actor
    state: SessionState
    data: Mapping[str, Any]  # the command's ``data``
    now: datetime  # the database clock at the start of the transaction
    policy: EvaluationPolicy
    trust: TrustStore  # the current trust store: members' certificates verify against it
    ops: SessionOps

    @property
    def member(self) -> Member | None:
        """The seated member the actor is, if any."""
        return self.state.member_of(self.actor.user_id)


Handler = Callable[[Ctx], Awaitable[list[Emit]]]
Handlers = Mapping[str, Handler]
