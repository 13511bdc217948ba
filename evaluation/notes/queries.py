"""All SQL of supervisors' notes (0060, ``evaluation_notes``)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.notes.errors import NoteReplayed
from evaluation.notes.model import Note

INSERT = """
INSERT INTO evaluation_notes
    (id, session_id, author, text, sha256, signature, signer_cert_sha256, noted_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""


async def insert(conn: asyncpg.Connection, note: Note, log_index: int) -> None:
    """Store a note; its id taken before (the same signed note again) is a replay."""
    n = note
    try:
        await conn.execute(
            INSERT, n.id, n.session_id, n.author, n.text, n.sha256, n.signature,
            n.signer_cert_sha256, n.noted_at, log_index,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise NoteReplayed("this note was recorded before: a signed note counts once") from None


EXISTS = "SELECT EXISTS (SELECT 1 FROM evaluation_notes WHERE id = $1)"


async def exists(conn: asyncpg.Connection, note_id: UUID) -> bool:
    """Whether a note with this id is stored (in any session)."""
    found: bool = await conn.fetchval(EXISTS, note_id)
    return found


SELECT_SESSION = """
SELECT id, session_id, author, text, sha256, signature, signer_cert_sha256, noted_at
FROM evaluation_notes WHERE session_id = $1 ORDER BY noted_at, id
"""


async def of_session(conn: asyncpg.Connection, session_id: UUID) -> list[Note]:
    """A session's notes, oldest first."""
    rows = await conn.fetch(SELECT_SESSION, session_id)
    return [Note(**{**dict(r), "signature": bytes(r["signature"])}) for r in rows]
