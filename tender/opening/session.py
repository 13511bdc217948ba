"""The opening hall (开标大厅): a live session of kind ``opening`` per tender lot.

docs/formats/opening.md, "Opening hall" has the events and commands. Everyone signed
in may watch (the opening is public, Law 34); only the opening's parties may ask for
the status — the lot's bidders, its opening officials, the tender's agency and
tenderer, the supervising department and the host — since every answer is a row
(issue 9, item 10); the host (centre staff) runs the bond check and moves the opening
on. Each part's status is an event as soon as it changes, so nobody waits without a
status; prices appear only in the record, and the record exists only once every bid of
the lot has opened or failed (DESIGN.md, "Opening"). Before the deadline the hall shows
the countdown and nothing about bids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from live import queries as live
from live.model import EVERYONE, Command, Emit, LiveSession, user_audience
from tender import access, queries
from tender.bonds import service as bonds
from tender.errors import HallCommandRefused, LotNotFound, TenderNotFound
from tender.lifecycle import load
from tender.model import Tender
from tender.opening import progress as opening_progress
from tender.opening import queries as opening_queries
from tender.opening.lot import Opening
from tender.opening.model import OpeningError

KIND = "opening"
HOST = "host"


# Who may give each command (the rules of the hall; watching needs no command).
STATUS = "status"
PARTIES = "parties"  # the lot's bidders, officials, agency, tenderer, supervisors, host
COMMANDS = {STATUS: PARTIES, "bond_check": HOST, "advance": HOST}
# Every event of the hall: the answers to commands, the job's and the routes' news.
EVENTS = frozenset(
    {
        "hall.status",
        "bonds.checked",
        "lot.status",
        "record.announced",
        "record.confirmed",
        "objection.filed",
        "objection.answered",
    }
)


def hall_audiences(actor: Actor, *, host: bool) -> frozenset[str]:
    """Everyone signed in sees the hall's public events and their own answers; the host
    (staff of the tender's centre, ``access.is_host``) also sees the host's — the bond
    checks say who bid (the opening is public, Law 34; the bonds are not)."""
    found = {EVERYONE, user_audience(actor.user_id)}
    if host:
        found.add(HOST)
    return frozenset(found)


def refuse_unless_allowed(actor: Actor, command: str, *, party: bool, host: bool) -> None:
    """Refuse a command the actor may not give; ``party``: a party to this lot's opening;
    ``host``: staff of the tender's centre (``access.is_host``)."""
    if COMMANDS[command] == PARTIES and not party:
        raise HallCommandRefused(
            "only the lot's bidders, its opening officials, the tender's agency and "
            "tenderer, its supervisors and the host may ask for the status"
        )
    if COMMANDS[command] == HOST and not host:
        raise HallCommandRefused(f"only the host may {command!r}")


def subject(tender_id: UUID, lot: str) -> str:
    """The live session's subject: ``<tender id>/<lot>``."""
    return f"{tender_id}/{lot}"


def parse_subject(value: str) -> tuple[UUID, str]:
    """The tender and lot of a hall's subject."""
    tender, _, lot = value.partition("/")
    try:
        return UUID(tender), lot
    except ValueError:
        raise TenderNotFound("the hall's subject names no tender") from None


def status_data(progress: opening_progress.LotProgress) -> dict[str, Any]:
    """A ``lot.status`` event: each part's outcome and cause, never a price."""
    return {"statuses": progress_data(progress)["statuses"], "settled": progress.record is not None}


def progress_data(progress: opening_progress.LotProgress) -> dict[str, Any]:
    """Statuses without prices; the record (with prices) only once it exists."""
    return {
        "statuses": [
            {
                "bid_id": str(s.bid_id),
                "bidder": s.bidder,
                "part": s.part,
                "outcome": str(s.outcome),
                "cause": None if s.cause is None else str(s.cause),
            }
            for s in progress.statuses
        ],
        "record": None if progress.record is None else progress.record.body.decode(),
    }


async def snapshot(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, opening: Opening
) -> dict[str, Any]:
    """The hall's state now: countdown inputs, and the lot's progress once frozen."""
    tender = await load(conn, tender_id)
    if tender.lot_id(lot) is None or tender.deadline is None:
        raise LotNotFound(f"the tender has no lot {lot!r} to open")
    minutes = tender.content.schedule.decryption_minutes
    data: dict[str, Any] = {
        "tender": tender.code,
        "lot": lot,
        "deadline": tender.deadline.isoformat(),
        "decryption_minutes": minutes,
        "now": (await queries.database_now(conn)).isoformat(),
        "frozen": False,
        "statuses": [],
        "record": None,
    }
    try:
        progress = await opening_progress.progress(conn, tender_id, lot, opening=opening)
    except OpeningError:
        return data  # before the deadline or the freeze: the countdown only
    return data | {"frozen": True} | progress_data(progress)


async def publish(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, progress: opening_progress.LotProgress
) -> None:
    """Tell the hall about a lot's new progress; the record is announced (唱标) once."""
    session = await live.open_session(conn, KIND, subject(tender_id, lot))
    async with conn.transaction():
        await live.append_event(conn, session.id, kind="lot.status", data=status_data(progress))
        if progress.record is not None:
            await _announce_once(conn, session.id, progress.record.body.decode())


async def announce_record(conn: asyncpg.Connection, tender_id: UUID, lot: str, body: str) -> bool:
    """Announce a published record in its hall unless it was (True: announced now)."""
    session = await live.open_session(conn, KIND, subject(tender_id, lot))
    async with conn.transaction():
        return await _announce_once(conn, session.id, body)


async def _announce_once(conn: asyncpg.Connection, session_id: UUID, body: str) -> bool:
    """Technical and commercial records differ, so each is announced once."""
    return await live.append_once(
        conn, session_id, kind="record.announced", key="record", data={"record": body}
    )


class OpeningHall:
    """The ``opening`` session kind (live.kinds.LiveKind).

    ``opening``: the opening's composition as of now (blob store, the current trust
    store, the platform's key), given by the application that registers the hall.
    """

    name = KIND
    commands = frozenset(COMMANDS)
    events = EVENTS
    audiences_named = frozenset({HOST})
    regroup_on: frozenset[str] = frozenset()  # the hall's watchers never change

    def __init__(self, opening: Callable[[], Opening]) -> None:
        self._opening = opening

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        """Everyone signed in watches (hall_audiences)."""
        tender_id, _ = parse_subject(session.subject_id)
        return hall_audiences(actor, host=access.is_host(actor, await load(conn, tender_id)))

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        """status (the opening's parties), bond_check and advance (the host)."""
        tender_id, lot = parse_subject(session.subject_id)
        if command.type not in COMMANDS:
            raise HallCommandRefused(f"the opening hall has no command {command.type!r}")
        tender = await load(conn, tender_id)
        host = access.is_host(actor, tender)
        if command.type == STATUS:
            party = await may_ask_status(conn, actor, tender, lot)
            refuse_unless_allowed(actor, STATUS, party=party, host=host)
            data = await snapshot(conn, tender_id, lot, self._opening())
            return [Emit(kind="hall.status", data=data, audience=user_audience(actor.user_id))]
        refuse_unless_allowed(actor, command.type, party=False, host=host)
        if command.type == "bond_check":
            return [Emit(kind="bonds.checked", data=await self._bonds(conn, tender_id, lot))]
        done = await opening_progress.advance(conn, tender_id, lot, opening=self._opening())
        emits = [Emit(kind="lot.status", data=status_data(done))]
        if done.record is not None and not await live.has_event(
            conn, session.id, kind="record.announced", key="record",
            value=done.record.body.decode(),
        ):  # fmt: skip
            emits.append(Emit(kind="record.announced", data={"record": done.record.body.decode()}))
        return emits

    async def _bonds(self, conn: asyncpg.Connection, tender_id: UUID, lot: str) -> dict[str, Any]:
        progress = await opening_progress.progress(conn, tender_id, lot, opening=self._opening())
        bidders = {(s.bid_id, s.bidder) for s in progress.statuses}
        frozen = await opening_progress.frozen_bidders(conn, tender_id, lot)
        checks = []
        for bid_id, credit_code in sorted(bidders, key=lambda b: b[1]):
            result = await bonds.check_bond(conn, tender_id, lot, frozen[bid_id])
            checks.append({"bidder": credit_code, "ok": result.ok, "reason": result.reason})
        return {"bonds": checks}


async def may_ask_status(conn: asyncpg.Connection, actor: Actor, tender: Tender, lot: str) -> bool:
    """Whether the actor is a party to this lot's opening (a watcher only watches)."""
    if access.is_overseer(actor, tender) or access.is_agency(actor, tender):
        return True  # the host (centre staff), the supervising department, the agency
    if access.is_tenderer(actor, tender):
        return True
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        return False
    bidder_orgs = sorted(actor.acting_for(Role.BIDDER))
    official, bidder = await opening_queries.hall_participation(
        conn, lot_id, actor.user_id, bidder_orgs
    )
    return (official and actor.has_role(Role.OPENING_OFFICIAL)) or bidder


async def hall_session(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> UUID:
    """The hall's live session id (created on first use) for a published tender's lot."""
    tender = await load(conn, tender_id)
    if not tender.is_public or tender.lot_id(lot) is None:
        raise LotNotFound(f"no public tender lot {lot!r} to open")
    return (await live.open_session(conn, KIND, subject(tender_id, lot))).id


async def announce(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, kind: str, data: dict[str, Any]
) -> None:
    """One event to everyone in the hall (confirmations, objections and answers)."""
    if kind not in EVENTS:
        raise ValueError(f"the opening hall has no event {kind!r}")
    session = await live.open_session(conn, KIND, subject(tender_id, lot))
    async with conn.transaction():
        await live.append_event(conn, session.id, kind=kind, data=data)
