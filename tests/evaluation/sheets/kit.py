"""A session for the sheets tests: a real live session row, real members with registered
certificates, a SessionState built directly, and a recording SessionOps.

The recording Ops stands in for the session core's (evaluation/sessions/ops.py, on
another branch; the integrator swaps it): ``advance`` moves the test's state to the
next phase, ``mark_absent`` marks the member absent, ``log`` keeps the entry — all
applied only when the command's transaction commits, as the room would.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from accounts.model import Actor, Role
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx
from evaluation.model import (
    DEFAULT_POLICY,
    BidRef,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
    SessionState,
    next_phase,
)
from evaluation.sheets.commands import HANDLERS
from live import queries as live_queries
from live.model import Emit
from signing import sheets
from signing.certs import Identity
from signing.demo_ca import issue_identity
from tender.model import Criterion, Evaluation, EvaluationMethod, QualificationItem, SubItem
from tests.accounts.factory import actor_for, make_user
from tests.tender.world import World, register_certificate

METHOD = Evaluation(
    method=EvaluationMethod.COMPREHENSIVE,
    qualification=(QualificationItem(id="q1", name="资格"),),
    # Criteria "1" and "2", each one range sub-item "1": items 1.1 (0–40 points), 2.1 (0–30).
    criteria=(
        Criterion(
            id="1", name="技术方案", items=(SubItem(id="1", name="技术方案", max_hundredths=4000),)
        ),
        Criterion(
            id="2", name="施工组织", items=(SubItem(id="1", name="施工组织", max_hundredths=3000),)
        ),
    ),
)
ITEMS = ("1.1", "2.1")
TABLES = (
    "evaluation_sheets",
    "evaluation_deviations",
    "evaluation_explanations",
    "evaluation_factual_errors",
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Seat:
    """A member: its account, its actor and its signing identity."""

    seat: int
    actor: Actor
    identity: Identity


@dataclasses.dataclass
class RecordingOps:
    """SessionOps that records; changes wait for the command's commit (``commit``)."""

    logs: list[tuple[EvaluationEvent, dict[str, Any]]] = dataclasses.field(default_factory=list)
    advanced: list[Phase] = dataclasses.field(default_factory=list)
    absent: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    pending: list[tuple[str, Any]] = dataclasses.field(default_factory=list)

    async def advance(self, ctx: Ctx) -> list[Emit]:
        state = ctx.state
        phase = next_phase(state.phase, state.method.method, two_envelope=state.two_envelope)
        self.pending.append(("advance", phase))
        return [Emit(kind="session.phase", data={"phase": str(phase)})]

    async def log(self, ctx: Ctx, kind: EvaluationEvent, data: Mapping[str, Any]) -> int:
        self.pending.append(("log", (kind, dict(data))))
        return len(self.logs) + len(self.pending)

    async def mark_absent(self, ctx: Ctx, seat: int, reason: str) -> list[Emit]:
        self.pending.append(("absent", (seat, reason)))
        return [Emit(kind="member.absent", data={"seat": seat, "reason": reason})]


