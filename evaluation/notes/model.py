"""Supervisors' notes as values and the bytes a supervisor signs (no I/O).

A note is the supervisor's own record (监督记录): its client signs the RFC 8785 JSON
``{"format": "etender-supervision-note-v1", "session", "note", "text"}`` — ``note`` a
UUID the client picks for this note — with the supervisor's registered certificate
(CMS detached). Binding the session and a fresh id makes the signed note replay-safe:
it counts in this session only, and once (the id is the stored note's key). The time
is the database's, at the commit that stores it, and is logged with the note's hash.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from signing.canonical import canonical_json

NOTE_FORMAT = "etender-supervision-note-v1"
TEXT_MAX = 4000


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Note:
    """A stored note: what was signed, by whom, when."""

    id: UUID
    session_id: UUID
    author: UUID
    text: str
    sha256: str  # SHA-256 (hex) of the signed form
    signature: bytes
    signer_cert_sha256: str
    noted_at: datetime


def note_form(session_id: UUID, note_id: UUID, text: str) -> bytes:
    """The bytes a supervisor signs for one note."""
    return canonical_json(
        {"format": NOTE_FORMAT, "session": str(session_id), "note": str(note_id), "text": text}
    )
