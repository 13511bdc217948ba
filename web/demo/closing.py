"""A demo session driven from its sign-in to its close, every step the real one.

The demo's candidates-published and awarded tenders need an evaluation that closed for
real: each command goes through the live engine (``live.service.apply``, as a socket
would send it) and the evaluation room; every member seals, signs and reveals its own
sheets with its registered demo key (signing.sheets, as the member's client does) and
signs the report's exact bytes. DEMO ONLY: the loader plays the users' clients with
their demo keys, as the pool's and the evaluation's demos do. tests/web/evaluation/
closing.py drives the tests' two-envelope template the same way.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor
from evaluation.model import Phase
from evaluation.report import queries as reports
from evaluation.room.session import EvaluationRoom
from evaluation.sessions import service as sessions
from live import queries as live_queries
from live import service as live
from live.model import Command, LiveSession
from signing import sheets
from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import DemoCA
from web.evaluation.demo_opening import actor

# Every member gives the same points (no deviation to review), the bids told apart so
# that the ranking is no tie: a share of each scored item's maximum, by bid.
SHARES = (0.9, 0.8, 0.7)
MAIN_VENUE = "V-XC-MAIN"


class _Driver:
    """Sends the session's commands as their senders' clients would."""

    def __init__(self, conn: asyncpg.Connection, ca: DemoCA, session: LiveSession) -> None:
        self.conn = conn
        self.room = EvaluationRoom(trust=ca.trust_store)
        self.session = session
        self.ids = itertools.count(1)

    async def send(self, who: Actor, kind: str, data: Mapping[str, Any] | None = None) -> None:
        command = Command(id=f"demo-{next(self.ids)}", type=kind, data=dict(data or {}))
        await live.apply(self.conn, self.room, self.session, who, command)

    async def phase(self) -> Phase:
        return (await sessions.load(self.conn, self.session.id, lock=False)).phase


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


Send = Callable[[Actor, str, Mapping[str, Any]], Awaitable[object]]


async def sheet_phase(
    send: Send,
    session_id: UUID,
    phase: str,
    members: Sequence[tuple[Actor, Identity]],
    entries: tuple[sheets.Entry, ...],
) -> None:
    """Every member (seat 1 first) seals and signs the same entries with its key, then
    every member reveals: ``send(actor, command, data)`` is the room's engine (the
    tests' two-envelope closing, tests/web/evaluation/closing.py, uses it too)."""
    keys = {}
    for seat, (member, identity) in enumerate(members, start=1):
        sheet = sheets.Sheet(session=session_id, phase=phase, seat=seat, generation=1,
                             version=1, salt=sheets.new_salt(), entries=entries)  # fmt: skip
        keys[seat] = sheets.new_key()
        sealed = sheets.seal_and_sign(
            sheets.build_sheet(sheet), keys[seat], sheets.new_nonce(),
            identity.certificate, identity.key, chain=identity.chain,
        )  # fmt: skip
        await send(member, "submit_sheet", sealed.submit_data())
    for seat, (member, _) in enumerate(members, start=1):
        await send(member, "reveal", sheets.reveal_data(phase, keys[seat]))


async def close_session(
    conn: asyncpg.Connection,
    session_id: UUID,
    *,
    ca: DemoCA,
    committee: Sequence[str],
    identities: Sequence[Identity],
) -> None:
    """Sign-in, start, no conflicts, seat 1 chairs, qualification, scoring, ranking, the
    report signed by every member: the session closes and hands over its candidates."""
    session = await live_queries.get_session(conn, session_id)
    assert session is not None
    d = _Driver(conn, ca, session)
    host = await actor(conn, "centre.staff")
    members = [(await actor(conn, name), identity)
               for name, identity in zip(committee, identities, strict=True)]  # fmt: skip
    await d.send(host, "open_sign_in")
    for seat, (member, _) in enumerate(members, start=1):
        await d.send(member, "sign_in", {"venue": MAIN_VENUE})
        await d.send(host, "confirm_identity", {"seat": seat})
    await d.send(host, "start")
    for member, _ in members:
        await d.send(member, "declare", {"conflict": False})
    for member, _ in members:
        await d.send(member, "vote_chair", {"seat": 1})
    await sheet_phase(d.send, session_id, "qualification", members, ())
    state = await sessions.load(conn, session_id, lock=False)
    bids = [b.bid_id for b in state.bids]
    entries = tuple(
        sheets.ScoreEntry(bid=bid, item=address, points=int(round(item.max_hundredths * share, -2)))
        for address, item in state.method.scored_items.items()
        for bid, share in zip(bids, SHARES, strict=False)
    )
    await sheet_phase(d.send, session_id, "scoring", members, entries)
    chair = members[0][0]
    await d.send(chair, "rank")
    await d.send(chair, "draft_report")
    report = await reports.current_report(conn, session_id)
    assert report is not None
    for member, identity in members:
        signature = sign_detached(report.body, identity.certificate, identity.key,
                                  chain=identity.chain)  # fmt: skip
        await d.send(member, "sign_report",
                     {"sha256": report.sha256, "signature": _b64url(signature)})  # fmt: skip
    if await d.phase() is not Phase.CLOSED:
        raise RuntimeError(f"the demo session {session_id} did not close")
