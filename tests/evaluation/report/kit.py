"""A session in its ranking phase, built the honest way, for the report's tests.

A published two-lot tender moved to evaluation (tender lifecycle), a real live session
row of kind 'evaluation', five experts and one tenderer's representative with signing
certificates from the demo CA registered on the platform, three bids, and the state
built directly (EVAL_PLAN.md, addendum). Two stand-ins until integration, both named:

- ``RecordingOps``: the session core's SessionOps (CORE builds evaluation/sessions/ops.py)
  — it appends real log entries in the command's transaction and records the phases.
- ``SheetSource``: the revealed sheets and explanations that evaluation/sheets will
  serve (installed over evaluation/report/_sheets_bridge.py). Every sheet in it is the
  format's canonical JSON, signed by its member's own key.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.model import Actor, Role, User
from audit import service as audit
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx
from evaluation.model import (
    DEFAULT_POLICY,
    KIND,
    BidRef,
    EvaluationPolicy,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
    SessionState,
    SheetPhase,
    next_phase,
)
from evaluation.report import _clarifications_bridge, _sheets_bridge
from evaluation.report.commands import HANDLERS
from evaluation.report.inputs import Clarification, Explanation, RevealedSheet
from live import queries as live_queries
from live.model import Emit
from signing.canonical import canonical_json, sha256_hex
from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import issue_identity
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender import queries as tender_queries
from tender.lifecycle import change_status
from tender.model import Tender, TenderStatus
from tests.accounts.factory import actor_for, make_user, new_credit_code
from tests.tender.world import World, published_tender, register_certificate

PRICES = (100_000_00, 90_000_00, 80_000_00, 70_000_00)  # fen, bids 0–3
EXPERTS = 5


def b64url(data: bytes) -> str:
    """base64url without padding (binary fields of frames)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Person:
    """A committee member: account, actor, registered signing identity."""

    user: User
    actor: Actor
    identity: Identity


class RecordingOps:
    """The core's SessionOps, as small as the report's tests need (see the module)."""

    def __init__(self) -> None:
        self.advanced: list[Phase] = []
        self.logged: list[tuple[EvaluationEvent, dict[str, Any]]] = []

    async def advance(self, ctx: Ctx) -> list[Emit]:
        state = ctx.state
        phase = next_phase(state.phase, state.method.method, two_envelope=state.two_envelope)
        self.advanced.append(phase)
        return [Emit(kind="session.phase", data={"phase": str(phase)})]

    async def log(self, ctx: Ctx, kind: EvaluationEvent, data: Mapping[str, Any]) -> int:
        member = ctx.member
        actor = (
            LogActor(user_id=None, role="expert")
            if member is not None
            else LogActor(user_id=str(ctx.actor.user_id), role="user")
        )
        entry = LogEntry(
            kind=str(kind),
            time=ctx.now,
            actor=actor,
            address=None,
            subject=Subject(type="evaluation", id=str(ctx.state.id)),
            data=dict(data),
        )
        self.logged.append((kind, dict(data)))
        return await audit.append(ctx.conn, entry)

    async def mark_absent(self, ctx: Ctx, seat: int, reason: str) -> list[Emit]:
        raise AssertionError("the report never marks a member absent")


class SheetSource:
    """Revealed sheets, explanations and clarification minutes served to the report."""

    def __init__(self) -> None:
        self.sheets: list[RevealedSheet] = []
        self.explanations: list[Explanation] = []
        self.clarifications: list[Clarification] = []


Sources = dict[UUID, SheetSource]  # by session id


def install(monkeypatch: pytest.MonkeyPatch, sources: Sources) -> None:
    """Serve each session's sources in place of the bridges' loaders."""

    async def sheets(conn: asyncpg.Connection, state: SessionState) -> tuple[RevealedSheet, ...]:
        return tuple(sources[state.id].sheets)

    async def explanations(
        conn: asyncpg.Connection, state: SessionState
    ) -> tuple[Explanation, ...]:
        return tuple(sources[state.id].explanations)

    async def minutes(conn: asyncpg.Connection, session_id: UUID) -> tuple[Clarification, ...]:
        return tuple(sources[session_id].clarifications)

    monkeypatch.setattr(_sheets_bridge, "revealed_sheets", sheets)
    monkeypatch.setattr(_sheets_bridge, "explanations", explanations)
    monkeypatch.setattr(_clarifications_bridge, "clarification_minutes", minutes)


