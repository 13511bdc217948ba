"""How a kind of live session plugs into the engine (the opening hall, evaluation next).

A kind states, in its own domain package, the commands it accepts, the events it
emits and who may see them (its audiences): who-may-see-what is a domain rule, tested
there without a socket (tender/opening/session.py is the opening hall's). The engine
numbers, stores and fans out whatever a kind emits, and refuses an emit the kind did
not declare: an event nobody described cannot reach a client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import asyncpg

from accounts.model import Actor
from live.model import EVERYONE, Command, Emit, LiveSession


class LiveKind(Protocol):
    """What a kind of session plugs in."""

    @property
    def name(self) -> str:
        """The ``kind`` of its sessions (``live_sessions.kind``)."""

    @property
    def commands(self) -> frozenset[str]:
        """The command types it accepts (besides ``presence``, which the engine answers)."""

    @property
    def events(self) -> frozenset[str]:
        """The event kinds its commands may emit."""

    @property
    def regroup_on(self) -> frozenset[str]:
        """Event kinds after which each socket's audiences are decided again (a member
        who recused, was marked absent or replaced stops seeing the committee's events
        at once, not at its next reconnect; refused: the socket closes with 4403)."""

    @property
    def audiences_named(self) -> frozenset[str]:
        """Its named audiences besides ``all`` and ``user:<id>`` (e.g. the hall's ``host``)."""

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        """The audiences the actor belongs to (``all``, ``user:id``, named); None: refused."""

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        """Apply a command inside the transaction; return the events it causes."""


@runtime_checkable
class CommitsAlone(Protocol):
    """A kind some of whose commands store themselves — their change and their events,
    the first carrying the client's id and the command's digest — in one statement of
    their own, outside any transaction, so the statement's own commit releases its locks
    at once (the auction's bid: docs/performance.md, "The timed auction's last second")."""

    def commits_alone(self, command: Command) -> bool:
        """Whether this command is applied by ``apply_alone``."""

    async def apply_alone(
        self,
        conn: asyncpg.Connection,
        actor: Actor,
        session: LiveSession,
        command: Command,
        digest: str,
    ) -> int:
        """Apply the command; the seq of its first event (committed when this returns)."""


class UndeclaredEmit(Exception):
    """A kind emitted an event or audience it did not declare (a bug, never a client's fault)."""


def registry(kinds: Iterable[LiveKind]) -> dict[str, LiveKind]:
    """The kinds by name, each name once."""
    found: dict[str, LiveKind] = {}
    for kind in kinds:
        if kind.name in found:
            raise ValueError(f"two live session kinds are named {kind.name!r}")
        found[kind.name] = kind
    return found


def check_emits(kind: LiveKind, emits: Sequence[Emit]) -> None:
    """Refuse an emit of an undeclared event kind or audience (before anything is stored)."""
    for emit in emits:
        if emit.kind not in kind.events:
            raise UndeclaredEmit(f"{kind.name} emitted an undeclared event {emit.kind!r}")
        if not audience_declared(kind, emit.audience):
            raise UndeclaredEmit(f"{kind.name} emitted to an undeclared audience {emit.audience!r}")


def audience_declared(kind: LiveKind, audience: str) -> bool:
    """``all``, one participant (``user:<id>``), or one of the kind's named audiences."""
    return audience == EVERYONE or audience.startswith("user:") or audience in kind.audiences_named


Kinds = Mapping[str, LiveKind]
