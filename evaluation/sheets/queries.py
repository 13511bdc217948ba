"""All SQL of evaluation sheets, deviations, explanations and factual errors (0058).

Rows are read for a session and phase and filtered on each seat's current generation
by the service: a replaced or absent member's findings are void everywhere.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from uuid import UUID

import asyncpg

from evaluation.sheets.errors import SheetAlreadyExplained, SheetErrorAlreadyRecorded


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class SheetRow:
    """One version of one member's sheet of one phase, as stored."""

    session_id: UUID
    phase: str
    seat: int
    generation: int
    version: int
    kind: str  # sealed | revision
    commitment: bytes
    nonce: bytes | None
    ciphertext: bytes | None
    signature: bytes
    signer_cert_sha256: str
    submitted_at: datetime
    revealed_key: bytes | None
    plaintext: bytes | None
    revealed_at: datetime | None
    void: bool
    reasons: list[dict[str, str]] | None

    @property
    def revealed(self) -> bool:
        """Its bytes are known (a revealed sealed sheet, or a revision)."""
        return self.plaintext is not None


def _sheet(row: asyncpg.Record) -> SheetRow:
    return SheetRow(
        session_id=row["session_id"],
        phase=row["phase"],
        seat=row["seat"],
        generation=row["generation"],
        version=row["version"],
        kind=row["kind"],
        commitment=bytes(row["commitment"]),
        nonce=_bytes(row["nonce"]),
        ciphertext=_bytes(row["ciphertext"]),
        signature=bytes(row["signature"]),
        signer_cert_sha256=row["signer_cert_sha256"],
        submitted_at=row["submitted_at"],
        revealed_key=_bytes(row["revealed_key"]),
        plaintext=_bytes(row["plaintext"]),
        revealed_at=row["revealed_at"],
        void=row["void"],
        reasons=None if row["reasons"] is None else json.loads(row["reasons"]),
    )


def _bytes(value: bytes | None) -> bytes | None:
    return None if value is None else bytes(value)


SELECT_SHEETS = """
SELECT session_id, phase, seat, generation, version, kind, commitment, nonce,
ciphertext, signature, signer_cert_sha256, submitted_at, revealed_key, plaintext,
revealed_at, void, reasons::text AS reasons
FROM evaluation_sheets
WHERE session_id = $1 AND phase = $2 AND NOT void
ORDER BY seat, generation, version
"""


async def sheets(conn: asyncpg.Connection, session_id: UUID, phase: str) -> list[SheetRow]:
    """Every non-void version of every member's sheet of the phase, by seat and version."""
    return [_sheet(r) for r in await conn.fetch(SELECT_SHEETS, session_id, phase)]


SELECT_MEMBER_SHEETS = """
SELECT session_id, phase, seat, generation, version, kind, commitment, nonce,
ciphertext, signature, signer_cert_sha256, submitted_at, revealed_key, plaintext,
revealed_at, void, reasons::text AS reasons
FROM evaluation_sheets
WHERE session_id = $1 AND phase = $2 AND seat = $3 AND generation = $4 AND NOT void
ORDER BY version
"""


async def member_sheets(
    conn: asyncpg.Connection, session_id: UUID, phase: str, seat: int, generation: int
) -> list[SheetRow]:
    """One member's versions of the phase, oldest first."""
    rows = await conn.fetch(SELECT_MEMBER_SHEETS, session_id, phase, seat, generation)
    return [_sheet(r) for r in rows]


INSERT_SEALED = """
INSERT INTO evaluation_sheets (session_id, phase, seat, generation, version, kind,
    commitment, nonce, ciphertext, signature, signer_cert_sha256, submitted_at)
VALUES ($1, $2, $3, $4, $5, 'sealed', $6, $7, $8, $9, $10, $11)
"""


async def insert_sealed(conn: asyncpg.Connection, row: SheetRow) -> None:
    """Store a sealed sheet (no plaintext, no key: blind until the reveal)."""
    await conn.execute(
        INSERT_SEALED, row.session_id, row.phase, row.seat, row.generation, row.version,
        row.commitment, row.nonce, row.ciphertext, row.signature, row.signer_cert_sha256,
        row.submitted_at,
    )  # fmt: skip


INSERT_REVISION = """
INSERT INTO evaluation_sheets (session_id, phase, seat, generation, version, kind,
    commitment, signature, signer_cert_sha256, submitted_at, plaintext, revealed_at, reasons)
VALUES ($1, $2, $3, $4, $5, 'revision', $6, $7, $8, $9, $10, $9, $11::jsonb)
"""


async def insert_revision(conn: asyncpg.Connection, row: SheetRow) -> None:
    """Store a revision: a new version in the clear, with its reasons."""
    await conn.execute(
        INSERT_REVISION, row.session_id, row.phase, row.seat, row.generation, row.version,
        row.commitment, row.signature, row.signer_cert_sha256, row.submitted_at,
        row.plaintext, json.dumps(row.reasons, ensure_ascii=False),
    )  # fmt: skip


REVEAL = """
UPDATE evaluation_sheets SET revealed_key = $6, plaintext = $7, revealed_at = $8
WHERE session_id = $1 AND phase = $2 AND seat = $3 AND generation = $4 AND version = $5
  AND kind = 'sealed' AND revealed_at IS NULL AND NOT void
"""


