"""Refusals of the clarifications to bidders (Reg. 52), under the evaluation's root.

    EvaluationError
    ├── ClarificationNotFound        evaluation_clarification_not_found          404
    ├── ClarificationBidUnknown      evaluation_clarification_bid_unknown        422
    ├── ClarificationTextInvalid     evaluation_clarification_text_invalid       422
    ├── ClarificationSignerMismatch  evaluation_clarification_signer_mismatch    422
    ├── ClarificationAnswered        evaluation_clarification_answered_conflict  409
    ├── ClarificationUnanswered      evaluation_clarification_unanswered_conflict 409
    ├── ClarificationRefused         evaluation_clarification_refused_conflict   409
    └── ClarificationClosed          evaluation_clarification_closed_conflict    409

A forged or broken signature is signing's own refusal (``signature_invalid``,
``content_digest_mismatch``, ``certificate_*``: docs/formats/signatures.md).
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class ClarificationNotFound(EvaluationError):
    """No clarification with this id in this session — or none the caller may see
    (another bidder's question is not found, per object)."""

    code = "evaluation_clarification_not_found"
    status = 404


class ClarificationBidUnknown(EvaluationError):
    """A question names a bid the session does not evaluate."""

    code = "evaluation_clarification_bid_unknown"


class ClarificationTextInvalid(EvaluationError):
    """A question, answer or reason is printable text within its length (no NUL)."""

    code = "evaluation_clarification_text_invalid"


class ClarificationSignerMismatch(EvaluationError):
    """An answer is signed by the answering user's current registered certificate,
    which speaks for the bid's bidder — not by anyone else's."""

    code = "evaluation_clarification_signer_mismatch"


class ClarificationAnswered(EvaluationError):
    """One answer per question: a second one is refused."""

    code = "evaluation_clarification_answered_conflict"
    status = 409


class ClarificationUnanswered(EvaluationError):
    """Only an answer can be refused as changing the substance (Reg. 52)."""

    code = "evaluation_clarification_unanswered_conflict"
    status = 409


class ClarificationRefused(EvaluationError):
    """The answer was already refused as changing the substance."""

    code = "evaluation_clarification_refused_conflict"
    status = 409


class ClarificationClosed(EvaluationError):
    """Questions are asked during the review and scoring, answered before the report:
    the session has moved past that point."""

    code = "evaluation_clarification_closed_conflict"
    status = 409
