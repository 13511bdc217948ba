"""Use cases of the transparency log: append, checkpoint, prove, cosign, count refusals.

``append`` and ``queue`` run inside the caller's transaction, so a change and its log
entry commit together or not at all (DESIGN.md, "Architecture"). ``append`` gives the
entry its index at once and so is serialised by the row lock on ``log_head`` until the
caller commits: callers append last, just before they commit. ``queue`` takes no shared
lock: the sequencer's leader (audit/leader.py) gives queued entries their indexes when
it integrates them, a moment after the commit; ``wait_integrated`` waits for that by
notification (docs/audit-log.md, "Sequencer").
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import asyncpg

from audit import queries
from audit.errors import CheckpointMissing, LogNotIntegrated, WitnessUnknown
from signing.log import merkle
from signing.log.checkpoint import (
    Checkpoint,
    CosignatureVerifier,
    open_checkpoint,
    sign_checkpoint,
    verify_cosignature,
)
from signing.log.entry import Actor, EntryKind, LogEntry, format_time
from signing.log.errors import ProofRangeInvalid
from signing.log.note import Ed25519Signer, Note, NoteSignature, parse_note, parse_signature_line

log = logging.getLogger(__name__)

# The platform itself, for entries no user caused (summaries, freezes at deadlines).
PLATFORM = Actor(user_id=None, role="platform")


class Appendable(Protocol):
    """What the log stores: a kind and exact canonical bytes."""

    @property
    def kind(self) -> str: ...

    def to_bytes(self) -> bytes: ...


async def append(conn: asyncpg.Connection, entry: Appendable) -> int:
    """Append one entry inside the caller's transaction; returns its index."""
    return (await append_many(conn, [entry]))[0]


async def append_many(conn: asyncpg.Connection, entries: Sequence[Appendable]) -> list[int]:
    """Append several entries in order inside the caller's transaction."""
    if not conn.is_in_transaction():
        raise RuntimeError("audit.append must run inside the caller's transaction")
    first = await queries.append_entries(conn, [(e.to_bytes(), str(e.kind)) for e in entries])
    return list(range(first, first + len(entries)))


async def queue(conn: asyncpg.Connection, entry: Appendable) -> int:
    """Queue one entry inside the caller's transaction; returns its queue id (not an index)."""
    return (await queue_many(conn, [entry]))[0]


async def queue_many(conn: asyncpg.Connection, entries: Sequence[Appendable]) -> list[int]:
    """Queue several entries in order inside the caller's transaction; their queue ids."""
    if not conn.is_in_transaction():
        raise RuntimeError("audit.queue must run inside the caller's transaction")
    return await queries.queue_entries(conn, [(e.to_bytes(), str(e.kind)) for e in entries])


# The leader integrates when woken on WAKE_CHANNEL (or every checkpoint interval) and
# notifies INTEGRATED_CHANNEL when a batch commits (0092_log_sequencer.sql).
WAKE_CHANNEL = "etender_log_queued"
INTEGRATED_CHANNEL = "etender_log_integrated"


async def wait_integrated(
    conn: asyncpg.Connection,
    queued: Sequence[int] = (),
    *,
    within: float,
    covered: bool = False,
    stand_in: LogIdentity | None = None,
) -> dict[int, int]:
    """Wait until the given queued entries (none given: every entry queued so far) are
    integrated — and, if ``covered``, a signed checkpoint covers them (the leader signs
    one at once when a waiter woke it); returns their log indexes.
    ``log_not_integrated`` after ``within`` s.

    Waits by LISTEN/NOTIFY, never by polling: the listener is registered before the
    first look, so a batch committing in between still wakes us. PostgreSQL delivers
    notifications only between transactions: a ``conn`` inside one integrates the
    entries itself instead (``_integrate_here``). With
    ``stand_in`` (the log's identity), when no node leads at the moment — none started
    yet, or the last one's connection just died — this session takes the leader's lock
    for one round and integrates itself (``lead_once``): still one integrator at a time.
    """
    if conn.is_in_transaction():
        return await _integrate_here(conn, queued, covered=covered, identity=stand_in)
    woken = asyncio.Event()

    def on_integrated(*_: object) -> None:
        woken.set()

    await conn.add_listener(INTEGRATED_CHANNEL, on_integrated)
    try:
        async with asyncio.timeout(within):
            tail = max(queued) if queued else await queries.queue_tail(conn)
            if tail is None:
                return {}
            if stand_in is None or not await lead_once(conn, stand_in):
                await conn.execute("SELECT pg_notify($1, '')", WAKE_CHANNEL)
            while True:
                woken.clear()
                if queued:
                    found = await queries.indexes_of(conn, queued)
                    if len(found) == len(set(queued)) and (
                        not covered or await _covered(conn, max(found.values()))
                    ):
                        return found
                elif not await queries.queued_up_to(conn, tail):
                    return {}
                await woken.wait()
    except TimeoutError:
        raise LogNotIntegrated(
            f"the log's leader did not integrate the queued entries within {within:g} s"
        ) from None
    finally:
        await conn.remove_listener(INTEGRATED_CHANNEL, on_integrated)


