"""Use cases of the audit administrator's log browser (issue 15, item 3): search the
log, read one entry, list the checkpoints with their cosignatures verified, list the
witnesses. Read only: nothing here writes (docs/audit-log.md §8).

Verification here is the platform checking its own store with the keys it holds (the
log's key, the registered witness keys); the entry page verifies the inclusion proof
and the signatures again in the visitor's browser (web/static/js/auditlog.js).
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import datetime

import asyncpg

from audit import browse_queries, queries, service
from audit.browse import PAGE_SIZE, SCAN_WINDOW, DecodedEntry, LogFilter, decode
from signing.errors import EtenderError
from signing.log.checkpoint import (
    Checkpoint,
    CosignatureVerifier,
    cosignature_time,
    open_checkpoint,
    verify_cosignature,
)
from signing.log.errors import ProofRangeInvalid
from signing.log.note import NoteVerifier, parse_signature_line

CHUNK = 250


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SearchPage:
    """One page of a search, newest first.

    ``scanned_from`` is the lowest index looked at; ``older`` the position to continue
    from (None when the search reached entry 0).
    """

    size: int
    entries: list[DecodedEntry]
    scanned_from: int
    older: int | None


async def search(conn: asyncpg.Connection, wanted: LogFilter, before: int | None) -> SearchPage:
    """Up to PAGE_SIZE matching entries below ``before`` (default: the log's size),
    looking at no more than SCAN_WINDOW entries."""
    size = await queries.log_size(conn)
    position = size if before is None else min(before, size)
    found: list[DecodedEntry] = []
    scanned = 0
    while position > 0 and scanned < SCAN_WINDOW and len(found) < PAGE_SIZE:
        rows = await browse_queries.scan_entries(
            conn, position, wanted.kind, min(CHUNK, SCAN_WINDOW - scanned)
        )
        if not rows:
            position = 0
            break
        for index, raw in rows:
            scanned += 1
            position = index
            leaf = decode(index, raw)
            if wanted.matches(leaf):
                found.append(leaf)
                if len(found) == PAGE_SIZE:
                    break
    return SearchPage(
        size=size, entries=found, scanned_from=position, older=position if position > 0 else None
    )


async def entry(conn: asyncpg.Connection, index: int) -> DecodedEntry:
    """One leaf by index; beyond the log is ``log_proof_range_invalid``."""
    rows = await queries.fetch_entries(conn, index, index + 1)
    if not rows:
        raise ProofRangeInvalid(f"the log holds no entry {index}")
    return decode(*rows[0])


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ProofTarget:
    """The checkpoint an entry page verifies against: its size, its note with every
    cosignature (verified again in the browser), and the newest size for a link."""

    size: int
    note: str
    newest: int


async def proof_target(
    conn: asyncpg.Connection, index: int, wanted: int | None
) -> ProofTarget | None:
    """The checkpoint of size ``wanted``, or by default the newest witnessed one that
    covers ``index`` (else the newest); None when no checkpoint is signed yet.
    A ``wanted`` size never signed is ``log_checkpoint_not_found``."""
    newest = await queries.latest_checkpoint(conn)
    if newest is None:
        return None
    size = wanted
    if size is None:
        size = await browse_queries.proof_checkpoint(conn, index) or newest.size
    note = await service.checkpoint_note(conn, size)
    return ProofTarget(size=size, note=note, newest=newest.size)


async def kinds(conn: asyncpg.Connection) -> list[str]:
    """Every kind the log holds (the search's choices)."""
    return await browse_queries.kinds(conn)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CosignatureView:
    """One witness's cosignature of a checkpoint, verified with its registered key."""

    witness: str
    signed: datetime | None  # the time the cosignature claims
    received: datetime
    verified: bool
    problem: str | None  # the error code of what failed


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CheckpointView:
    """A signed checkpoint: size, root, the log's signature verified, its cosignatures."""

    size: int
    root_b64: str
    signed_at: datetime
    note: str
    log_verified: bool
    problem: str | None  # an error code, or "row_mismatch" (store damage)
    cosignatures: list[CosignatureView]


async def checkpoints(
    conn: asyncpg.Connection, log_verifier: NoteVerifier, below: int | None
) -> list[CheckpointView]:
    """PAGE_SIZE checkpoints smaller than ``below``, newest first, each verified."""
    witnesses = {name: vkey for name, vkey in await queries.witnesses(conn)}
    rows = await browse_queries.checkpoints(conn, below if below is not None else 2**63 - 1,
                                            PAGE_SIZE)  # fmt: skip
    return [_checkpoint_view(row, log_verifier, witnesses) for row in rows]


def _checkpoint_view(
    row: asyncpg.Record, log_verifier: NoteVerifier, witnesses: dict[str, str]
) -> CheckpointView:
    try:
        checkpoint, _ = open_checkpoint(row["note"], log_verifier)
    except EtenderError as error:
        return CheckpointView(
            size=row["size"], root_b64=base64.b64encode(bytes(row["root"])).decode(),
            signed_at=row["signed_at"], note=row["note"], log_verified=False,
            problem=error.code, cosignatures=[],
        )  # fmt: skip
    problem = None
    if checkpoint.size != row["size"] or checkpoint.root_hash != bytes(row["root"]):
        problem = "row_mismatch"  # the signed note's size or root is not the stored row's
    views = []
    for name, line, received in zip(row["witnesses"], row["lines"], row["received"], strict=True):
        # A cosignature's witness is always registered (a foreign key; witnesses are
        # never deleted, migration 0056).
        views.append(_cosignature_view(checkpoint, name, line, received, witnesses[name]))
    return CheckpointView(
        size=row["size"], root_b64=base64.b64encode(bytes(row["root"])).decode(),
        signed_at=row["signed_at"], note=row["note"], log_verified=problem is None,
        problem=problem, cosignatures=views,
    )  # fmt: skip


def _cosignature_view(
    checkpoint: Checkpoint, name: str, line: str, received: datetime, vkey: str
) -> CosignatureView:
    signed: datetime | None = None
    try:
        signed = cosignature_time(parse_signature_line(line))
        verify_cosignature(checkpoint, line, CosignatureVerifier.from_vkey(vkey))
    except EtenderError as error:
        return CosignatureView(witness=name, signed=signed, received=received, verified=False,
                               problem=error.code)  # fmt: skip
    return CosignatureView(witness=name, signed=signed, received=received, verified=True,
                           problem=None)  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class WitnessView:
    """A registered witness: its name, key, and what it cosigned."""

    name: str
    vkey: str
    key_id: str
    added_at: datetime
    cosigned: int
    last_size: int | None
    last_received: datetime | None


async def newest_checkpoint_size(conn: asyncpg.Connection) -> int | None:
    """The size of the newest signed checkpoint (a witness behind it is lagging)."""
    latest = await queries.latest_checkpoint(conn)
    return None if latest is None else latest.size


async def witnesses(conn: asyncpg.Connection) -> list[WitnessView]:
    """Every registered witness, by name."""
    return [
        WitnessView(
            name=r["name"], vkey=r["vkey"],
            key_id=CosignatureVerifier.from_vkey(r["vkey"]).key_id.hex(),
            added_at=r["added_at"], cosigned=r["cosigned"], last_size=r["last_size"],
            last_received=r["last_received"],
        )
        for r in await browse_queries.witness_rows(conn)
    ]  # fmt: skip
