"""Use cases of the opening: share releases, self-decryption, decryption, the record.

DESIGN.md, "Opening". Each use case takes the tender's row lock and decides by the
database clock read under it (DESIGN.md, "Time"); every release, key, result and
record is logged in the same transaction. Decisions are tender/opening.py's; this
module only gathers their inputs, streams the decryption and stores the outcome.

Decrypted files go to ``<output_root>/<tender>/<lot>/<bid>/<part>/`` with mode 0700:
the platform serves them to the committee and supervisors only (evaluation).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import shutil
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts import service as accounts
from accounts.model import Actor
from accounts.permissions import Action, Resource, ResourceKind, is_allowed, require
from audit import service as audit
from audit.entry import Actor as LogActor
from audit.entry import LogEntry, Subject
from signing import shamir
from signing.age import Header, read_header
from signing.canonical import sha256_hex
from signing.certs import Identity, TrustStore, subject_credit_code
from signing.cms import SignerInfo, verify_detached
from signing.committee import Committee
from signing.errors import SigningError
from signing.sealed_bid import open_part
from tender import bid_queries, opening_queries, queries
from tender.bids import FreezeEntry
from tender.blobs import LocalBlobStore
from tender.errors import LotNotFound
from tender.model import Tender
from tender.opening import (
    MIN_BIDS_TO_OPEN,
    Cause,
    KeyDecision,
    LotBelowMinimumBids,
    OpeningError,
    Outcome,
    PartInputs,
    ShareReleaseBeforeDeadline,
    ShareReleaseInvalid,
    apply_lot_rule,
    assess_part,
    cause_of_open_failure,
    check_lot_opens,
    check_release_time,
    check_released_share,
    check_self_key,
    fault_of,
    lot_settled,
    outcome_of,
)
from tender.opening_queries import Release, StoredResult
from tender.opening_record import (
    OpeningRecord,
    RecordEntry,
    SignedRecord,
    sign_record,
    verify_confirmation,
)
from tender.roster import Roster
from tender.service import PLATFORM, load, lock_tender, log_address


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


class PartNotFrozen(OpeningError):
    """The release names a bid or part that is not in the lot's freeze list."""

    code = "opening_part_not_frozen"


class OpeningRecordNotFound(OpeningError):
    """No record is published for this lot yet."""

    code = "opening_record_not_found"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Opening:
    """What the composition root hands the opening: blobs, trust, the platform's key."""

    store: LocalBlobStore
    trust: TrustStore
    signer: Identity
    output_root: Path


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class ShareRelease:
    """One part's release as the official's client sends it."""

    bid_id: UUID
    part: str
    share: bytes | None = None
    revealed_secret: bytes | None = None
    x: int | None = None  # the client's idea of its seat; must match the roster


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PartStatus:
    """What the hall shows for one part: no price until the lot settles."""

    bid_id: UUID
    bidder: str
    part: str
    outcome: Outcome
    cause: Cause | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LotProgress:
    """The state of a lot's opening after a use case."""

    statuses: tuple[PartStatus, ...]
    record: SignedRecord | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class _Lot:
    tender: Tender
    lot: str
    lot_id: UUID
    roster: Roster
    committee: Committee
    frozen: tuple[FreezeEntry, ...]
    freeze_sha256: str
    now: dt.datetime
    commercial_from: dt.datetime | None = None


