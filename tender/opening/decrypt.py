"""Decryption of a stage's parts: which key opens each, streaming, and whose fault a failure is.

DESIGN.md, "Opening". For every part of the stage not yet settled, tender/opening/model.py
decides from the released shares, the bidder's own key and the window whether a file
key is known, the part has failed, or it must wait; a known key streams the part
through signing.sealed_bid.open_part and a failure is attributed (EBM 31). Each
settled part is stored and logged in the caller's transaction.

Decrypted files go to ``<output_root>/<tender>/<lot>/<bid>/<part>/`` with mode 0700:
the platform serves them to the committee and supervisors only (evaluation).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import asyncpg

from signing.age import Header
from signing.canonical import sha256_hex
from signing.certs import subject_credit_code
from signing.cms import SignerInfo, verify_detached
from signing.errors import SigningError
from signing.manifest import BidIdentity, check_bid_identity, parse_manifest
from signing.sealed_bid import OpenedPart, open_part
from tender.lifecycle import PLATFORM
from tender.opening import queries as opening_queries
from tender.opening.keys import KeyDecision, PartInputs, apply_lot_rule, assess_part
from tender.opening.lot import (
    Opening,
    OpeningEvent,
    OpeningLot,
    claimed_share,
    frozen_sha256,
    part_header,
    queue_event,
    stage_parts,
    window,
)
from tender.opening.model import Cause, Outcome, cause_of_open_failure, fault_of, outcome_of
from tender.opening.queries import Release, StoredResult
from tender.opening.workers import STAGED, PartDone, PartTask, WorkerDied, bare
from tender.submission import queries as bid_queries
from tender.submission.model import FreezeEntry, organisations_in_two_bids

PartKey = tuple[UUID, str]  # (bid id, part label)


async def settle_parts(
    conn: asyncpg.Connection,
    opening: Opening,
    lot: OpeningLot,
    stage: str,
    done: set[PartKey],
) -> dict[PartKey, StoredResult]:
    """Decide every part of ``stage`` not in ``done``, decrypt those with a key, and
    store what each settled part became; returns the newly settled parts."""
    decisions = await _decisions(conn, opening, lot, stage, done)
    jobs = {
        key: await _job(conn, lot, key, d) for key, d in decisions.items() if d.file_key is not None
    }
    opened = await _decrypt_all(opening, lot, jobs)
    settled: dict[PartKey, StoredResult] = {}
    for key, decision in decisions.items():  # stored and logged in the lot's order
        if key in opened:
            result = opened[key]
        elif decision.cause is not None:
            result = _failed(key[0], key[1], decision.cause)
        else:
            continue
        await _store(conn, lot, result)
        settled[key] = result
    return settled


# Parts decrypted at once, each on its own thread or in a worker process
# (tender/opening/workers.py): decryption (decrypt_into), hashing and writing release the
# GIL, but the chunk loop around them does not, so processes share the cores better;
# each part holds two Rings of 4 MiB (signing.pipe). One more than the cores keeps
# them busy between parts.
OPEN_WORKERS = max(2, min(4, (os.cpu_count() or 2) + 1))


async def _decrypt_all(
    opening: Opening, lot: OpeningLot, jobs: dict[PartKey, _Job]
) -> dict[PartKey, StoredResult]:
    """Decrypt the parts that have a key, several at a time, off the event loop."""
    gate = asyncio.Semaphore(OPEN_WORKERS)
    in_processes = opening.workers is not None and opening.workers.processes > 0

    async def one(job: _Job) -> StoredResult:
        async with gate:
            if in_processes:
                return await _in_worker(opening, lot, job)
            return await asyncio.to_thread(_decrypt, opening, lot, job)

    results = await asyncio.gather(*(one(job) for job in jobs.values()))
    return dict(zip(jobs, results, strict=True))


def _inputs(
    lot: OpeningLot, header: Header, part: str, shares: Sequence[Release], self_key: bytes | None
) -> PartInputs:
    return PartInputs(
        header=header,
        fingerprint=lot.committee.fingerprint,
        part=part,
        k=lot.committee.k,
        recipients=lot.committee.recipients(),
        released=[claimed_share(r.x, r.share, r.revealed_secret) for r in shares],
        revealed={r.x: r.revealed_secret for r in shares if r.revealed_secret is not None},
        self_key=self_key,
        policy=lot.tender.content.opening_policy,
        window_closed=lot.now >= window(lot, part)[1],
    )


async def _decisions(
    conn: asyncpg.Connection, opening: Opening, lot: OpeningLot, stage: str, done: set[PartKey]
) -> dict[PartKey, KeyDecision]:
    releases = await opening_queries.releases(conn, lot.lot_id)
    keys = await opening_queries.self_keys(conn, lot.lot_id)
    decisions: dict[PartKey, KeyDecision] = {}
    for entry in lot.frozen:
        for label, sha256 in stage_parts(lot, entry, stage):
            if (entry.bid_id, label) in done:
                continue
            mine = [r for r in releases if (r.bid_id, r.part) == (entry.bid_id, label)]
            header = await part_header(opening.store, sha256)
            inputs = _inputs(lot, header, label, mine, keys.get((entry.bid_id, label)))
            decisions[(entry.bid_id, label)] = assess_part(inputs).decision
    by = [r.x for r in releases if r.part == stage]
    ruled = apply_lot_rule(
        {str(k): d for k, d in decisions.items()},
        released_by=by,
        k=lot.committee.k,
        window_closed=lot.now >= window(lot, stage)[1],
    )
    # Reg. 37: both bids sharing an organisation are invalid, whatever their keys (the
    # freeze raised the alert; tender/submission/freeze.py).
    invalid = organisations_in_two_bids(lot.frozen)
    reg37 = KeyDecision(cause=Cause.ORGANISATION_IN_TWO_BIDS)
    return {k: reg37 if k[0] in invalid else ruled[str(k)] for k in decisions}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class _Job:
    """One part to decrypt: where it is, which key, and the receipt time to verify at."""

    entry: FreezeEntry
    part: str
    sha256: str
    key: bytes
    by: str
    received_at: dt.datetime
    identity: BidIdentity


async def _job(conn: asyncpg.Connection, lot: OpeningLot, key: PartKey, d: KeyDecision) -> _Job:
    entry = next(e for e in lot.frozen if e.bid_id == key[0])
    versions = await bid_queries.versions(conn, entry.bid_id)
    received = next(v.received_at for v in versions if v.version == entry.version)
    assert d.file_key is not None
    return _Job(
        entry=entry,
        part=key[1],
        sha256=frozen_sha256(lot, key[0], key[1]),
        key=d.file_key,
        by="officials" if d.by_officials else "bidder",
        received_at=received,
        identity=BidIdentity(
            tender=lot.committee.tender,
            lot=lot.lot,
            part=key[1],
            bidder=entry.bidder_credit_code,
            consortium=entry.consortium,
        ),
    )


async def _in_worker(opening: Opening, lot: OpeningLot, job: _Job) -> StoredResult:
    """One part in a worker process: staged there, checked and placed here. A worker
    that dies leaves only its staging directory, removed here; the part is then opened
    again on a thread (docs/formats/opening.md §5: the files are derived)."""
    assert opening.workers is not None
    output = await asyncio.to_thread(_output_dir, opening, lot, job)
    staging = Path(tempfile.mkdtemp(prefix=f".{job.part}.worker-", dir=output.parent))
    try:
        try:
            ciphertext = await asyncio.to_thread(opening.store.path_of, job.sha256)
            task = PartTask(ciphertext=ciphertext, staging=staging, part=job.part,
                            file_key=job.key, committee=bare(lot.committee))  # fmt: skip
            done = await opening.workers.run(task)
        except WorkerDied:
            await asyncio.to_thread(shutil.rmtree, staging, True)
            return await asyncio.to_thread(_decrypt, opening, lot, job)
        return await asyncio.to_thread(_place, opening, job, done, staging / STAGED, output)
    finally:
        await asyncio.to_thread(shutil.rmtree, staging, True)


def _place(opening: Opening, job: _Job, done: PartDone, staged: Path, output: Path) -> StoredResult:
    """A worker's part: the freeze list's hash and the signature as of the receipt
    (both as on a thread, _decrypt/_open), then the staged files into place."""
    if done.cause is not None:
        return _failed(job.entry.bid_id, job.part, Cause(done.cause))
    if done.ciphertext_sha256 != job.sha256:
        return _failed(job.entry.bid_id, job.part, Cause.CIPHERTEXT_CHANGED)
    try:
        _verify(opening, job, done.manifest_bytes, done.signature)
    except SigningError as exc:
        return _failed(job.entry.bid_id, job.part, cause_of_open_failure(exc))
    os.rename(staged, output)
    return StoredResult(
        bid_id=job.entry.bid_id,
        part=job.part,
        outcome=str(Outcome.OPENED),
        cause=None,
        opened_by=job.by,
        fields=dict(parse_manifest(done.manifest_bytes).info.fields),
        manifest_sha256=sha256_hex(done.manifest_bytes),
        file_key=job.key,
    )


def _decrypt(opening: Opening, lot: OpeningLot, job: _Job) -> StoredResult:
    """Stream one part into its directory; signatures checked as of the receipt time."""
    output = _output_dir(opening, lot, job)
    try:
        opened = _open(opening, lot, job, output)
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
        file_key=job.key,
    )


def _output_dir(opening: Opening, lot: OpeningLot, job: _Job) -> Path:
    """The part's own empty directory under the bid's (mode 0700)."""
    target = opening.output_root / str(lot.tender.id) / lot.lot / str(job.entry.bid_id)
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    output = target / job.part
    if output.exists():
        # Left by an attempt whose transaction never committed (no result is stored,
        # or this part would not be decrypted again): not the bidder's doing.
        shutil.rmtree(output)
    return output


def _open(opening: Opening, lot: OpeningLot, job: _Job, output: Path) -> OpenedPart[SignerInfo]:
    """Decrypt the stored part with the job's key into ``output``."""

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return _verify(opening, job, data, signature)

    with opening.store.path_of(job.sha256).open("rb") as source:
        return open_part(
            source,
            committee=lot.committee,
            part=job.part,
            verify=verify,
            file_key=job.key,
            output=output,
            # A derived copy, not fsynced: the stored key and the frozen ciphertext are
            # the truth, and a lost or damaged file is re-derived when read (opened.py).
            durable=False,
        )


