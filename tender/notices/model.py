"""Clarifications, the notifications they send and objections, as records (no I/O)."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from uuid import UUID


class ClarificationKind(enum.StrEnum):
    """A clarification (澄清) explains; an amendment (修改) changes the documents."""

    CLARIFICATION = "clarification"
    AMENDMENT = "amendment"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Clarification:
    """A clarification or amendment, and the deadline move it caused (Reg. 21)."""

    id: UUID
    tender_id: UUID
    number: int
    kind: ClarificationKind
    title: str
    body: str
    issued_at: datetime
    issued_by: UUID
    deadline_before: datetime
    deadline_after: datetime
    version_ids: tuple[UUID, ...] = ()
    notified: int = 0

    @property
    def moved_deadline(self) -> bool:
        """Whether this clarification moved the deadline and the opening."""
        return self.deadline_after != self.deadline_before


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Notification:
    """A clarification delivered to one downloader."""

    id: UUID
    clarification_id: UUID
    tender_id: UUID
    title: str
    user_id: UUID
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Objection:
    """An objection to the documents and its answer (Reg. 22)."""

    id: UUID
    tender_id: UUID
    organisation_id: UUID
    filed_by: UUID
    text: str
    filed_at: datetime
    answer_due: datetime
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: UUID | None = None
