"""All SQL of the transparency log and the security-events table."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime

import asyncpg

from audit.errors import WitnessExists

APPEND = "SELECT log_append($1::bytea[], $2::text[])"


async def append_entries(conn: asyncpg.Connection, entries: Sequence[tuple[bytes, str]]) -> int:
    """Append leaves and their subtree hashes (0002_log_append.sql); the first index."""
    first: int = await conn.fetchval(APPEND, [e for e, _ in entries], [k for _, k in entries])
    return first


# Queue entries for the sequencer (0092_log_sequencer.sql): a plain INSERT in the
# caller's transaction, in the given order, taking no shared lock.
QUEUE = """
INSERT INTO log_queue (entry, kind)
SELECT e, k FROM unnest($1::bytea[], $2::text[]) WITH ORDINALITY AS q(e, k, n) ORDER BY n
RETURNING id
"""


async def queue_entries(
    conn: asyncpg.Connection, entries: Sequence[tuple[bytes, str]]
) -> list[int]:
    """Queue leaves for integration; their queue ids, in order."""
    rows = await conn.fetch(QUEUE, [e for e, _ in entries], [k for _, k in entries])
    return sorted(r["id"] for r in rows)


INTEGRATE = "SELECT log_integrate($1)"


async def integrate(conn: asyncpg.Connection, batch: int) -> int:
    """Integrate up to ``batch`` queued entries (one transaction); the new log size."""
    size: int = await conn.fetchval(INTEGRATE, batch)
    return size


SELECT_INDEXES = "SELECT queued, idx FROM log_entries WHERE queued = ANY($1::bigint[])"


async def indexes_of(conn: asyncpg.Connection, queued: Sequence[int]) -> dict[int, int]:
    """The log index of each given queued entry integrated so far."""
    rows = await conn.fetch(SELECT_INDEXES, list(queued))
    return {r["queued"]: r["idx"] for r in rows}


SELECT_QUEUE_TAIL = "SELECT max(id) FROM log_queue"


async def queue_tail(conn: asyncpg.Connection) -> int | None:
    """The newest queued id not yet integrated (None when the queue is empty)."""
    tail: int | None = await conn.fetchval(SELECT_QUEUE_TAIL)
    return tail


SELECT_QUEUED_UP_TO = "SELECT EXISTS (SELECT FROM log_queue WHERE id <= $1)"


async def queued_up_to(conn: asyncpg.Connection, tail: int) -> bool:
    """Whether any entry queued with an id up to ``tail`` still waits for integration."""
    waiting: bool = await conn.fetchval(SELECT_QUEUED_UP_TO, tail)
    return waiting


SELECT_SIZE = "SELECT size FROM log_head"


async def log_size(conn: asyncpg.Connection) -> int:
    """The committed log size."""
    size: int = await conn.fetchval(SELECT_SIZE)
    return size


SELECT_NODES = """
SELECT n.level, n.idx, n.hash
FROM unnest($1::smallint[], $2::bigint[]) AS w(level, idx)
JOIN log_nodes n USING (level, idx)
"""


async def fetch_nodes(
    conn: asyncpg.Connection, wanted: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    """The stored hashes of the given subtrees, in one query."""
    wanted = list(wanted)
    if not wanted:
        return {}
    rows = await conn.fetch(SELECT_NODES, [w[0] for w in wanted], [w[1] for w in wanted])
    return {(r["level"], r["idx"]): bytes(r["hash"]) for r in rows}


SELECT_ENTRIES = "SELECT idx, entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx"


async def fetch_entries(conn: asyncpg.Connection, start: int, end: int) -> list[tuple[int, bytes]]:
    """Exact leaf bytes of ``[start, end)``."""
    rows = await conn.fetch(SELECT_ENTRIES, start, end)
    return [(r["idx"], bytes(r["entry"])) for r in rows]


SELECT_LATEST_CHECKPOINT = "SELECT size, root, note FROM log_checkpoints ORDER BY size DESC LIMIT 1"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: str


async def latest_checkpoint(conn: asyncpg.Connection) -> StoredCheckpoint | None:
    """The newest signed checkpoint, if any."""
    row = await conn.fetchrow(SELECT_LATEST_CHECKPOINT)
    if row is None:
        return None
    return StoredCheckpoint(size=row["size"], root=bytes(row["root"]), note=row["note"])


SELECT_CHECKPOINT = "SELECT size, root, note FROM log_checkpoints WHERE size = $1"


async def checkpoint_at(conn: asyncpg.Connection, size: int) -> StoredCheckpoint | None:
    """The signed checkpoint of exactly this size, if one was made."""
    row = await conn.fetchrow(SELECT_CHECKPOINT, size)
    if row is None:
        return None
    return StoredCheckpoint(size=row["size"], root=bytes(row["root"]), note=row["note"])


INSERT_CHECKPOINT = """
INSERT INTO log_checkpoints (size, root, note) VALUES ($1, $2, $3)
ON CONFLICT (size) DO NOTHING
"""


async def insert_checkpoint(conn: asyncpg.Connection, size: int, root: bytes, note: str) -> None:
    """Record a signed checkpoint (another process may have signed the same size)."""
    await conn.execute(INSERT_CHECKPOINT, size, root, note)


SELECT_LATEST_WITH_COSIGNATURES = """
SELECT c.size, c.note, coalesce(array_agg(w.line ORDER BY w.witness)
                                FILTER (WHERE w.line IS NOT NULL), '{}') AS lines