def _verify(opening: Opening, job: _Job, data: bytes, signature: bytes) -> SignerInfo:
    # The chain as of the receipt time, then whose bid it is (sealed-bid.md §7): a copy
    # of another bidder's file fails here, before any file leaves the temporary (or
    # worker's staging) directory, as not_the_bidders_own.
    signer = verify_detached(data, signature, opening.trust, job.received_at)
    identity = subject_credit_code(signer.certificate)
    check_bid_identity(parse_manifest(data), identity, job.identity)
    return signer


def _failed(bid_id: UUID, part: str, cause: Cause) -> StoredResult:
    return StoredResult(
        bid_id=bid_id,
        part=part,
        outcome=str(outcome_of(cause)),
        cause=str(cause),
        opened_by=None,
        fields={},
    )


async def _store(conn: asyncpg.Connection, lot: OpeningLot, result: StoredResult) -> None:
    # EBM 31: every failure records its cause and the party at fault.
    party = None if result.cause is None else str(fault_of(Cause(result.cause)))
    await opening_queries.insert_result(conn, result, party=party, at=lot.now)
    await queue_event(
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
            # Witnesses can check the stored key without seeing it (opened.py).
            "file_key_sha256": None if result.file_key is None else sha256_hex(result.file_key),
        },
    )