@dataclasses.dataclass(kw_only=True)
class Kit:
    """The session world; ``state`` follows the phases the ops advanced to."""

    conn: asyncpg.Connection
    world: World
    tender: Tender
    people: tuple[Person, ...]  # seat n is people[n - 1]
    state: SessionState
    ops: RecordingOps
    source: SheetSource
    sources: Sources
    policy: EvaluationPolicy = DEFAULT_POLICY

    def phase_now(self) -> Phase:
        """The session's phase now (after the phases the ops advanced to)."""
        return self.state.phase

    def person(self, seat: int) -> Person:
        return self.people[seat - 1]

    def bid(self, n: int) -> UUID:
        return self.state.bids[n].bid_id

    async def run(
        self, command: str, actor: Actor, data: Mapping[str, Any] | None = None
    ) -> list[Emit]:
        """One command in its own transaction, as the room runs it."""
        before = len(self.ops.advanced)
        async with self.conn.transaction():
            ctx = Ctx(
                conn=self.conn,
                actor=actor,
                state=self.state,
                data=dict(data or {}),
                now=await tender_queries.database_now(self.conn),
                policy=self.policy,
                trust=self.world.ca.trust_store(),
                ops=self.ops,
            )
            emits = await HANDLERS[command](ctx)
        for phase in self.ops.advanced[before:]:
            self.state = dataclasses.replace(self.state, phase=phase)
        return emits

    def sheet(
        self,
        seat: int,
        phase: SheetPhase,
        entries: Sequence[Mapping[str, Any]],
        *,
        version: int = 1,
        reasons: tuple[dict[str, str], ...] | None = None,
        at: dt.datetime | None = None,
    ) -> RevealedSheet:
        """A sheet in the format, signed by the seat's member, added to the source."""
        member = next(m for m in self.state.seated if m.seat == seat)
        body = canonical_json(
            {
                "format": "etender-sheet-v1",
                "session": str(self.state.id),
                "phase": str(phase),
                "seat": seat,
                "generation": member.generation,
                "version": version,
                "salt": b64url(secrets.token_bytes(32)),
                "entries": sorted(entries, key=lambda e: (e["bid"], e["item"])),
            }
        )
        who = self.person(seat).identity
        sheet = RevealedSheet(
            phase=phase,
            seat=seat,
            generation=member.generation,
            version=version,
            sha256=sha256_hex(body),
            body=body,
            signature=sign_detached(body, who.certificate, who.key, chain=who.chain),
            revealed_at=at or dt.datetime(2026, 3, 31, 3, 0, tzinfo=dt.UTC),
            reasons=reasons,
        )
        self.source.sheets.append(sheet)
        return sheet


async def tender_in_evaluation(conn: asyncpg.Connection, world: World, *, lots: int = 2) -> Tender:
    """A published tender moved along its lifecycle to evaluation (as scheduling does)."""
    tender = await published_tender(conn, world, lots=lots)
    for status in (TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING, TenderStatus.EVALUATION):
        tender = await change_status(conn, tender.id, status)
    return tender


async def person(
    conn: asyncpg.Connection, world: World, name: str, *, tenderer: bool = False
) -> Person:
    org = world.tenderer_org if tenderer else world.centre
    user = await make_user(
        conn, org, Role.TENDERER if tenderer else Role.EXPERT, username=name, password=None
    )
    identity = issue_identity(
        world.ca, name=name, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    await register_certificate(conn, user.id, identity)
    return Person(user=user, actor=await actor_for(conn, user), identity=identity)


async def build_kit(
    conn: asyncpg.Connection,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    *,
    lot: str = "1",
    tender: Tender | None = None,
    phase: Phase = Phase.RANKING,
    sources: Sources | None = None,
) -> Kit:
    """A comprehensive-scoring session of ``lot`` in ``phase``, chaired by seat 1."""
    tender = tender or await tender_in_evaluation(conn, world)
    people = [await person(conn, world, f"expert{lot}{n}") for n in range(1, EXPERTS + 1)]
    people.append(await person(conn, world, f"rep{lot}", tenderer=True))
    live = await live_queries.open_session(conn, KIND, f"{tender.id}/{lot}/1")
    members = tuple(
        Member(
            seat=n,
            user_id=p.user.id,
            status=MemberStatus.SEATED,
            kind=MemberKind.EXPERT if n <= EXPERTS else MemberKind.REPRESENTATIVE,
            venue_id="main",
            signed_in_at=None,
            identity_confirmed_at=None,
        )
        for n, p in enumerate(people, start=1)
    )
    bidders = [(org.credit_code, org.name) for org in world.bidder_orgs]
    bidders.append((new_credit_code(), "投标人4"))  # a fourth bid: the one rejected
    bids = tuple(
        BidRef(bid_id=uuid4(), bidder=code, name=name, price_fen=price)
        for (code, name), price in zip(bidders, PRICES, strict=True)
    )
    lot_method = tender.content.lot(lot)
    assert lot_method is not None
    state = SessionState(
        id=live.id,
        tender_id=tender.id,
        lot=lot,
        attempt=1,
        draw_id="draw-1",
        department_id=world.department.id,
        phase=phase,
        phase_deadline=None,
        paused_at=None,
        chair_seat=1,
        method=lot_method.evaluation,
        two_envelope=False,
        main_venue_id="main",
        members=members,
        bids=bids,
    )
    if sources is None:
        sources = {}
        install(monkeypatch, sources)
    source = sources[state.id] = SheetSource()
    return Kit(
        conn=conn,
        world=world,
        tender=tender,
        people=tuple(people),
        state=state,
        ops=RecordingOps(),
        source=source,
        sources=sources,
    )


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows of every report table and the log's size: what a refusal must not change."""
    tables = (
        "evaluation_rankings",
        "evaluation_reports",
        "evaluation_report_members",
        "evaluation_report_signatures",
        "evaluation_report_refusals",
        "evaluation_dissents",
        "evaluation_results",
        "log_entries",
    )
    found = {}
    for table in tables:
        found[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    found["current"] = await conn.fetchval(
        "SELECT coalesce(max(version), 0) FROM evaluation_reports WHERE current"
    )
    return found
