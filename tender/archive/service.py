"""Use cases of the project archive: build a tender's package, read it, add supplements.

DOMAIN.md "Records": one file per project (一项一档) within 30 days of the end; EBM 49:
no record forged, altered or destroyed. A package is built once, when the procedure
has ended (performance, failed or cancelled), by the archive job or on demand by
centre staff; the build verifies its own output with the offline verifier
(signing/archive/verify.py) before storing anything, logs the package's SHA-256 and
moves the tender to ``archived`` — all in one transaction. Performance records come
later as signed supplements naming that SHA-256 (docs/formats/archive.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from cryptography import x509

from accounts.model import Actor
from audit import service as audit
from audit.queries import witnesses as log_witnesses
from signing.archive.errors import ArchiveInvalid
from signing.archive.package import LogSection, read_package, write_package
from signing.archive.supplement import HEAD as SUPPLEMENT_HEAD
from signing.archive.supplement import SUPPLEMENT, supplement_bytes
from signing.archive.verify import verify_package
from signing.canonical import canonical_json, sha256_hex
from signing.log.checkpoint import open_checkpoint
from signing.log.entry import Actor as LogActor
from signing.log.entry import format_time
from signing.log.errors import AuditError
from signing.log.note import Note, parse_note, parse_signature_line
from signing.trust import TrustStore
from tender import lifecycle
from tender.alerting import raise_tender_alert
from tender.archive import access, collect, queries
from tender.archive.errors import (
    ArchiveExists,
    ArchiveLogUncovered,
    ArchiveNotEnded,
    ArchiveNotFound,
    ArchiveSelfCheckFailed,
    ArchiveSupplementUnchanged,
)
from tender.archive.model import (
    ENDED,
    Contents,
    LogCheckpoint,
    add_log,
    checkpoint_for,
    manifest_for,
    package_files,
)
from tender.blobs.store import LocalBlobStore
from tender.events import AlertKind, TenderEvent
from tender.model import Tender, TenderStatus
from tender.policy import Period, Policies
from tender.submission.receipts import ReceiptSigner

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Archiving:
    """What a build needs: the trust store as of now, the platform's keys, the blobs."""

    trust: TrustStore | None
    platform: ReceiptSigner  # signs the manifest; its root is the package's platform CA
    log: audit.LogIdentity
    blobs: LocalBlobStore
    # Earlier platform identities' CAs (a rotated receipt or opening key): what the
    # platform signed with them still verifies as of its time.
    platform_roots: tuple[x509.Certificate, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Archive:
    """A stored package."""

    tender_id: UUID
    sha256: str
    size: int
    package: bytes
    built_at: datetime


async def build(
    conn: asyncpg.Connection,
    tender_id: UUID,
    ctx: Archiving,
    *,
    actor: LogActor = lifecycle.PLATFORM,
    built_by: UUID | None = None,
    address: str | None = None,
) -> Archive:
    """Build, self-check, store and log the tender's package; the tender becomes archived."""
    async with conn.transaction():
        locked = await lifecycle.lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        if tender.status is TenderStatus.ARCHIVED:
            raise ArchiveExists("this tender's archive package was made already (一项一档)")
        if str(tender.status) not in ENDED:
            raise ArchiveNotEnded(
                f"a {tender.status} tender is not archived yet: the procedure has not ended"
            )
        contents, sessions = await _contents(conn, tender, ctx)
        section = await _log(conn, contents, tender, sessions, ctx)
        facts = {"id": tender.id, "code": tender.code or "", "title": tender.content.title,
                 "status": tender.status}  # fmt: skip
        manifest = manifest_for(contents, tender=facts, built_at=now, log=section).to_bytes()
        files = package_files(contents, manifest, ctx.platform.sign(manifest))
        package = write_package(files)
        try:  # CPU-bound: every signature and proof, off the event loop (STYLE.md 4)
            await asyncio.to_thread(verify_package, package)
        except ArchiveInvalid as exc:
            raise ArchiveSelfCheckFailed(
                f"the package built does not verify: {exc.message}", details=exc.details
            ) from None
        digest = sha256_hex(package)
        index = await lifecycle.append(
            conn, TenderEvent.ARCHIVED, tender.id, actor=actor, address=address,
            data={"package_sha256": digest, "size": len(package), "files": len(files)},
        )  # fmt: skip
        await queries.insert_archive(conn, tender.id, package, digest, now, built_by, index)
        await lifecycle.change_status(conn, tender.id, TenderStatus.ARCHIVED, actor=actor,
                                      address=address, reason="archive package made")  # fmt: skip
    log.info("tender.archived", extra={"tender_id": str(tender.id), "sha256": digest})
    return Archive(tender_id=tender.id, sha256=digest, size=len(package), package=package,
                   built_at=now)  # fmt: skip


async def _contents(
    conn: asyncpg.Connection, tender: Tender, ctx: Archiving
) -> tuple[Contents, list[str]]:
    """Every record of the procedure (collect.py); also the evaluation sessions' ids."""
    contents = Contents()
    await collect.add_notice(conn, contents, tender)
    await collect.add_documents(conn, contents, tender.id, ctx.blobs)
    await collect.add_statements(conn, contents, tender)
    await collect.add_opening(conn, contents, tender.id)
    sessions = await collect.add_evaluation(conn, contents, tender.id)
    await collect.add_supervision(conn, contents, tender.id)
    await collect.add_stages(conn, contents, tender.id)
    collect.add_trust(contents, ctx.trust, [ctx.platform.root, *ctx.platform_roots])
    return contents, sessions


async def _log(
    conn: asyncpg.Connection,
    contents: Contents,
    tender: Tender,
    sessions: Sequence[str],
    ctx: Archiving,
) -> LogSection:
    """The entries about the tender, its sessions and draws, with their proofs to the
    log key's checkpoints (docs/formats/archive.md §6)."""
    draws = await queries.draw_ids(conn, tender.id, tender.code or "")
    entries = await queries.entries_about(conn, [str(tender.id), *sessions, *draws])
    if not entries:
        raise ArchiveLogUncovered("the log has no entry about this tender")
    checkpoints = await _signed_checkpoints(conn, min(entries), ctx)
    if not checkpoints or checkpoints[-1].size <= max(entries):
        # A checkpoint signed now covers them: it commits with the package.
        if not await audit.try_checkpoint_lock(conn):
            raise ArchiveLogUncovered("the log is being checkpointed: build again in a moment")
        await audit.sign_new_checkpoint(conn, ctx.log)
        checkpoints = await _signed_checkpoints(conn, min(entries), ctx)
    if not checkpoints or checkpoints[-1].size <= max(entries):
        # The newest checkpoint covering them is another key's (a key being rotated):
        # none of this key's can be signed at that size. Refused, never a half package.
        raise ArchiveLogUncovered(
            "no checkpoint of the log key covers the tender's entries yet: build again once "
            "the next checkpoint is signed"
        )
    sizes = [c.size for c in checkpoints]
    chosen = sorted({checkpoint_for(i, sizes) for i in entries} | {sizes[-1]})
    kept = [c for c in checkpoints if c.size in chosen]
    proofs = {i: await audit.inclusion_proof(conn, i, checkpoint_for(i, chosen)) for i in entries}
    links = [await audit.consistency_proof(conn, a, b) for a, b in itertools.pairwise(chosen)]
    return add_log(
        contents, origin=ctx.log.origin, log_vkey=ctx.log.signer.verifier().to_vkey(),
        witness_vkeys=[vkey for _, vkey in await log_witnesses(conn)], entries=entries,
        proofs=proofs, checkpoints=kept, consistency=links,
    )  # fmt: skip


async def _signed_checkpoints(
    conn: asyncpg.Connection, index: int, ctx: Archiving
) -> list[LogCheckpoint]:
    """Checkpoints covering ``index`` that the log key signed, each with its cosignatures."""
    found = []
    verifier = ctx.log.signer.verifier()
    for row in await queries.checkpoints_after(conn, index):
        try:
            open_checkpoint(row["note"], verifier)
        except AuditError:
            continue  # another key's checkpoint (a test's, or a rotated key's): not ours
        note = parse_note(row["note"])
        extra = [parse_signature_line(line) for line in row["cosignatures"]]
        text = Note(text=note.text, signatures=(*note.signatures, *extra)).to_text()
        found.append(LogCheckpoint(size=row["size"], note=text))
    return found


async def build_on_demand(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    ctx: Archiving,
    *,
    address: str | None = None,
) -> Archive:
    """Centre staff make the package now (the job would, within the 30 days)."""
    who = access.require_builder(actor, await lifecycle.load(conn, tender_id))
    return await build(conn, tender_id, ctx, actor=who, built_by=actor.user_id, address=address)


async def download(conn: asyncpg.Connection, actor: Actor, tender_id: UUID) -> Archive:
    """The package, for the centre, the supervising department and the agency."""
    access.require_reader(actor, await lifecycle.load(conn, tender_id))
    return await stored(conn, tender_id)


async def download_supplement(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, number: int
) -> bytes:
    """A supplement, for the package's readers."""
    access.require_reader(actor, await lifecycle.load(conn, tender_id))
    return await supplement(conn, tender_id, number)


async def stored(conn: asyncpg.Connection, tender_id: UUID) -> Archive:
    """The tender's stored package (``tender_archive_not_found`` before it is made)."""
    row = await queries.archive(conn, tender_id)
    if row is None:
        raise ArchiveNotFound("this tender has no archive package yet")
    return Archive(tender_id=tender_id, sha256=row["sha256"], size=row["size"],
                   package=bytes(row["package"]), built_at=row["built_at"])  # fmt: skip


async def add_supplement(
    conn: asyncpg.Connection,
    tender_id: UUID,
    records: Mapping[str, Any],
    signer: ReceiptSigner,
    *,
    actor: LogActor = lifecycle.PLATFORM,
) -> tuple[int, bytes]:
    """Sign and store a supplement (performance records) naming the package's SHA-256."""
    async with conn.transaction():
        locked = await lifecycle.lock_tender(conn, tender_id)
        package = await stored(conn, tender_id)
        body = supplement_bytes(
            tender_id=str(tender_id), package_sha256=package.sha256, added_at=locked.now,
            records=records, sign=signer.sign,
        )  # fmt: skip
        digest = sha256_hex(body)
        index = await lifecycle.append(
            conn, TenderEvent.ARCHIVE_SUPPLEMENTED, tender_id, actor=actor,
            data={"package_sha256": package.sha256, "supplement_sha256": digest},
        )  # fmt: skip
        number = await queries.insert_supplement(
            conn, tender_id, package.sha256, digest, body, locked.now, index
        )
    return number, body


async def add_performance_supplement(
    conn: asyncpg.Connection,
    tender_id: UUID,
    signer: ReceiptSigner,
    *,
    actor: LogActor = lifecycle.PLATFORM,
) -> tuple[int, bytes]:
    """A supplement of the contract's changes and performance as they stand now;
    ``tender_archive_supplement_unchanged_conflict`` when they are as the package or the
    last supplement holds them (a supplement is signed, logged and kept for ever)."""
    async with conn.transaction():
        await lifecycle.lock_tender(conn, tender_id)
        records = await queries.stage_rows(conn, tender_id, queries.SUPPLEMENT_TABLES)
        if canonical_json(records) == canonical_json(await _recorded(conn, tender_id)):
            raise ArchiveSupplementUnchanged(
                "nothing about the contract's changes or performance was recorded since the "
                "archive package or its last supplement"
            )
        return await add_supplement(conn, tender_id, records, signer, actor=actor)


async def _recorded(conn: asyncpg.Connection, tender_id: UUID) -> dict[str, Any]:
    """The supplement tables' rows as the last supplement, or else the package, holds them."""
    last = await queries.last_supplement(conn, tender_id)
    if last is not None:
        records: dict[str, Any] = json.loads(read_package(last, SUPPLEMENT_HEAD)[SUPPLEMENT])[
            "records"
        ]
        return records
    members = read_package((await stored(conn, tender_id)).package)
    found = {}
    for table in queries.SUPPLEMENT_TABLES:
        path = f"records/{table.replace('_', '-')}.json"
        if path in members:
            found[table] = json.loads(members[path])
    return found


async def supplement_on_demand(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, ctx: Archiving
) -> tuple[int, bytes]:
    """Centre staff add the performance recorded since the package (DOMAIN.md "Records":
    the project's file grows with its performance; the package itself never changes)."""
    who = access.require_builder(actor, await lifecycle.load(conn, tender_id))
    return await add_performance_supplement(conn, tender_id, ctx.platform, actor=who)


async def supplement(conn: asyncpg.Connection, tender_id: UUID, number: int) -> bytes:
    """A stored supplement's bytes."""
    found = await queries.supplement(conn, tender_id, number)
    if found is None:
        raise ArchiveNotFound(f"this tender has no archive supplement {number}")
    return found


def _length(period: Period) -> timedelta:
    return period.exact or timedelta(days=period.count)  # calendar days (tender/policy.py)


async def due(conn: asyncpg.Connection, policies: Policies, limit: int = 10) -> list[UUID]:
    """Tenders ended at least ``archive_after`` ago without a package (the job's work)."""
    before = await queries.database_now(conn) - _length(policies.archive_after)
    return [r["id"] for r in await queries.ended_before(conn, ENDED, before, limit)]


async def raise_overdue(conn: asyncpg.Connection, policies: Policies) -> int:
    """Alert once for each tender ended ``archive_within`` ago still without a package."""
    before = await queries.database_now(conn) - _length(policies.archive_within)
    raised = 0
    async with conn.transaction():
        for row in await queries.ended_before(conn, ENDED, before, 100):
            data = {"ended_at": format_time(row["ended_at"])}
            alert = await raise_tender_alert(
                conn, row["id"], AlertKind.ARCHIVE_OVERDUE, "archive", data, logged=data
            )
            raised += alert is not None
    return raised
