"""The lot every use case of the opening starts from, read under the tender's row lock.

DESIGN.md, "Opening". Each use case takes the tender's row lock and decides by the
database clock read under it (DESIGN.md, "Time"); what it needs of the lot — its
committee, freeze list, stage and decryption window — is gathered here once, with
the helpers every stage of the opening shares (the frozen parts' headers, the
bidder's own entry, the log entries). Decisions are tender/opening/model.py's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, Resource, ResourceKind, is_allowed
from audit import service as audit
from signing import shamir
from signing.age import Header, read_header
from signing.certs import Identity
from signing.committee import Committee
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from signing.trust import TrustStore
from tender import queries
from tender.blobs.store import LocalBlobStore
from tender.committee import queries as committee_queries
from tender.committee.model import Roster
from tender.errors import LotNotFound
from tender.lifecycle import LockedTender, load, lock_tender, log_address
from tender.model import Tender
from tender.opening import queries as opening_queries
from tender.opening.model import (
    OpeningError,
    ShareReleaseBeforeDeadline,
    ShareReleaseInvalid,
    check_release_time,
)
from tender.opening.workers import OpeningWorkers
from tender.submission import queries as bid_queries
from tender.submission.model import FreezeEntry


class OpeningEvent(enum.StrEnum):
    """Log entry kinds of the opening (DESIGN.md, "Transparency log")."""

    SHARES_RELEASED = "tender.opening_shares_released"
    KEY_SUBMITTED = "tender.opening_key_submitted"
    PART_SETTLED = "tender.opening_part_settled"
    RECORD_PUBLISHED = "tender.opening_record_published"
    RECORD_RESPONDED = "tender.opening_record_responded"
    OBJECTION_ANSWERED = "tender.opening_objection_answered"
    COMMERCIAL_OPENED = "tender.opening_commercial_opened"


class LotNotFrozen(OpeningError):
    """The lot has no freeze list yet: nothing can be released or opened."""

    code = "opening_not_frozen_conflict"
    status = 409


class PartNotFrozen(OpeningError):
    """The release names a bid or part that is not in the lot's freeze list."""

    code = "opening_part_not_frozen"


class CommercialPartSealed(OpeningError):
    """Two envelopes: the commercial parts stay sealed until the host opens that stage."""

    code = "opening_commercial_sealed_conflict"
    status = 409


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Opening:
    """What the composition root hands the opening: blobs, trust, the platform's key."""

    store: LocalBlobStore
    trust: TrustStore
    signer: Identity
    output_root: Path
    # Worker processes that open whole parts (tender/opening/workers.py); None or 0
    # processes: threads in this process (ETENDER_OPENING_PROCESSES).
    workers: OpeningWorkers | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpeningLot:
    """A frozen lot as read under its tender's row lock, with the database time."""

    tender: Tender
    lot: str
    lot_id: UUID
    roster: Roster
    committee: Committee
    frozen: tuple[FreezeEntry, ...]
    freeze_sha256: str
    now: dt.datetime
    commercial_from: dt.datetime | None = None
    # Two envelopes: the bids whose commercial part opens (those that passed the
    # technical evaluation, issue 11 item 6); None: every frozen bid (an older stage).
    commercial_bids: frozenset[UUID] | None = None


async def locked_lot(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, *, lock: bool = True
) -> OpeningLot:
    """Lock the tender and read its frozen lot (refused before the deadline or freeze).

    ``lock=False`` is for reads (the hall's status, the progress API): they must not
    wait behind an opening that holds the lock while it decrypts a lot's parts; they
    see what has committed (parts still being decrypted are pending).
    """
    locked = await lock_tender(conn, tender_id) if lock else await _unlocked(conn, tender_id)
    tender = locked.tender
    lot_id = tender.lot_id(lot)
    roster = (await committee_queries.rosters(conn, tender_id)).get(lot)
    if lot_id is None or roster is None or tender.code is None or tender.deadline is None:
        raise LotNotFound(f"the tender has no lot {lot!r} with a committee")
    head, entries = await bid_queries.freeze_list(conn, lot_id)
    if head is None and locked.now < tender.deadline:
        raise ShareReleaseBeforeDeadline(f"lot {lot}: the bid deadline has not passed")
    if head is None:
        raise LotNotFrozen(f"lot {lot} is not frozen yet")
    committee = roster.committee(tender_code=tender.code, deadline=tender.deadline)
    commercial_from, commercial_bids = await opening_queries.commercial_stage(conn, lot_id)
    return OpeningLot(
        tender=tender,
        lot=lot,
        lot_id=lot_id,
        roster=roster,
        committee=committee,
        frozen=tuple(entries),
        freeze_sha256=head["list_sha256"],
        now=locked.now,
        commercial_from=commercial_from,
        commercial_bids=commercial_bids,
    )


async def _unlocked(conn: asyncpg.Connection, tender_id: UUID) -> LockedTender:
    return LockedTender(tender=await load(conn, tender_id), now=await queries.database_now(conn))


def window(lot: OpeningLot, stage: str) -> tuple[dt.datetime, dt.datetime]:
    """When shares and keys of ``stage`` are accepted: from the deadline (or, for the
    commercial parts, from the host's request) for the tender's decryption minutes."""
    minutes = dt.timedelta(minutes=lot.tender.content.schedule.decryption_minutes)
    if stage != "commercial":
        return lot.committee.deadline, lot.committee.deadline + minutes
    if lot.commercial_from is None:
        raise CommercialPartSealed("the commercial parts stay sealed until their opening")
    return lot.commercial_from, lot.commercial_from + minutes


