"""Supervision records as values (no I/O).

A supervision record (监督记录, DOMAIN.md "Monitoring and supervision") is what a
supervisor of the tender's department saw and did, attached to one of three things:

- ``tender`` — the procedure as a whole;
- ``opening`` — a lot's opening (its hall, docs/formats/opening.md §6);
- ``evaluation`` — an evaluation session of a lot (docs/formats/evaluation-session.md).

It is the supervisor's own signed statement (supervision/records/statements.py), a
record of its own: never inside what others sign — not the opening record, not the
evaluation report (issue 14, item 3).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from uuid import UUID


class Attached(enum.StrEnum):
    """What a record is attached to."""

    TENDER = "tender"
    OPENING = "opening"
    EVALUATION = "evaluation"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Attachment:
    """The tender, a lot's opening or an evaluation session (of that lot)."""

    attached: Attached
    lot: str | None = None
    session_id: UUID | None = None

    def __post_init__(self) -> None:
        needs_lot = self.attached is not Attached.TENDER
        needs_session = self.attached is Attached.EVALUATION
        if (self.lot is not None) != needs_lot or (self.session_id is not None) != needs_session:
            raise ValueError(f"a record attached to {self.attached} names exactly its own keys")

    def statement_fields(self) -> dict[str, str | None]:
        """How the signed statement names it (``lot`` and ``session`` null when unused)."""
        return {
            "attached": str(self.attached),
            "lot": self.lot,
            "session": None if self.session_id is None else str(self.session_id),
        }


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SupervisionRecord:
    """A stored record: what was signed, by whom, when."""

    id: UUID
    tender_id: UUID
    attachment: Attachment
    department_id: UUID
    author: UUID
    author_name: str
    text: str
    sha256: str  # SHA-256 (hex) of the statement bytes
    signer_cert_sha256: str
    recorded_at: datetime
    log_index: int