async def _locked_lot(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> _Lot:
    locked = await lock_tender(conn, tender_id)
    tender = locked.tender
    lot_id = tender.lot_id(lot)
    roster = (await queries.rosters(conn, tender_id)).get(lot)
    if lot_id is None or roster is None or tender.code is None or tender.deadline is None:
        raise LotNotFound(f"the tender has no lot {lot!r} with a committee")
    head, entries = await bid_queries.freeze_list(conn, lot_id)
    if head is None and locked.now < tender.deadline:
        raise ShareReleaseBeforeDeadline(f"lot {lot}: the bid deadline has not passed")
    if head is None:
        raise LotNotFrozen(f"lot {lot} is not frozen yet")
    committee = roster.committee(tender_code=tender.code, deadline=tender.deadline)
    return _Lot(
        tender=tender,
        lot=lot,
        lot_id=lot_id,
        roster=roster,
        committee=committee,
        frozen=tuple(entries),
        freeze_sha256=head["list_sha256"],
        now=locked.now,
        commercial_from=await opening_queries.commercial_from(conn, lot_id),
    )


class CommercialPartSealed(OpeningError):
    """Two envelopes: the commercial parts stay sealed until the host opens that stage."""

    code = "opening_commercial_sealed_conflict"


def window(lot: _Lot, stage: str) -> tuple[dt.datetime, dt.datetime]:
    """When shares and keys of ``stage`` are accepted: from the deadline (or, for the
    commercial parts, from the host's request) for the tender's decryption minutes."""
    minutes = dt.timedelta(minutes=lot.tender.content.schedule.decryption_minutes)
    if stage != "commercial":
        return lot.committee.deadline, lot.committee.deadline + minutes
    if lot.commercial_from is None:
        raise CommercialPartSealed("the commercial parts stay sealed until their opening")
    return lot.commercial_from, lot.commercial_from + minutes


def _check_time(lot: _Lot, stage: str) -> None:
    start, end = window(lot, stage)
    check_release_time(deadline=start, window_end=end, now=lot.now)


def current_stage(lot: _Lot) -> str:
    """The stage being opened now: commercial once requested, else main/technical."""
    return "commercial" if lot.commercial_from is not None else stage_of(lot)


def _frozen_part(lot: _Lot, bid_id: UUID, part: str) -> str:
    for entry in lot.frozen:
        for p in entry.parts:
            if entry.bid_id == bid_id and p.label == part:
                return p.sha256
    raise PartNotFrozen(f"bid {bid_id} part {part!r} is not in lot {lot.lot}'s freeze list")


async def _header(store: LocalBlobStore, sha256: str) -> Header:
    def read() -> Header:
        with store.path_of(sha256).open("rb") as source:
            return read_header(source)

    return await asyncio.to_thread(read)


def _seat_x(lot: _Lot, actor: Actor) -> int:
    """The actor's x on the lot's committee (accounts.permissions, OPENING_COMMITTEE)."""
    require(
        actor,
        Action.RELEASE_SHARE,
        Resource(kind=ResourceKind.OPENING, opening_committee=lot.roster.user_ids),
    )
    return next(s.x for s in lot.roster.seats if s.user_id == actor.user_id)


def _claimed_share(x: int, share: bytes | None, revealed: bytes | None) -> shamir.Share:
    """The share an official claims. A release of only a revealed secret disputes the
    stanza: its claimed value is 16 zero bytes, which no commitment matches (the
    verdict depends only on the stanza and the secret, signing.shares.adjudicate)."""
    if share is None and revealed is None:
        raise ShareReleaseInvalid("a release carries a share or a revealed secret")
    return shamir.Share(x=x, value=bytes(16) if share is None else share)


def _log_actor(actor: Actor, role: str) -> LogActor:
    return LogActor(user_id=str(actor.user_id), role=role)


async def release_shares(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    releases: Sequence[ShareRelease],
    *,
    opening: Opening,
) -> LotProgress:
    """An official releases its shares of the lot's frozen parts (after the deadline)."""
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        for stage in {r.part for r in releases} or {stage_of(found)}:
            _check_time(found, stage)
        x = _seat_x(found, actor)
        check_lot_opens(len(found.frozen))
        for item in releases:
            if item.x not in (None, x):
                raise ShareReleaseInvalid(f"your seat is x={x}, the release says x={item.x}")
            header = await _header(opening.store, _frozen_part(found, item.bid_id, item.part))
            claimed = _claimed_share(x, item.share, item.revealed_secret)
            check_released_share(  # a share for another x or of the wrong size: refused
                header, claimed, fingerprint=found.committee.fingerprint, part=item.part
            )
            stored = Release(
                bid_id=item.bid_id,
                part=item.part,
                x=x,
                share=item.share,
                revealed_secret=item.revealed_secret,
            )
            await opening_queries.insert_release(conn, stored, actor.user_id, found.now)
        await _log(
            conn,
            OpeningEvent.SHARES_RELEASED,
            found,
            actor=_log_actor(actor, "opening_official"),
            address=actor.address,
            data={"lot": lot, "x": x, "parts": [f"{r.bid_id}/{r.part}" for r in releases]},
        )
    return await advance(conn, tender_id, lot, opening=opening)


async def submit_self_key(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    part: str,
    file_key: bytes,
    *,
    opening: Opening,
) -> LotProgress:
    """A bidder self-decrypts within the window: its key, checked on the header MAC."""
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        _check_time(found, part)
        entry = _own_entry(found, actor)
        sha256 = _frozen_part(found, entry.bid_id, part)
        check_self_key(await _header(opening.store, sha256), file_key)
        await opening_queries.insert_self_key(
            conn, entry.bid_id, part, file_key, actor.user_id, found.now
        )
        await _log(
            conn,
            OpeningEvent.KEY_SUBMITTED,
            found,
            actor=_log_actor(actor, "bidder"),
            data={"lot": lot, "bid_id": str(entry.bid_id), "part": part},
        )
    return await advance(conn, tender_id, lot, opening=opening)


def _own_entry(lot: _Lot, actor: Actor) -> FreezeEntry:
    """The actor's organisation's frozen bid; only its bidders may send its key."""
    for entry in lot.frozen:
        owner = Resource(kind=ResourceKind.BID, owner_organisation_id=entry.bidder_id)
        if is_allowed(actor, Action.SUBMIT_BID, owner):
            return entry
    raise PartNotFrozen("your organisation has no bid in this lot's freeze list")


def _inputs(
    lot: _Lot, header: Header, part: str, shares: Sequence[Release], self_key: bytes | None
) -> PartInputs:
    return PartInputs(
        header=header,
        fingerprint=lot.committee.fingerprint,
        part=part,
        k=lot.committee.k,
        recipients=lot.committee.recipients(),
        released=[_claimed_share(r.x, r.share, r.revealed_secret) for r in shares],
        revealed={r.x: r.revealed_secret for r in shares if r.revealed_secret is not None},
        self_key=self_key,
        policy=lot.tender.content.opening_policy,
        window_closed=lot.now >= window(lot, part)[1],
    )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class _Job:
    """One part to decrypt: where it is, which key, and the receipt time to verify at."""

    entry: FreezeEntry
    part: str
    sha256: str
    key: bytes
    by: str
    received_at: dt.datetime


def _decrypt(opening: Opening, lot: _Lot, job: _Job) -> StoredResult:
    """Stream one part into its directory; signatures checked as of the receipt time."""
    target = opening.output_root / str(lot.tender.id) / lot.lot / str(job.entry.bid_id)
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    output = target / job.part
    if output.exists():
        # Left by an attempt whose transaction never committed (no result is stored,
        # or this part would not be decrypted again): not the bidder's doing.
        shutil.rmtree(output)

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return verify_detached(data, signature, opening.trust, job.received_at)

    try:
        with opening.store.path_of(job.sha256).open("rb") as source:
            opened = open_part(
                source,
                committee=lot.committee,
                part=job.part,
                verify=verify,
                file_key=job.key,
                output=output,
            )
    except SigningError as exc:
        return _failed(job.entry.bid_id, job.part, cause_of_open_failure(exc))
    except FileNotFoundError:
        return _failed(job.entry.bid_id, job.part, Cause.CIPHERTEXT_CHANGED)
    if opened.ciphertext_sha256 != job.sha256:
        shutil.rmtree(output)  # not the frozen bytes: nobody may read them
        return _failed(job.entry.bid_id, job.part, Cause.CIPHERTEXT_CHANGED)
    return StoredResult(
        bid_id=job.entry.bid_id,
        part=job.part,
        outcome=str(Outcome.OPENED),
        cause=None,
        opened_by=job.by,
        fields=dict(opened.manifest.info.fields),
        manifest_sha256=sha256_hex(opened.manifest_bytes),
    )


def _failed(bid_id: UUID, part: str, cause: Cause) -> StoredResult:
    return StoredResult(
        bid_id=bid_id,
        part=part,
        outcome=str(outcome_of(cause)),
        cause=str(cause),
        opened_by=None,
        fields={},
    )


async def _store(conn: asyncpg.Connection, lot: _Lot, result: StoredResult) -> None:
    party = None if result.cause is None else str(fault_of(Cause(result.cause)))
    await opening_queries.insert_result(conn, result, party=party, at=lot.now)
    await _log(
        conn,
        OpeningEvent.PART_SETTLED,
        lot,
        actor=PLATFORM,
        data={
            "lot": lot.lot,
            "bid_id": str(result.bid_id),
            "part": result.part,
            "outcome": result.outcome,
            "cause": result.cause,
            "party_at_fault": party,
        },
    )


def stage_parts(entry: FreezeEntry, stage: str) -> list[tuple[str, str]]:
    """(label, sha256) of the entry's parts opened at ``stage`` (main/technical/commercial)."""
    return [(p.label, p.sha256) for p in entry.parts if p.label == stage]


def stage_of(lot: _Lot) -> str:
    """Single envelope: "main"; two envelopes: "technical" first (commercial on request)."""
    labels = {p.label for e in lot.frozen for p in e.parts}
    return "main" if "main" in labels or not labels else "technical"


async def _decisions(
    conn: asyncpg.Connection, opening: Opening, lot: _Lot, stage: str, done: set[tuple[UUID, str]]
) -> dict[tuple[UUID, str], KeyDecision]:
    releases = await opening_queries.releases(conn, lot.lot_id)
    keys = await opening_queries.self_keys(conn, lot.lot_id)
    decisions: dict[tuple[UUID, str], KeyDecision] = {}
    for entry in lot.frozen:
        for label, sha256 in stage_parts(entry, stage):
            if (entry.bid_id, label) in done:
                continue
            mine = [r for r in releases if (r.bid_id, r.part) == (entry.bid_id, label)]
            header = await _header(opening.store, sha256)
            inputs = _inputs(lot, header, label, mine, keys.get((entry.bid_id, label)))
            decisions[(entry.bid_id, label)] = assess_part(inputs).decision
    by = [r.x for r in releases if r.part == stage]
    ruled = apply_lot_rule(
        {str(k): d for k, d in decisions.items()},
        released_by=by,
        k=lot.committee.k,
        window_closed=lot.now >= window(lot, stage)[1],
    )
    return {k: ruled[str(k)] for k in decisions}


async def _job(conn: asyncpg.Connection, lot: _Lot, key: tuple[UUID, str], d: KeyDecision) -> _Job:
    entry = next(e for e in lot.frozen if e.bid_id == key[0])
    versions = await bid_queries.versions(conn, entry.bid_id)
    received = next(v.received_at for v in versions if v.version == entry.version)
    assert d.file_key is not None
    return _Job(
        entry=entry,
        part=key[1],
        sha256=_frozen_part(lot, key[0], key[1]),
        key=d.file_key,
        by="officials" if d.by_officials else "bidder",
        received_at=received,
    )


async def advance(
    conn: asyncpg.Connection,
    tender_id: UUID,
    lot: str,
    *,
    opening: Opening,
) -> LotProgress:
    """Decide, decrypt and settle every part that can be; publish each stage's record
    when all its parts are settled. Returns the current stage's progress."""
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        results = await opening_queries.results(conn, found.lot_id)
        stages = [stage_of(found)] + (["commercial"] if found.commercial_from else [])
        for stage in stages:
            record = await _advance_stage(conn, opening, found, stage, results)
        return LotProgress(statuses=_statuses(found, stages[-1], results), record=record)


async def _advance_stage(
    conn: asyncpg.Connection,
    opening: Opening,
    found: _Lot,
    stage: str,
    results: dict[tuple[UUID, str], StoredResult],
) -> SignedRecord | None:
    if len(found.frozen) >= MIN_BIDS_TO_OPEN and found.now >= found.committee.deadline:
        decisions = await _decisions(conn, opening, found, stage, set(results))
        for key, decision in decisions.items():
            if decision.file_key is not None:
                job = await _job(conn, found, key, decision)
                result = await asyncio.to_thread(_decrypt, opening, found, job)
            elif decision.cause is not None:
                result = _failed(key[0], key[1], decision.cause)
            else:
                continue
            await _store(conn, found, result)
            results[key] = result
    return await _publish_if_settled(conn, opening, found, stage, results)


def _statuses(
    lot: _Lot, stage: str, results: dict[tuple[UUID, str], StoredResult]
) -> tuple[PartStatus, ...]:
    out = []
    for entry in lot.frozen:
        for label, _ in stage_parts(entry, stage):
            result = results.get((entry.bid_id, label))
            out.append(
                PartStatus(
                    bid_id=entry.bid_id,
                    bidder=entry.bidder_credit_code,
                    part=label,
                    outcome=Outcome(result.outcome) if result else Outcome.PENDING,
                    cause=Cause(result.cause) if result and result.cause else None,
                )
            )
    return tuple(out)


async def _entry_for_record(
    conn: asyncpg.Connection, entry: FreezeEntry, result: StoredResult
) -> RecordEntry:
    organisation = await accounts.get_organisation(conn, entry.bidder_id)
    versions = await bid_queries.versions(conn, entry.bid_id)
    received = next(v.received_at for v in versions if v.version == entry.version)
    return RecordEntry(
        bidder=entry.bidder_credit_code,
        bidder_name=organisation.name,
        consortium=entry.consortium,
        version=entry.version,
        received_at=received,
        parts={p.label: p.sha256 for p in entry.parts},
        outcome=Outcome(result.outcome),
        cause=Cause(result.cause) if result.cause else None,
        opened_by=result.opened_by or "",
        fields=result.fields,
    )


async def _build_record(
    conn: asyncpg.Connection, lot: _Lot, stage: str, results: dict[tuple[UUID, str], StoredResult]
) -> OpeningRecord | None:
    keys = [(e, label) for e in lot.frozen for label, _ in stage_parts(e, stage)]
    enough = len(lot.frozen) >= MIN_BIDS_TO_OPEN
    if enough and not lot_settled(
        [
            Outcome(results[(e.bid_id, p)].outcome) if (e.bid_id, p) in results else Outcome.PENDING
            for e, p in keys
        ]
    ):
        return None  # DESIGN.md "Opening": no price before every bid has opened or failed
    entries = (
        [await _entry_for_record(conn, e, results[(e.bid_id, p)]) for e, p in keys]
        if enough
        else []
    )
    releases = await opening_queries.releases(conn, lot.lot_id)
    assert lot.tender.code is not None
    return OpeningRecord(
        tender_id=str(lot.tender.id),
        tender_code=lot.tender.code,
        title=lot.tender.content.title,
        lot=lot.lot,
        part=stage,
        deadline=lot.committee.deadline,
        settled_at=lot.now,
        policy=str(lot.tender.content.opening_policy),
        committee_fingerprint=lot.committee.fingerprint_hex,
        freeze_list_sha256=lot.freeze_sha256,
        officials_released=tuple(sorted({r.x for r in releases if r.part == stage})),
        entries=tuple(entries),
        not_opened_reason=None if enough else LotBelowMinimumBids.code,
    )


async def _publish_if_settled(
    conn: asyncpg.Connection,
    opening: Opening,
    lot: _Lot,
    stage: str,
    results: dict[tuple[UUID, str], StoredResult],
) -> SignedRecord | None:
    existing = await opening_queries.record(conn, lot.tender.id, lot.lot_id, stage)
    if existing is not None:
        return SignedRecord(body=existing[0], signature=existing[1])
    record = await _build_record(conn, lot, stage, results)
    if record is None:
        return None
    signed = sign_record(record, opening.signer)
    index = await _log(
        conn,
        OpeningEvent.RECORD_PUBLISHED,
        lot,
        actor=PLATFORM,
        data={"lot": lot.lot, "part": stage, "record_sha256": signed.sha256},
    )
    await opening_queries.insert_record(
        conn,
        lot.lot_id,
        lot.tender.id,
        stage,
        signed.body,
        signed.signature,
        signed.sha256,
        index,
        lot.now,
    )
    return signed


async def _log(
    conn: asyncpg.Connection,
    kind: OpeningEvent,
    lot: _Lot,
    *,
    actor: LogActor,
    data: dict[str, object],
    address: str | None = None,
) -> int:
    entry = LogEntry(
        kind=kind,
        time=lot.now,
        actor=actor,
        address=log_address(address),
        subject=Subject(type="tender", id=str(lot.tender.id)),
        data=data,
    )
    return await audit.append(conn, entry)


async def opening_record(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, stage: str = "main"
) -> SignedRecord:
    """The published record of a lot (public once published)."""
    tender = await load(conn, tender_id)
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    found = await opening_queries.record(conn, tender_id, lot_id, stage)
    if found is None:
        raise OpeningRecordNotFound(f"lot {lot} has no published opening record yet")
    return SignedRecord(body=found[0], signature=found[1])


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ReleaseBatch:
    """What an official's client needs for one lot: committee, freeze list, parts."""

    tender_code: str
    lot: str
    committee: Committee
    entries: tuple[FreezeEntry, ...]
    commercial_open: bool = False


async def release_batch(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> ReleaseBatch:
    """The frozen lot for an official of its committee (the client checks it again)."""
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        _seat_x(found, actor)
    assert found.tender.code is not None
    return ReleaseBatch(
        tender_code=found.tender.code,
        lot=lot,
        committee=found.committee,
        entries=found.frozen,
        commercial_open=found.commercial_from is not None,
    )


async def frozen_part_sha256(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, bid_id: UUID, part: str
) -> str:
    """The ciphertext of a frozen part, for an official of the lot's committee only."""
    batch = await release_batch(conn, actor, tender_id, lot)
    for entry in batch.entries:
        for p in entry.parts:
            if (entry.bid_id, p.label) == (bid_id, part):
                return p.sha256
    raise PartNotFrozen(f"bid {bid_id} part {part!r} is not in lot {lot}'s freeze list")


async def progress(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, *, opening: Opening
) -> LotProgress:
    """The lot's statuses and record without deciding anything (for the hall and API)."""
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        stage = current_stage(found)
        results = await opening_queries.results(conn, found.lot_id)
        existing = await opening_queries.record(conn, found.tender.id, found.lot_id, stage)
    record = None if existing is None else SignedRecord(body=existing[0], signature=existing[1])
    return LotProgress(statuses=_statuses(found, stage, results), record=record)


async def frozen_bidders(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> dict[UUID, UUID]:
    """Bid id → bidder organisation of the lot's freeze list (the hall's bond check)."""
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
    return {e.bid_id: e.bidder_id for e in found.frozen}


# --- confirmations and objections (Reg. 44: answered on the spot and recorded) ---------


class ConfirmationSignerMismatch(OpeningError):
    """A confirmation must be signed by a certificate of the bidder's own organisation."""

    code = "opening_confirmation_signer_mismatch"


class ObjectionNotFound(OpeningError):
    """No open objection with this id in this lot."""

    code = "opening_objection_not_found"


async def _published(conn: asyncpg.Connection, lot: _Lot, stage: str) -> SignedRecord:
    found = await opening_queries.record(conn, lot.tender.id, lot.lot_id, stage)
    if found is None:
        raise OpeningRecordNotFound(f"lot {lot.lot} has no published opening record yet")
    return SignedRecord(body=found[0], signature=found[1])


async def respond(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    confirmation: bytes | None = None,
    objection: str | None = None,
    opening: Opening,
) -> opening_queries.Response:
    """A bidder of the freeze list confirms the record (its CMS signature over the
    record bytes, by its organisation's certificate) or objects to it."""
    if (confirmation is None) == (objection is None):
        raise OpeningError("confirm with a signature or object with a text, one of them")
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        entry = _own_entry(found, actor)
        stage = current_stage(found)
        signed = await _published(conn, found, stage)
        if confirmation is not None:
            signer = verify_confirmation(signed, confirmation, opening.trust, found.now)
            if subject_credit_code(signer.certificate) != entry.bidder_credit_code:
                raise ConfirmationSignerMismatch("the signer's credit code is not the bidder's")
        stored = await opening_queries.insert_response(
            conn, found.lot_id, stage, entry.bidder_id,
            signature=confirmation, objection=objection, at=found.now,
        )  # fmt: skip
        await _log(
            conn,
            OpeningEvent.RECORD_RESPONDED,
            found,
            actor=_log_actor(actor, "bidder"),
            address=actor.address,
            data={"lot": lot, "part": stage, "bidder": entry.bidder_credit_code,
                  "kind": stored.kind, "objection": objection, "record_sha256": signed.sha256},
        )  # fmt: skip
    return stored


async def answer_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, objection_id: UUID, text: str
) -> opening_queries.Response:
    """The host answers an objection at the opening; the answer is recorded and logged."""
    require(actor, Action.HOST_OPENING, Resource(kind=ResourceKind.OPENING, id=str(tender_id)))
    if not 1 <= len(text.strip()) <= 4000:
        raise OpeningError("an answer is 1–4000 characters")
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        answered = await opening_queries.answer(
            conn, objection_id, found.lot_id, text.strip(), actor.user_id, found.now
        )
        if answered is None:
            raise ObjectionNotFound("no open objection with this id in this lot")
        await _log(
            conn,
            OpeningEvent.OBJECTION_ANSWERED,
            found,
            actor=_log_actor(actor, "centre_staff"),
            address=actor.address,
            data={"lot": lot, "objection_id": str(objection_id), "answer": answered.answer},
        )
    return answered


async def responses(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, stage: str = "main"
) -> list[opening_queries.Response]:
    """The record's confirmations and objections with their answers (public)."""
    tender = await load(conn, tender_id)
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    return await opening_queries.responses(conn, lot_id, stage)


async def open_commercial_stage(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, *, opening: Opening
) -> LotProgress:
    """Two envelopes: the host opens the commercial parts once the technical record is
    published (the evaluation of the technical parts is the host's to confirm)."""
    require(actor, Action.HOST_OPENING, Resource(kind=ResourceKind.OPENING, id=str(tender_id)))
    async with conn.transaction():
        found = await _locked_lot(conn, tender_id, lot)
        if stage_of(found) != "technical":
            raise CommercialPartSealed("only a two-envelope tender has a commercial stage")
        await _published(conn, found, "technical")
        await opening_queries.open_commercial(
            conn, found.lot_id, tender_id, actor.user_id, found.now
        )
        await _log(
            conn,
            OpeningEvent.COMMERCIAL_OPENED,
            found,
            actor=_log_actor(actor, "centre_staff"),
            address=actor.address,
            data={"lot": lot},
        )
    return await advance(conn, tender_id, lot, opening=opening)
