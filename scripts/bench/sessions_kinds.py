"""The session kinds scripts/bench/sessions.py can drive: set-up and command, pluggable.

A kind of the bench builds, once, ``count`` live sessions of its live kind, each with
its members (who send the command) and its observers (who only watch), and names the
command a member sends: one that commits an event and is acknowledged after the
commit (docs/live-sessions.md). The users are real accounts made through the accounts
service; the bench gives each a bearer token (tests/evaluation/servers.bearer_token).

- ``opening``: the opening hall (tender/opening/session.py). One published tender per
  session (lot 1, deadline hours away: the hall shows the countdown); the members are
  agency staff of the tender's agency (parties may ask for the ``status``: each answer
  is a ``hall.status`` event to the asker alone); the observers are signed-in users who
  watch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import OrgKind, Role
from live import queries as live
from signing.demo_ca import DemoCA
from tests.accounts.factory import make_organisation, make_user
from tests.tender.world import build_world, published_tender


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BenchSession:
    """One live session and the users in it."""

    id: UUID
    members: tuple[UUID, ...]  # send the command
    observers: tuple[UUID, ...]  # watch only


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BenchKind:
    """What the bench needs of a kind: its set-up and its members' command."""

    name: str  # --kind
    live_kind: str  # live_sessions.kind
    command: str  # the command type a member sends
    data: dict[str, Any]  # its data
    answer: str  # the event kind each command commits
    set_up: Callable[[asyncpg.Connection, DemoCA, int, int, int], Awaitable[list[BenchSession]]]


async def _opening_set_up(
    conn: asyncpg.Connection, ca: DemoCA, count: int, members: int, observers: int
) -> list[BenchSession]:
    """``count`` opening halls, each its own published tender's lot 1."""
    world = await build_world(conn, ca)
    watchers = await make_organisation(conn, OrgKind.BIDDER, name="基准观察者")
    found = []
    for s in range(count):
        tender = await published_tender(conn, world, setup=world.setup())
        session = await live.open_session(conn, "opening", f"{tender.id}/1")
        agents = [
            await make_user(
                conn, world.agency_org, Role.AGENCY, password=None, username=f"bench-s{s}-m{i}"
            )
            for i in range(members)
        ]
        watching = [
            await make_user(conn, watchers, Role.BIDDER, password=None, username=f"bench-s{s}-o{i}")
            for i in range(observers)
        ]
        found.append(
            BenchSession(
                id=session.id,
                members=tuple(u.id for u in agents),
                observers=tuple(u.id for u in watching),
            )
        )
    return found


OPENING = BenchKind(
    name="opening",
    live_kind="opening",
    command="status",
    data={},
    answer="hall.status",
    set_up=_opening_set_up,
)

KINDS = {kind.name: kind for kind in (OPENING,)}
