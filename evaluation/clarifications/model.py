"""Clarifications to bidders as values and rules (no I/O).

Reg. 52: the committee may ask a bidder in writing to clarify an ambiguity or an
obvious error in its bid; the answer is in writing and may not change the substance
of the bid. Here the chair asks (one vote like the others, but the gavel) while the
committee reviews and scores; the bidder answers over the API with its signature
(docs/api-evaluation.md, "Clarifications"); the chair refuses an answer that would
change the substance, and a refused answer is no part of the evaluation. Members
appear only as seats: the question names the chair by its seat, never by name.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from evaluation.model import Phase, printable_text
from signing.canonical import canonical_json, sha256_hex

ANSWER_FORMAT = "etender-clarification-answer-v1"
QUESTION_MAX = 2000
ANSWER_MAX = 4000
REASON_MAX = 1000

# The committee asks while it reviews and scores: once it ranks, no new question.
ASKING: tuple[Phase, ...] = (
    Phase.QUALIFICATION,
    Phase.QUALIFICATION_REVEAL,
    Phase.SCORING,
    Phase.SCORING_REVEAL,
    Phase.ADJUSTMENT,
    Phase.ADJUSTMENT_REVEAL,
)
# Answers (and refusals of them) are taken until the report is drafted: the report's
# clarification minutes are fixed at the signing.
ANSWERING: tuple[Phase, ...] = (*ASKING, Phase.COMMERCIAL_OPENING, Phase.RANKING)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Clarification:
    """A question to a bidder, its answer and the chair's refusal, as stored."""

    id: UUID
    session_id: UUID
    bid_id: UUID
    bidder: str  # the bid's bidder (credit code): who reads and answers
    question: str
    question_sha256: str
    asked_seat: int
    asked_at: datetime
    answer: str | None = None
    answer_signature: bytes | None = None
    signer_cert_sha256: str | None = None
    answered_by: UUID | None = None
    answered_at: datetime | None = None
    refusal: str | None = None
    refused_seat: int | None = None
    refused_at: datetime | None = None

    @property
    def status(self) -> str:
        """``asked``, ``answered`` or ``refused`` (an answer changing the substance)."""
        if self.refusal is not None:
            return "refused"
        return "asked" if self.answer is None else "answered"


def question_sha256(question: str) -> str:
    """SHA-256 (hex) of the question's UTF-8: the answer's signature binds it."""
    return sha256_hex(question.encode("utf-8"))


def answer_form(session_id: UUID, clarification: Clarification, answer: str) -> bytes:
    """The bytes a bidder signs: RFC 8785 JSON of the answer, bound to the session,
    the clarification and the exact question (docs/api-evaluation.md)."""
    return canonical_json(
        {
            "format": ANSWER_FORMAT,
            "session": str(session_id),
            "clarification": str(clarification.id),
            "question_sha256": clarification.question_sha256,
            "answer": answer,
        }
    )


def printable(value: str, limit: int) -> bool:
    """1–``limit`` characters, not blank, no control character but newline and tab."""
    return printable_text(value, limit)  # the session's one text rule