class Session:
    """One evaluation session of three members (seat 1 chairs) and two bids."""

    def __init__(self, conn: asyncpg.Connection, world: World, state: SessionState,
                 seats: tuple[Seat, ...], now: dt.datetime) -> None:  # fmt: skip
        self.conn = conn
        self.world = world
        self.state = state
        self.seats = seats
        self.now = now
        self.ops = RecordingOps()
        self.emitted: list[Emit] = []

    @property
    def bids(self) -> tuple[UUID, ...]:
        return tuple(b.bid_id for b in self.state.bids)

    def at(self, phase: Phase, *, deadline: dt.timedelta = dt.timedelta(hours=1)) -> None:
        """Put the session in ``phase`` with its deadline ``deadline`` after now."""
        self.state = dataclasses.replace(
            self.state, phase=phase, phase_deadline=self.now + deadline
        )

    async def send(self, who: Actor | int, kind: str, data: Mapping[str, Any],
                   *, now: dt.datetime | None = None) -> list[Emit]:  # fmt: skip
        """Run a command in its own transaction, as the room does; record its events."""
        actor = who if isinstance(who, Actor) else self.seats[who - 1].actor
        ctx = Ctx(
            conn=self.conn, actor=actor, state=self.state, data=data, now=now or self.now,
            policy=DEFAULT_POLICY, trust=self.world.ca.trust_store(), ops=self.ops,
        )  # fmt: skip
        self.ops.pending.clear()
        try:
            async with self.conn.transaction():
                emits = await HANDLERS[kind](ctx)
        finally:
            pending, self.ops.pending = list(self.ops.pending), []
        self._commit(pending)
        self.emitted += emits
        return emits

    def _commit(self, pending: list[tuple[str, Any]]) -> None:
        for what, value in pending:
            if what == "log":
                self.ops.logs.append(value)
            elif what == "advance":
                self.ops.advanced.append(value)
                self.at(value)
            else:
                self.ops.absent.append(value)
                members = tuple(
                    dataclasses.replace(m, status=MemberStatus.ABSENT) if m.seat == value[0] else m
                    for m in self.state.members
                )
                self.state = dataclasses.replace(self.state, members=members)

    # --- sheets the members' clients build ---

    def sheet(self, seat: int, points: Mapping[tuple[int, str], int], *,
              version: int = 1, phase: str = "scoring", **changes: Any) -> bytes:  # fmt: skip
        """The canonical bytes of a seat's scoring sheet: points[(bid index, item)]."""
        entries = tuple(
            sheets.ScoreEntry(bid=self.bids[b], item=item, points=p)
            for (b, item), p in points.items()
        )
        sheet = sheets.Sheet(
            session=self.state.id, phase=phase, seat=seat, generation=1, version=version,
            salt=bytes([seat]) * 32, entries=entries,
        )  # fmt: skip
        return sheets.build_sheet(dataclasses.replace(sheet, **changes))

    def qualification(self, seat: int, failed: Sequence[int] = ()) -> bytes:
        """A qualification sheet passing every bid but the ``failed`` indexes."""
        entries = tuple(
            sheets.QualificationEntry(bid=bid, item="q1", passed=True)
            if i not in failed
            else sheets.QualificationEntry(
                bid=bid, item="q1", passed=False, reason="not_responsive", explanation="未响应"
            )
            for i, bid in enumerate(self.bids)
        )
        sheet = sheets.Sheet(
            session=self.state.id, phase="qualification", seat=seat, generation=1, version=1,
            salt=bytes([seat + 100]) * 32, entries=entries,
        )  # fmt: skip
        return sheets.build_sheet(sheet)

    def sealed(self, seat: int, data: bytes, *, signer: int | None = None) -> sheets.SealedSheet:
        """The sheet sealed under the seat's key and signed (by ``signer``'s identity)."""
        identity = self.seats[(signer or seat) - 1].identity
        return sheets.seal_and_sign(
            data, key(seat), nonce(seat), identity.certificate, identity.key, chain=identity.chain
        )

    async def submit(self, seat: int, data: bytes, **extra: Any) -> list[Emit]:
        return await self.send(
            seat, "submit_sheet", {**self.sealed(seat, data).submit_data(), **extra}
        )

    async def reveal(self, seat: int) -> list[Emit]:
        return await self.send(seat, "reveal", sheets.reveal_data("scoring", key(seat)))

    async def counts(self) -> dict[str, int]:
        """Rows of the sheets tables, and the log entries and phase moves recorded."""
        found = {t: await self.conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
        revealed = await self.conn.fetchval(
            "SELECT count(*) FROM evaluation_sheets WHERE plaintext IS NOT NULL OR void"
        )
        return {
            **found, "revealed_or_void": revealed, "logs": len(self.ops.logs),
            "advanced": len(self.ops.advanced), "absent": len(self.ops.absent),
        }  # fmt: skip


def key(seat: int) -> bytes:
    return bytes([seat]) * sheets.KEY_SIZE


def nonce(seat: int) -> bytes:
    return bytes([seat + 50]) * sheets.NONCE_SIZE


async def make_session(
    conn: asyncpg.Connection, world: World, *, members: int = 3, phase: Phase = Phase.SCORING
) -> Session:
    """A session in ``phase`` (deadline in an hour) with ``members`` experts and two bids."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    live = await live_queries.open_session(conn, "evaluation", f"{uuid4()}/1/1")
    seats = []
    for seat in range(1, members + 1):
        user = await make_user(conn, world.centre, Role.EXPERT)
        identity = issue_identity(world.ca, name=f"专家{seat}", now=now - dt.timedelta(hours=1))
        await register_certificate(conn, user.id, identity)
        seats.append(Seat(seat=seat, actor=await actor_for(conn, user), identity=identity))
    state = SessionState(
        id=live.id, tender_id=uuid4(), lot="1", attempt=1, draw_id="draw-1",
        department_id=world.department.id, phase=phase, phase_deadline=now + dt.timedelta(hours=1),
        paused_at=None, chair_seat=1, method=METHOD, two_envelope=False, main_venue_id="v-main",
        members=tuple(
            Member(seat=s.seat, user_id=s.actor.user_id, kind=MemberKind.EXPERT,
                   status=MemberStatus.SEATED)
            for s in seats
        ),
        bids=tuple(
            BidRef(bid_id=uuid4(), bidder=f"bidder{i}", name=f"投标人{i}", price_fen=None)
            for i in range(2)
        ),
    )  # fmt: skip
    session = Session(conn, world, state, tuple(seats), now)
    if phase in (Phase.SCORING, Phase.SCORING_REVEAL):
        await qualified(session)
        session.at(phase)
    return session


async def qualified(ev: Session) -> None:
    """The qualification phase run through its commands, every member passing every
    bid: scoring sheets cover the bids the committee passed (evaluation-method.md §2.2).
    The test then starts from a clean record of events, log entries and phase moves."""
    ev.at(Phase.QUALIFICATION)
    for seat in range(1, len(ev.seats) + 1):
        await ev.submit(seat, ev.qualification(seat))
    for seat in range(1, len(ev.seats) + 1):
        await ev.send(seat, "reveal", sheets.reveal_data("qualification", key(seat)))
    assert ev.state.phase is Phase.SCORING, ev.state.phase
    ev.ops = RecordingOps()
    ev.emitted = []


async def revise(
    ev: Session, seat: int, data: bytes, reasons: list[dict[str, str]], *, signer: int | None = None
) -> list[Emit]:
    """Send a revision of ``seat``'s sheet, signed by ``signer`` (the seat by default)."""
    identity = ev.seats[(signer or seat) - 1].identity
    signature = sheets.sign_sheet(data, identity.certificate, identity.key, chain=identity.chain)
    return await ev.send(seat, "revise", sheets.revise_data(data, signature, reasons))