async def _integrate_here(
    conn: asyncpg.Connection,
    queued: Sequence[int],
    *,
    covered: bool,
    identity: LogIdentity | None,
) -> dict[int, int]:
    """A caller inside a transaction of its own (the demo loader, a script that records
    several steps at once): no notification reaches it before it commits, and the
    leader cannot see its entries, so it integrates them itself under the head lock —
    as the freeze does — and they commit or roll back with the rest of its work."""
    await integrate(conn)
    found = await queries.indexes_of(conn, queued) if queued else {}
    if len(found) < len(set(queued)):
        raise LogNotIntegrated("the queued entries are not in the log")
    if covered and found:
        if identity is None:
            raise LogNotIntegrated("no checkpoint covers the entries yet")
        latest = await queries.latest_checkpoint(conn)
        if latest is None or latest.size <= max(found.values()):
            await sign_new_checkpoint(conn, identity)
    return found


async def lead_once(conn: asyncpg.Connection, identity: LogIdentity) -> bool:
    """One leader's round — integrate, sign a checkpoint if the log grew — if no node
    leads now; whether it ran. The session lock is released at once after."""
    if not await queries.try_leader_lock(conn):
        return False
    try:
        size = await integrate(conn)
        latest = await queries.latest_checkpoint(conn)
        if latest is None or latest.size < size:
            async with conn.transaction():
                await sign_new_checkpoint(conn, identity)
        return True
    finally:
        await queries.leader_unlock(conn)


async def _covered(conn: asyncpg.Connection, index: int) -> bool:
    latest = await queries.latest_checkpoint(conn)
    return latest is not None and latest.size > index


async def integrate(conn: asyncpg.Connection, *, batch: int = 1000) -> int:
    """Integrate queued entries, ``batch`` per transaction, until none is left; the size.

    The leader's work (audit/leader.py); safe anywhere, since the head lock serialises
    integrators, but one node at a time should do it.
    """
    while True:
        before = await queries.log_size(conn)
        size = await queries.integrate(conn, batch)
        if size - before < batch:
            return size


async def indexes_of(conn: asyncpg.Connection, queued: Sequence[int]) -> dict[int, int]:
    """The log indexes of the given queued entries integrated so far."""
    return await queries.indexes_of(conn, queued)


async def record_security_event(
    conn: asyncpg.Connection, *, kind: str, address: str, subject: str = ""
) -> int:
    """Count a refusal (failed login, denied permission); returns this minute's count.

    Run it outside the refused operation's transaction (which rolls back): the count
    must survive the refusal.
    """
    count = await queries.count_security_event(conn, kind, address[:64], subject[:200])
    log.info("security.refused", extra={"kind": kind, "address": address, "count": count})
    return count


async def recent_security_events(
    conn: asyncpg.Connection, *, kind: str, address: str, seconds: float
) -> int:
    """How many refusals of a kind an address caused recently (rate limiting)."""
    return await queries.recent_security_events(conn, kind, address[:64], seconds)


async def summarise_security_events(conn: asyncpg.Connection) -> int | None:
    """Fold every closed minute of refusals into one ``security.events_summary`` entry.

    Runs inside the caller's transaction: the buckets are marked summarised and the
    entry queued together (§2.2: nothing reads its index). Its queue id, or None.
    """
    rows = await queries.claim_security_events(conn)
    if not rows:
        return None
    by_kind: dict[str, int] = {}
    by_address: dict[str, int] = {}
    for row in rows:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["count"]
        by_address[row["address"]] = by_address.get(row["address"], 0) + row["count"]
    top = sorted(by_address.items(), key=lambda item: (-item[1], item[0]))[:20]
    entry = LogEntry(
        kind=EntryKind.SECURITY_EVENTS_SUMMARY,
        time=await queries.database_now(conn),
        actor=PLATFORM,
        data={
            "from": format_time(min(r["bucket"] for r in rows)),
            "until": format_time(max(r["bucket"] for r in rows)),
            "counts": by_kind,
            "top_addresses": [{"address": a, "count": c} for a, c in top],
        },
    )
    return await queue(conn, entry)


# --- roots and proofs ---------------------------------------------------------------


async def root_at(conn: asyncpg.Connection, size: int) -> bytes:
    """The Merkle root of the first ``size`` entries."""
    plan = merkle.root_plan(size)
    return merkle.root_from(plan, await queries.fetch_nodes(conn, plan))


async def _checked_size(conn: asyncpg.Connection, size: int) -> None:
    current = await queries.log_size(conn)
    if size > current:
        raise ProofRangeInvalid(f"tree size {size} is beyond the log's size {current}")


async def inclusion_proof(conn: asyncpg.Connection, index: int, size: int) -> list[bytes]:
    """RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size``."""
    await _checked_size(conn, size)
    plan = merkle.inclusion_proof_plan(index, size)
    return merkle.assemble_proof(plan, await queries.fetch_nodes(conn, plan.subtrees()))