async def reveal(
    conn: asyncpg.Connection, row: SheetRow, key: bytes, plaintext: bytes, at: datetime
) -> None:
    """Store the released key and the checked sheet bytes (the database re-checks the hash)."""
    await conn.execute(
        REVEAL, row.session_id, row.phase, row.seat, row.generation, row.version,
        key, plaintext, at,
    )  # fmt: skip


VOID = """
UPDATE evaluation_sheets SET void = true
WHERE session_id = $1 AND seat = $2 AND generation = $3 AND NOT void
"""


async def void_member(
    conn: asyncpg.Connection, session_id: UUID, seat: int, generation: int
) -> None:
    """Void every sheet of a seat's holder (absent or replaced: DOMAIN.md, "Evaluation")."""
    await conn.execute(VOID, session_id, seat, generation)


# --- deviations, explanations, factual errors ---


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ItemNote:
    """A flagged item, an explanation or a factual error of one member's entry."""

    phase: str
    seat: int
    generation: int
    bid: UUID
    item: str
    at: datetime
    text: str | None = None  # an explanation's or error's words
    recorded_by_seat: int | None = None  # a factual error: the chair's seat
    resolved_version: int | None = None  # a factual error: the revision that resolved it


INSERT_DEVIATION = """
INSERT INTO evaluation_deviations (session_id, phase, seat, generation, bid, item, flagged_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_deviations(
    conn: asyncpg.Connection, session_id: UUID, notes: list[ItemNote]
) -> None:
    """Record the items the deviation review flagged."""
    await conn.executemany(
        INSERT_DEVIATION,
        [(session_id, n.phase, n.seat, n.generation, n.bid, n.item, n.at) for n in notes],
    )


SELECT_DEVIATIONS = """
SELECT phase, seat, generation, bid, item, flagged_at AS at FROM evaluation_deviations
WHERE session_id = $1 AND phase = $2 ORDER BY seat, bid, item
"""


async def deviations(conn: asyncpg.Connection, session_id: UUID, phase: str) -> list[ItemNote]:
    """The flagged items of a phase."""
    return [ItemNote(**r) for r in await conn.fetch(SELECT_DEVIATIONS, session_id, phase)]


INSERT_EXPLANATION = """
INSERT INTO evaluation_explanations (session_id, phase, seat, generation, bid, item, text,
    explained_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""


async def insert_explanation(conn: asyncpg.Connection, session_id: UUID, note: ItemNote) -> None:
    """Store a member's explanation of a flagged item (once)."""
    try:
        async with conn.transaction():
            await conn.execute(
                INSERT_EXPLANATION, session_id, note.phase, note.seat, note.generation,
                note.bid, note.item, note.text, note.at,
            )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise SheetAlreadyExplained("this item is already explained") from None


SELECT_EXPLANATIONS = """
SELECT phase, seat, generation, bid, item, text, explained_at AS at
FROM evaluation_explanations WHERE session_id = $1 AND phase = $2 ORDER BY seat, bid, item
"""


async def explanations(conn: asyncpg.Connection, session_id: UUID, phase: str) -> list[ItemNote]:
    """The explanations of a phase's flagged items."""
    return [ItemNote(**r) for r in await conn.fetch(SELECT_EXPLANATIONS, session_id, phase)]


INSERT_FACTUAL_ERROR = """
INSERT INTO evaluation_factual_errors (session_id, phase, seat, generation, bid, item, text,
    recorded_by_seat, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""


async def insert_factual_error(conn: asyncpg.Connection, session_id: UUID, note: ItemNote) -> None:
    """Store a factual error the chair found in a member's revealed entry (once)."""
    try:
        async with conn.transaction():
            await conn.execute(
                INSERT_FACTUAL_ERROR, session_id, note.phase, note.seat, note.generation,
                note.bid, note.item, note.text, note.recorded_by_seat, note.at,
            )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise SheetErrorAlreadyRecorded("this factual error is already recorded") from None


SELECT_FACTUAL_ERRORS = """
SELECT phase, seat, generation, bid, item, text, recorded_by_seat, recorded_at AS at,
    resolved_version
FROM evaluation_factual_errors WHERE session_id = $1 AND phase = $2 ORDER BY seat, bid, item
"""


async def factual_errors(conn: asyncpg.Connection, session_id: UUID, phase: str) -> list[ItemNote]:
    """The factual errors recorded in a phase's sheets."""
    return [ItemNote(**r) for r in await conn.fetch(SELECT_FACTUAL_ERRORS, session_id, phase)]


RESOLVE_FACTUAL_ERROR = """
UPDATE evaluation_factual_errors SET resolved_version = $7
WHERE session_id = $1 AND phase = $2 AND seat = $3 AND generation = $4 AND bid = $5
  AND item = $6 AND resolved_version IS NULL
"""


async def resolve_factual_error(
    conn: asyncpg.Connection, session_id: UUID, note: ItemNote, version: int
) -> None:
    """Mark an open factual error resolved by a revision."""
    await conn.execute(
        RESOLVE_FACTUAL_ERROR, session_id, note.phase, note.seat, note.generation,
        note.bid, note.item, version,
    )  # fmt: skip
