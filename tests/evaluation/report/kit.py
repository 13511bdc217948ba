"""A session in its ranking phase, built the honest way, for the report's tests.

A published two-lot tender moved to evaluation (tender lifecycle), a real live session
row of kind 'evaluation', five experts and one tenderer's representative with signing
certificates from the demo CA registered on the platform, four bids, and the state
built directly (EVAL_PLAN.md, addendum). The members' sheets go through the sheets
feature's own commands (evaluation/sheets: sealed, signed, revealed, reviewed), which
the report then reads. Stand-ins until integration, each named:

- ``RecordingOps``: the session core's SessionOps (CORE builds evaluation/sessions/ops.py)
  — it appends real log entries in the command's transaction and records the phases.
- ``Source``: the clarification minutes (installed over
  evaluation/report/sources.py), and the receipt times of the kit's bids,
  which have no bid rows of their own (added to what ``service.lot_facts`` reads from
  the lot's freeze list: the tie rule and the ranking need one per ranked bid).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.model import Actor, Role, User
from audit import service as audit
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx, Handler
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
from evaluation.report import service
from evaluation.report import sources as report_sources
from evaluation.report.commands import HANDLERS
from evaluation.report.inputs import Clarification
from evaluation.report.ranking import LotFacts
from evaluation.sheets import commands as sheet_commands
from evaluation.sheets import queries as sheet_queries
from evaluation.sheets.queries import SheetRow
from live import queries as live_queries
from live.model import Emit
from signing import sheets
from signing.canonical import canonical_json
from signing.certs import Identity, cert_sha256
from signing.demo_ca import issue_identity
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender import queries as tender_queries
from tender import service as tender_service
from tender.lifecycle import change_status
from tender.model import Evaluation, QualificationItem, Tender, TenderStatus
from tests.accounts.factory import actor_for, make_user, new_credit_code
from tests.tender.kit import scoring
from tests.tender.world import World, appoint, fast_draft, register_certificate

PRICES = (100_000_00, 90_000_00, 80_000_00, 70_000_00)  # fen, bids 0–3
EXPERTS = 5
# Each lot's method: two qualification items; 技术 (30 points) and 商务 (10 points), each
# one sub-item (c1.1 and c2.1, evaluation-method.md §1.2); 60 points of price.
METHOD: Evaluation = dataclasses.replace(
    scoring(),
    qualification=(
        QualificationItem(id="q1", name="营业执照"),
        QualificationItem(id="q2", name="工期响应"),
    ),
)
RECEIVED = dt.datetime(2026, 3, 31, 1, 0, tzinfo=dt.UTC)  # bid n received n minutes later


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


class Source:
    """What the report reads that no feature of this branch serves yet (see the module)."""

    def __init__(self) -> None:
        self.clarifications: list[Clarification] = []
        self.received: dict[UUID, dt.datetime] = {}


Sources = dict[UUID, Source]  # by session id


def install(monkeypatch: pytest.MonkeyPatch, sources: Sources) -> None:
    """Serve each session's clarification minutes, and its bids' receipt times."""
    real_lot_facts = service.lot_facts

    async def minutes(conn: asyncpg.Connection, session_id: UUID) -> tuple[Clarification, ...]:
        return tuple(sources[session_id].clarifications)

    async def lot_facts(conn: asyncpg.Connection, state: SessionState) -> LotFacts:
        found = await real_lot_facts(conn, state)
        received = {**sources[state.id].received, **found.submitted_at}
        return dataclasses.replace(found, submitted_at=received)

    monkeypatch.setattr(report_sources, "clarification_minutes", minutes)
    monkeypatch.setattr(service, "lot_facts", lot_facts)


@dataclasses.dataclass(kw_only=True)
class Kit:
    """The session world; ``state`` follows the phases the ops advanced to."""

    conn: asyncpg.Connection
    world: World
    tender: Tender
    people: tuple[Person, ...]  # seat n is people[n - 1]
    state: SessionState
    ops: RecordingOps
    source: Source
    sources: Sources
    policy: EvaluationPolicy = DEFAULT_POLICY
    emitted: list[Emit] = dataclasses.field(default_factory=list)  # every command's events

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
        """One report command in its own transaction, as the room runs it."""
        return await self._run(HANDLERS[command], actor, data)

    async def run_sheet(self, command: str, seat: int, data: Mapping[str, Any]) -> list[Emit]:
        """One sheets command (evaluation/sheets) of the seat's member."""
        return await self._run(sheet_commands.HANDLERS[command], self.person(seat).actor, data)

    async def _run(
        self, handler: Handler, actor: Actor, data: Mapping[str, Any] | None
    ) -> list[Emit]:
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
            emits = await handler(ctx)
        self.emitted += emits
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
    ) -> bytes:
        """The seat's sheet of ``phase`` in the format (docs/formats/evaluation-sheet.md)."""
        member = next(m for m in self.state.seated if m.seat == seat)
        return canonical_json(
            {
                "format": sheets.FORMAT,
                "session": str(self.state.id),
                "phase": str(phase),
                "seat": seat,
                "generation": member.generation,
                "version": version,
                "salt": b64url(secrets.token_bytes(32)),
                "entries": sorted(entries, key=lambda e: (e["bid"], e["item"])),
            }
        )

    def signature(self, seat: int, data: bytes) -> bytes:
        """The seat's member's CMS signature over ``data``."""
        who = self.person(seat).identity
        return sheets.sign_sheet(data, who.certificate, who.key, chain=who.chain)

    async def submit(self, seat: int, phase: SheetPhase, data: bytes) -> None:
        """The member seals and signs its sheet and submits it (its key kept for the reveal)."""
        who = self.person(seat).identity
        sealed = sheets.seal_and_sign(
            data, key(seat, phase), nonce(seat, phase), who.certificate, who.key, chain=who.chain
        )
        await self.run_sheet("submit_sheet", seat, sealed.submit_data())

    async def reveal(self, seat: int, phase: SheetPhase) -> list[Emit]:
        data = sheets.reveal_data(str(phase), key(seat, phase))
        return await self.run_sheet("reveal", seat, data)

    async def revise(
        self, seat: int, phase: SheetPhase, data: bytes, reasons: list[dict[str, str]]
    ) -> None:
        """A revision of a flagged item or a recorded factual error, signed, with reasons."""
        revised = sheets.revise_data(data, self.signature(seat, data), reasons)
        await self.run_sheet("revise", seat, revised)

    async def late_revision(
        self, seat: int, phase: SheetPhase, data: bytes, reasons: list[dict[str, str]]
    ) -> None:
        """A version stored outside the sheets' commands (as a bug or a race would):
        what the report must catch rather than state (sheets queries, not the commands)."""
        rows = await sheet_queries.member_sheets(self.conn, self.state.id, phase, seat, 1)
        now = await tender_queries.database_now(self.conn)
        who = self.person(seat).identity
        row = SheetRow(
            session_id=self.state.id, phase=str(phase), seat=seat, generation=1,
            version=rows[-1].version + 1, kind="revision", commitment=sheets.commitment(data),
            nonce=None, ciphertext=None, signature=self.signature(seat, data),
            signer_cert_sha256=cert_sha256(who.certificate), submitted_at=now,
            revealed_key=None, plaintext=data, revealed_at=now, void=False, reasons=reasons,
        )  # fmt: skip
        await sheet_queries.insert_revision(self.conn, row)