async def consistency_proof(conn: asyncpg.Connection, first: int, second: int) -> list[bytes]:
    """RFC 9162 consistency proof between two tree sizes."""
    await _checked_size(conn, second)
    plan = merkle.consistency_proof_plan(first, second)
    return merkle.assemble_proof(plan, await queries.fetch_nodes(conn, plan.subtrees()))


async def entries(conn: asyncpg.Connection, start: int, end: int) -> list[tuple[int, bytes]]:
    """Exact leaf bytes of ``[start, end)``, at most 1000 at a time."""
    size = await queries.log_size(conn)
    if not 0 <= start < end <= size or end - start > 1000:
        raise ProofRangeInvalid(
            f"entries must satisfy 0 ≤ start < end ≤ {size} and end − start ≤ 1000"
        )
    return await queries.fetch_entries(conn, start, end)


# --- checkpoints and witnesses ------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LogIdentity:
    """The platform's log origin and its Ed25519 checkpoint signer."""

    origin: str
    signer: Ed25519Signer


async def try_checkpoint_lock(conn: asyncpg.Connection) -> bool:
    """Whether this transaction may sign checkpoints now (one signer at a time)."""
    return await queries.try_checkpoint_lock(conn)


async def sign_new_checkpoint(conn: asyncpg.Connection, identity: LogIdentity) -> int | None:
    """Sign a checkpoint for the current size if the newest one is older; returns its size."""
    size = await queries.log_size(conn)
    latest = await queries.latest_checkpoint(conn)
    if latest is not None and latest.size >= size:
        return None
    root = await root_at(conn, size)
    checkpoint = Checkpoint(origin=identity.origin, size=size, root_hash=root)
    note = sign_checkpoint(checkpoint, identity.signer)
    await queries.insert_checkpoint(conn, size, root, note.to_text())
    log.info("log.checkpoint_signed", extra={"size": size})
    return size


async def current_checkpoint(conn: asyncpg.Connection) -> str:
    """The newest checkpoint note with every cosignature it has gathered."""
    found = await queries.latest_checkpoint_with_cosignatures(conn)
    if found is None:
        raise CheckpointMissing("no checkpoint has been signed yet")
    return with_cosignatures(*found)


async def checkpoint_note(conn: asyncpg.Connection, size: int) -> str:
    """The checkpoint note of exactly ``size`` with every cosignature it has gathered.

    A receipt's proof and its note must name one tree: reading "the newest" note after
    computing a proof for a size read earlier races the leader, which may sign a newer
    checkpoint in between (a proof for size n under a note of size n + k verifies against
    nothing)."""
    found = await queries.checkpoint_with_cosignatures(conn, size)
    if found is None:
        raise CheckpointMissing(f"no checkpoint of size {size} was signed")
    return with_cosignatures(*found)


def with_cosignatures(note_text: str, lines: Sequence[str]) -> str:
    """A signed checkpoint note with its witnesses' lines after the log's signature."""
    note = parse_note(note_text)
    extra = [parse_signature_line(line) for line in lines]
    return Note(text=note.text, signatures=(*note.signatures, *extra)).to_text()


async def add_witness(
    conn: asyncpg.Connection, vkey: str, *, actor: Actor = PLATFORM, address: str | None = None
) -> str:
    """Register a witness's cosignature verifier key, inside the caller's transaction;
    ``actor`` who did it, from ``address`` (the console acts as the platform); returns
    the witness's name."""
    verifier = CosignatureVerifier.from_vkey(vkey)
    await queries.insert_witness(conn, verifier.name, vkey)
    entry = LogEntry(
        kind="log.witness_added",
        time=await queries.database_now(conn),
        actor=actor,
        address=address,
        data={"witness": verifier.name, "vkey": vkey},
    )
    await append(conn, entry)
    return verifier.name


async def registered_witnesses(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """Every registered witness as (name, vkey), by name."""
    return await queries.witnesses(conn)


async def accept_cosignature(
    conn: asyncpg.Connection,
    *,
    size: int,
    line: str,
    log_identity: LogIdentity,
    now: datetime | None = None,
) -> str:
    """Verify a witness's cosignature of our checkpoint of ``size`` and store it.

    "Dated in the future" is judged by ``now``, the database's clock unless given: a
    node whose own clock ran minutes behind refused fresh cosignatures (docs/faults.md).
    """
    now = now or await queries.database_now(conn)
    stored = await queries.checkpoint_at(conn, size)
    if stored is None:
        raise CheckpointMissing(f"no checkpoint of size {size} was signed")
    checkpoint, _ = open_checkpoint(stored.note, log_identity.signer.verifier())
    signature: NoteSignature = parse_signature_line(line)
    for name, vkey in await queries.witnesses(conn):
        verifier = CosignatureVerifier.from_vkey(vkey)
        if verifier.name == signature.name and verifier.key_id == signature.key_id:
            # A cosignature dated in the future is refused (tlog-cosignature).
            verify_cosignature(checkpoint, signature, verifier, not_after=now)
            await queries.insert_cosignature(conn, size, name, line)
            log.info("log.cosigned", extra={"size": size, "witness": name})
            return name
    raise WitnessUnknown(f"no registered witness signs as {signature.name!r}")
