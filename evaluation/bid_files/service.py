"""Use cases of the opened bid files: list them, and read one (issue 4, item 6).

"Decrypted bid files are kept for the evaluation, readable only by the committee and
supervisors." The opening writes each opened part to
``<output root>/<tender>/<lot>/<bid>/<part>/`` (tender/opening/decrypt.py); these use
cases serve, from there, only the files the part's signed manifest lists, and only of
parts whose stored outcome is ``opened`` — a commercial part of a two-envelope tender
stays out of reach until its own stage opened it. Who may read is
``accounts.permissions.Action.READ_BID_FILES``: the lot's evaluation committee (the
experts who confirmed their seat in the lot's completed evaluation draw; once the lot
has a session, only those seated in its latest attempt, after its start —
evaluation.bid_files.readers) and the supervisors of the tender's industry department.
Nobody else — not the agency, the tenderer, the centre, nor a bidder, not even for its
own bid.

Every read is a log entry (``evaluation.bid_file_read``: who, which file, its hash)
appended in the transaction that checked the permission, so a supervisor can later
audit who read which bid (DESIGN.md, "Transparency log").

Files are opened component by component below the output root without following any
link (``O_NOFOLLOW`` at every step) and must be regular files of the manifest's size;
the manifest itself must hash to what the opening stored in ``opening_results``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, Resource, ResourceKind, require
from audit import service as audit
from evaluation.bid_files import disk
from evaluation.bid_files.model import BidFileEntry, PartLocation, check_file_path
from evaluation.bid_files.readers import seated_readers
from evaluation.errors import (
    BidFileIntegrityBroken,
    BidFileNotFound,
    BidPartNotFound,
    BidPartNotOpened,
    OpenedBidNotFound,
)
from evaluation.events import EvaluationEvent
from expert_pool.journal import hidden_actor
from expert_pool.views.service import committee_member_salt, evaluation_committee
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from signing.manifest import ManifestFile
from tender import queries as tender_queries
from tender.access import log_actor
from tender.blobs.store import BlobStore
from tender.errors import LotNotFound
from tender.lifecycle import load, log_address
from tender.model import Tender
from tender.opening import queries as opening_queries
from tender.opening.queries import StoredResult
from tender.submission import queries as bid_queries
from tender.submission.model import FreezeEntry

OPENED = "opened"  # tender.opening.Outcome.OPENED, as opening_results stores it
CHUNK = 256 * 1024


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpenedBidFile:
    """A file the actor may read, opened; the caller streams and closes ``file``."""

    entry: BidFileEntry
    file: BinaryIO
    log_index: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class _Lot:
    tender: Tender
    lot: str
    entries: tuple[FreezeEntry, ...]
    results: Mapping[tuple[UUID, str], StoredResult]
    actor: LogActor
    member_salt: bytes | None  # the reader is a seated expert: hidden in the log


# --- who may read ---------------------------------------------------------------------


def resource(tender: Tender, lot: str, committee: frozenset[UUID]) -> Resource:
    """A lot's evaluation as the permission table sees it."""
    return Resource(
        kind=ResourceKind.EVALUATION,
        id=f"{tender.id}/{lot}",
        agency_id=tender.agency_id,
        tenderer_id=tender.content.tenderer_id,
        department_id=tender.content.department_id,
        evaluation_committee=committee,
    )


async def _lot(conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str) -> _Lot:
    """The lot's freeze list and results, once the actor may read its bids."""
    tender = await load(conn, tender_id)
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    drawn = await evaluation_committee(conn, str(tender.id), lot)
    committee = await seated_readers(conn, tender.id, lot, drawn)
    role = require(actor, Action.READ_BID_FILES, resource(tender, lot, committee))
    _, entries = await bid_queries.freeze_list(conn, lot_id)
    return _Lot(
        tender=tender,
        lot=lot,
        entries=tuple(entries),
        results=await opening_queries.results(conn, lot_id),
        actor=log_actor(actor, role),
        member_salt=(
            await committee_member_salt(conn, str(tender.id), lot, actor.user_id)
            if actor.user_id in committee
            else None
        ),
    )


def _opened_part(found: _Lot, bid_id: UUID, part: str) -> tuple[FreezeEntry, StoredResult]:
    """The bid's part, if the opening opened it."""
    entry = next((e for e in found.entries if e.bid_id == bid_id), None)
    if entry is None:
        raise OpenedBidNotFound(f"lot {found.lot} has no frozen bid {bid_id}")
    if part not in {p.label for p in entry.parts}:
        raise BidPartNotFound(f"the bid has no part {part[:40]!r}")
    result = found.results.get((bid_id, part))
    if result is None or result.outcome != OPENED or result.manifest_sha256 is None:
        raise BidPartNotOpened(
            f"part {part!r} of this bid is not opened",
            details={"outcome": None if result is None else result.outcome},
        )
    return entry, result


def _location(found: _Lot, bid_id: UUID, part: str) -> PartLocation:
    return PartLocation(tender_id=found.tender.id, lot=found.lot, bid_id=bid_id, part=part)


# --- use cases ------------------------------------------------------------------------