FROM (SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1) c
LEFT JOIN log_cosignatures w ON w.size = c.size
GROUP BY c.size, c.note
"""


SELECT_NOTE_WITH_COSIGNATURES = """
SELECT c.note, coalesce(array_agg(w.line ORDER BY w.witness)
                        FILTER (WHERE w.line IS NOT NULL), '{}') AS lines
FROM log_checkpoints c
LEFT JOIN log_cosignatures w ON w.size = c.size
WHERE c.size = $1
GROUP BY c.note
"""


async def checkpoint_with_cosignatures(
    conn: asyncpg.Connection, size: int
) -> tuple[str, list[str]] | None:
    """The checkpoint note of exactly this size and its witnesses' lines."""
    row = await conn.fetchrow(SELECT_NOTE_WITH_COSIGNATURES, size)
    if row is None:
        return None
    return row["note"], list(row["lines"])


async def latest_checkpoint_with_cosignatures(
    conn: asyncpg.Connection,
) -> tuple[str, list[str]] | None:
    """The newest checkpoint note and its witnesses' lines, in one round trip."""
    row = await conn.fetchrow(SELECT_LATEST_WITH_COSIGNATURES)
    if row is None:
        return None
    return row["note"], list(row["lines"])


# The application role writes cosignatures and security events only through these
# functions (migration 0056): it has no UPDATE or DELETE on those tables.
INSERT_COSIGNATURE = "SELECT log_store_cosignature($1, $2, $3)"


async def insert_cosignature(conn: asyncpg.Connection, size: int, witness: str, line: str) -> None:
    """Store (or refresh) one witness's cosignature of a checkpoint."""
    await conn.execute(INSERT_COSIGNATURE, size, witness, line)


SELECT_WITNESSES = "SELECT name, vkey FROM log_witnesses ORDER BY name"


async def witnesses(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """Every registered witness as (name, vkey)."""
    return [(r["name"], r["vkey"]) for r in await conn.fetch(SELECT_WITNESSES)]


INSERT_WITNESS = "INSERT INTO log_witnesses (name, vkey) VALUES ($1, $2)"


async def insert_witness(conn: asyncpg.Connection, name: str, vkey: str) -> None:
    """Register a witness key; a name or key registered already is ``log_witness_exists``."""
    try:
        await conn.execute(INSERT_WITNESS, name, vkey)
    except asyncpg.UniqueViolationError:
        raise WitnessExists(f"the witness {name!r} (or this key) is registered already") from None


COUNT_SECURITY_EVENT = "SELECT security_event_count($1, $2, $3)"


async def count_security_event(
    conn: asyncpg.Connection, kind: str, address: str, subject: str
) -> int:
    """Count one refusal in this minute's bucket; returns the bucket's count."""
    count: int = await conn.fetchval(COUNT_SECURITY_EVENT, kind, address, subject)
    return count


SUM_RECENT_SECURITY_EVENTS = """
SELECT coalesce(sum(count), 0) FROM security_events
WHERE kind = $1 AND address = $2 AND bucket >= clock_timestamp() - make_interval(secs => $3)
"""


async def recent_security_events(
    conn: asyncpg.Connection, kind: str, address: str, seconds: float
) -> int:
    """How many refusals of a kind came from an address in the last ``seconds``."""
    total: int = await conn.fetchval(SUM_RECENT_SECURITY_EVENTS, kind, address, seconds)
    return total


CLAIM_SECURITY_EVENTS = "SELECT bucket, kind, address, subject, count FROM security_events_claim()"


async def claim_security_events(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Mark every closed, unsummarised bucket summarised and return them."""
    return list(await conn.fetch(CLAIM_SECURITY_EVENTS))


SELECT_DB_NOW = "SELECT clock_timestamp()"


async def database_now(conn: asyncpg.Connection) -> datetime:
    """The database clock, which decides every deadline (DESIGN.md, "Time")."""
    now: datetime = await conn.fetchval(SELECT_DB_NOW)
    return now


# Only one process signs checkpoints at a time; the others skip that round. The
# sequencer's leader (audit/leader.py) holds LEADER_LOCK_KEY for its connection's life.
CHECKPOINT_LOCK_KEY = 0x6C_6F_67_63_6B_70
TRY_CHECKPOINT_LOCK = "SELECT pg_try_advisory_xact_lock($1)"


async def try_checkpoint_lock(conn: asyncpg.Connection) -> bool:
    """Take the checkpoint signer's lock for this transaction, if free."""
    taken: bool = await conn.fetchval(TRY_CHECKPOINT_LOCK, CHECKPOINT_LOCK_KEY)
    return taken


LEADER_LOCK_KEY = 0x6C_6F_67_6C_64_72
TRY_LEADER_LOCK = "SELECT pg_try_advisory_lock($1)"


async def try_leader_lock(conn: asyncpg.Connection) -> bool:
    """Take the sequencer leader's session lock, if free (released when ``conn`` dies)."""
    taken: bool = await conn.fetchval(TRY_LEADER_LOCK, LEADER_LOCK_KEY)
    return taken


LEADER_UNLOCK = "SELECT pg_advisory_unlock($1)"


async def leader_unlock(conn: asyncpg.Connection) -> None:
    """Give the leader's lock back (a stand-in's single round, audit.service.lead_once)."""
    await conn.execute(LEADER_UNLOCK, LEADER_LOCK_KEY)