def key(seat: int, phase: SheetPhase) -> bytes:
    """The seat's client's key for its sheet of ``phase`` (fresh per sheet in a client)."""
    return hashlib.sha256(f"key {seat} {phase}".encode()).digest()[: sheets.KEY_SIZE]


def nonce(seat: int, phase: SheetPhase) -> bytes:
    return hashlib.sha256(f"nonce {seat} {phase}".encode()).digest()[: sheets.NONCE_SIZE]


async def tender_in_evaluation(conn: asyncpg.Connection, world: World, *, lots: int = 2) -> Tender:
    """A published tender (every lot evaluated by METHOD) moved along its lifecycle to
    evaluation, as scheduling does."""
    draft = await fast_draft(conn, world, lots=lots)
    draft = dataclasses.replace(
        draft, lots=tuple(dataclasses.replace(lot, evaluation=METHOD) for lot in draft.lots)
    )
    tender = await tender_service.create_draft(conn, world.agency, draft)
    for lot in draft.lots:
        await appoint(conn, world, tender, lot.number)
    tender = await tender_service.publish(conn, world.agency, tender.id, world.setup())
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
    source = sources[state.id] = Source()
    source.received = {
        b.bid_id: RECEIVED + dt.timedelta(minutes=n) for n, b in enumerate(bids, start=1)
    }
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
