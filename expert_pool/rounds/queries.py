"""SQL of a draw's rounds: entropy contributions, round salts, the checkpoint fixing the commit.

Every change runs under the draw's row lock (expert_pool.draws.queries.draw(lock=True)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from expert_pool.draws.model import EntropyRecord
from signing.draw.errors import DrawEntropyReused
from signing.draw.rules import ContributorRole

# --- entropy and rounds ------------------------------------------------------------------

INSERT_ENTROPY = """
INSERT INTO draw_entropy (draw_id, round, role, entropy, contributor, log_index,
                          statement_signature)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_entropy(
    conn: asyncpg.Connection,
    draw_id: str,
    record: EntropyRecord,
    signature: bytes | None = None,
) -> None:
    """Store a contribution; a value used before in this draw raises DrawEntropyReused."""
    try:
        await conn.execute(
            INSERT_ENTROPY,
            draw_id,
            record.round,
            str(record.role),
            record.entropy,
            record.contributor,
            record.log_index,
            signature,
        )
    except asyncpg.UniqueViolationError:
        raise DrawEntropyReused("this entropy value was already used in this draw") from None


SELECT_ENTROPY = """
SELECT round, role, entropy, contributor, log_index FROM draw_entropy WHERE draw_id = $1
ORDER BY id
"""


async def entropy(conn: asyncpg.Connection, draw_id: str) -> list[EntropyRecord]:
    """Every contribution in arrival order (the order round 0 uses them)."""
    return [
        EntropyRecord(
            round=r["round"],
            role=ContributorRole(r["role"]),
            entropy=r["entropy"],
            contributor=r["contributor"],
            log_index=r["log_index"],
        )
        for r in await conn.fetch(SELECT_ENTROPY, draw_id)
    ]


INSERT_ROUND = "INSERT INTO draw_rounds (draw_id, r, salt, log_index) VALUES ($1, $2, $3, $4)"
SELECT_ROUND_SALTS = "SELECT r, salt FROM draw_rounds WHERE draw_id = $1 ORDER BY r"


async def insert_round(
    conn: asyncpg.Connection, draw_id: str, r: int, salt: bytes, log_index: int
) -> None:
    """Keep the salt that opens a round's picks commitment."""
    await conn.execute(INSERT_ROUND, draw_id, r, salt, log_index)


async def round_salts(conn: asyncpg.Connection, draw_id: str) -> dict[int, bytes]:
    """Round → salt, for the reveal after the award."""
    return {r["r"]: r["salt"] for r in await conn.fetch(SELECT_ROUND_SALTS, draw_id)}


# --- the own seed of a release round (docs/formats/draw.md §4.2) ----------------------------

INSERT_ROUND_SEED = """
INSERT INTO draw_round_seeds (draw_id, r, round_seed, seed_commitment, log_index)
VALUES ($1, $2, $3, $4, $5)
"""
SELECT_ROUND_SEEDS = """
SELECT r, round_seed, log_index FROM draw_round_seeds WHERE draw_id = $1 ORDER BY r
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class RoundSeed:
    """A release round's secret seed and where its commitment was logged."""

    r: int
    seed: bytes
    log_index: int


async def insert_round_seed(
    conn: asyncpg.Connection, draw_id: str, r: int, seed: bytes, commitment: str, index: int
) -> None:
    """Keep the secret seed of release round r (its commitment is logged at ``index``)."""
    await conn.execute(INSERT_ROUND_SEED, draw_id, r, seed, commitment, index)


async def round_seeds(conn: asyncpg.Connection, draw_id: str) -> dict[int, RoundSeed]:
    """Round → its own seed, for the draw step and for the reveal."""
    return {
        row["r"]: RoundSeed(r=row["r"], seed=bytes(row["round_seed"]), log_index=row["log_index"])
        for row in await conn.fetch(SELECT_ROUND_SEEDS, draw_id)
    }


# --- the checkpoint that fixes the commit (issue 9, item 2) ---------------------------------

# The newest signed checkpoint that covers log index $1 and carries a cosignature of
# every witness named in $3; with $2, exactly the checkpoint of that size.
COVERING_CHECKPOINT = """
SELECT c.size, c.root, c.note,
       coalesce(array_agg(w.line ORDER BY w.witness)
                FILTER (WHERE w.line IS NOT NULL), '{}') AS lines
FROM log_checkpoints c
LEFT JOIN log_cosignatures w ON w.size = c.size
WHERE c.size > $1 AND ($2::bigint IS NULL OR c.size = $2)
GROUP BY c.size, c.root, c.note
HAVING coalesce(array_agg(w.witness) FILTER (WHERE w.witness IS NOT NULL), '{}')
       @> $3::text[]
ORDER BY c.size DESC
LIMIT 1
"""


async def covering_checkpoint(
    conn: asyncpg.Connection,
    index: int,
    witnesses: Sequence[str],
    size: int | None = None,
) -> tuple[int, bytes, str, list[str]] | None:
    """(size, root, note, cosignature lines) of the checkpoint fixing entry ``index``."""
    row = await conn.fetchrow(COVERING_CHECKPOINT, index, size, list(witnesses))
    if row is None:
        return None
    return row["size"], bytes(row["root"]), row["note"], list(row["lines"])