async def list_bid_files(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    output_root: Path,
    blobs: BlobStore | None = None,
) -> list[BidFileEntry]:
    """Every file of every opened part of the lot, by bidder, part and manifest order.

    With ``blobs``, a part whose manifest is missing or damaged is re-derived first."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        found = await _lot(conn, actor, tender_id, lot)
    listed: list[BidFileEntry] = []
    for entry in found.entries:
        for part in entry.parts:
            result = found.results.get((entry.bid_id, part.label))
            if result is None or result.outcome != OPENED or result.manifest_sha256 is None:
                continue  # sealed, pending or failed: nothing to read
            location = _location(found, entry.bid_id, part.label)
            hashes = (part.sha256, result.manifest_sha256)
            manifest = await disk.checked(
                conn, blobs, output_root, location, hashes,
                functools.partial(disk.read_manifest, output_root, location, hashes[1]),
            )  # fmt: skip
            listed.extend(_entry(entry, part.label, f) for f in manifest.files)
    return listed


def _entry(entry: FreezeEntry, part: str, listed: ManifestFile) -> BidFileEntry:
    return BidFileEntry(
        bid_id=entry.bid_id,
        bidder=entry.bidder_credit_code,
        part=part,
        path=listed.name,
        size=listed.size,
        sha256=listed.sha256,
    )


async def open_bid_file(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    bid_id: UUID,
    part: str,
    path: str,
    *,
    output_root: Path,
    blobs: BlobStore | None = None,
) -> OpenedBidFile:
    """Open one listed file of an opened part for ``actor``; the read is logged.

    Permission, the part's outcome, the manifest and the log entry are decided in one
    transaction: a read without its entry, or an entry without a read, cannot exist.
    The manifest and the file are checked against their hashes first; with ``blobs``
    a missing or damaged part is re-derived, else the read is refused
    (``bid_file_integrity_broken``). ``read_chunks`` hashes again as it serves.
    """
    opened: BinaryIO | None = None
    try:
        async with conn.transaction():
            found = await _lot(conn, actor, tender_id, lot)
            check_file_path(path)  # a traversal is refused by name, before the disk
            entry, result = _opened_part(found, bid_id, part)
            location = _location(found, bid_id, part)
            assert result.manifest_sha256 is not None  # _opened_part checked it
            sealed = next(p.sha256 for p in entry.parts if p.label == part)
            hashes = (sealed, result.manifest_sha256)
            manifest = await disk.checked(
                conn, blobs, output_root, location, hashes,
                functools.partial(disk.read_manifest, output_root, location, hashes[1]),
            )  # fmt: skip
            listed = next((f for f in manifest.files if f.name == path), None)
            if listed is None:
                raise BidFileNotFound("the part's manifest lists no such file")
            opened = await disk.checked(
                conn, blobs, output_root, location, hashes,
                functools.partial(disk.open_listed, output_root, location, listed),
            )  # fmt: skip
            file_entry = _entry(entry, part, listed)
            index = await _log_read(conn, found, actor, file_entry, result.manifest_sha256)
    except BaseException:
        if opened is not None:
            opened.close()
        raise
    assert opened is not None
    return OpenedBidFile(entry=file_entry, file=opened, log_index=index)


async def _log_read(
    conn: asyncpg.Connection, found: _Lot, actor: Actor, entry: BidFileEntry, manifest: str
) -> int:
    """The read, as the log keeps it (evaluation.bid_file_read)."""
    data: dict[str, object] = {
        "lot": found.lot,
        "bid_id": str(entry.bid_id),
        "part": entry.part,
        "path": entry.path,
        "size": entry.size,
        "sha256": entry.sha256,
        "manifest_sha256": manifest,
    }
    log_as, address = found.actor, log_address(actor.address)
    hidden: dict[str, str] = {}
    if found.member_salt is not None:
        # Issue 9, item 3: a committee member is named by its draw commitment until the
        # result opens the list (docs/audit-log.md §1.3).
        log_as, address, hidden = hidden_actor(str(actor.user_id), found.member_salt)
    return await audit.append(
        conn,
        LogEntry(
            kind=EvaluationEvent.BID_FILE_READ,
            time=await tender_queries.database_now(conn),
            actor=log_as,
            address=address,
            subject=Subject(type="tender", id=str(found.tender.id)),
            data=data | hidden,
            commitments=tuple(hidden),
        ),
    )


async def read_chunks(opened: OpenedBidFile) -> AsyncIterator[bytes]:
    """The file's bytes in chunks, read off the event loop; closes the file at the end.

    Hashed as served: a file changed on disk after its check ends the stream with
    ``bid_file_integrity_broken`` before its last chunk, so a client never receives a
    complete response of altered bytes (tender/opening/opened.py)."""
    digest, served = hashlib.sha256(), 0
    try:
        while block := await asyncio.to_thread(opened.file.read, CHUNK):
            digest.update(block)
            served += len(block)
            if served >= opened.entry.size and (
                served > opened.entry.size or digest.hexdigest() != opened.entry.sha256
            ):
                raise BidFileIntegrityBroken(
                    "the file changed while it was served", details={"path": opened.entry.path}
                )
            yield block
        if served != opened.entry.size:
            raise BidFileIntegrityBroken(
                "the file changed while it was served", details={"path": opened.entry.path}
            )
    finally:
        opened.file.close()