def check_time(lot: OpeningLot, stage: str) -> None:
    """Refuse a share or key of ``stage`` outside its window (EBM 23–27)."""
    start, end = window(lot, stage)
    check_release_time(deadline=start, window_end=end, now=lot.now)


def stage_of(lot: OpeningLot) -> str:
    """Single envelope: "main"; two envelopes: "technical" first (commercial on request)."""
    labels = {p.label for e in lot.frozen for p in e.parts}
    return "main" if "main" in labels or not labels else "technical"


def current_stage(lot: OpeningLot) -> str:
    """The stage being opened now: commercial once requested, else main/technical."""
    return "commercial" if lot.commercial_from is not None else stage_of(lot)


def stage_parts(lot: OpeningLot, entry: FreezeEntry, stage: str) -> list[tuple[str, str]]:
    """(label, sha256) of the entry's parts opened at ``stage`` (main/technical/commercial).

    A bid that failed the technical evaluation has no commercial part to open: it stays
    sealed (issue 11, item 6), so it is in no decision, status or record of that stage.
    """
    if stage == "commercial" and not commercial_opens(lot, entry.bid_id):
        return []
    return [(p.label, p.sha256) for p in entry.parts if p.label == stage]


def commercial_opens(lot: OpeningLot, bid_id: UUID) -> bool:
    """Whether the bid's commercial part is opened (the stage was opened, for this bid)."""
    if lot.commercial_from is None:
        return False
    return lot.commercial_bids is None or bid_id in lot.commercial_bids


def frozen_sha256(lot: OpeningLot, bid_id: UUID, part: str) -> str:
    """The SHA-256 the freeze list holds for one part (refused if it holds none).

    A failed bid's commercial part is refused too: no share, key or download of it is
    ever taken (issue 11, item 6).
    """
    if (
        part == "commercial"
        and lot.commercial_from is not None
        and not commercial_opens(lot, bid_id)
    ):
        raise CommercialPartSealed(
            f"bid {bid_id} did not pass the technical evaluation: its commercial part stays sealed"
        )
    for entry in lot.frozen:
        for p in entry.parts:
            if entry.bid_id == bid_id and p.label == part:
                return p.sha256
    raise PartNotFrozen(f"bid {bid_id} part {part!r} is not in lot {lot.lot}'s freeze list")


async def part_header(store: LocalBlobStore, sha256: str) -> Header:
    """The age header of a stored part, read off the event loop."""

    def read() -> Header:
        with store.path_of(sha256).open("rb") as source:
            return read_header(source)

    return await asyncio.to_thread(read)


def own_entry(lot: OpeningLot, actor: Actor) -> FreezeEntry:
    """The actor's organisation's frozen bid; only its bidders may send its key."""
    for entry in lot.frozen:
        owner = Resource(kind=ResourceKind.BID, owner_organisation_id=entry.bidder_id)
        if is_allowed(actor, Action.SUBMIT_BID, owner):
            return entry
    raise PartNotFrozen("your organisation has no bid in this lot's freeze list")


def claimed_share(x: int, share: bytes | None, revealed: bytes | None) -> shamir.Share:
    """The share an official claims. A release of only a revealed secret disputes the
    stanza: its claimed value is 16 zero bytes, which no commitment matches (the
    verdict depends only on the stanza and the secret, signing.shares.adjudicate)."""
    if share is None and revealed is None:
        raise ShareReleaseInvalid("a release carries a share or a revealed secret")
    return shamir.Share(x=x, value=bytes(16) if share is None else share)


def log_actor(actor: Actor, role: str) -> LogActor:
    """The log's view of a signed-in actor acting in ``role``."""
    return LogActor(user_id=str(actor.user_id), role=role)


async def log_event(
    conn: asyncpg.Connection,
    kind: OpeningEvent,
    lot: OpeningLot,
    *,
    actor: LogActor,
    data: dict[str, object],
    address: str | None = None,
) -> int:
    """Append one opening entry about the lot's tender at the lot's database time; its
    index. Only the record's publication appends (it stores the index: publication.py)."""
    return await audit.append(conn, _entry(kind, lot, actor, data, address))


async def queue_event(
    conn: asyncpg.Connection,
    kind: OpeningEvent,
    lot: OpeningLot,
    *,
    actor: LogActor,
    data: dict[str, object],
    address: str | None = None,
) -> None:
    """Queue one opening entry for the sequencer (docs/audit-log.md §2.2): releases,
    keys, settled parts, responses — none reads its index, and a rush of bidders
    confirming the record no longer waits on the log head's row lock in turn."""
    await audit.queue(conn, _entry(kind, lot, actor, data, address))


def _entry(
    kind: OpeningEvent, lot: OpeningLot, actor: LogActor, data: dict[str, object],
    address: str | None,
) -> LogEntry:  # fmt: skip
    return LogEntry(
        kind=kind,
        time=lot.now,
        actor=actor,
        address=log_address(address),
        subject=Subject(type="tender", id=str(lot.tender.id)),
        data=data,
    )
