"""Refusals of the sheets commands, each named after the rule it enforces.

    EvaluationError                        (evaluation/errors.py)
    ├── SheetPhaseClosed                   sheet_phase_closed_conflict          409
    ├── SheetDeadlineNotReached            sheet_deadline_not_reached_conflict  409
    ├── SheetSignerMismatch                sheet_signer_mismatch                422
    ├── SheetNotSubmitted                  sheet_not_submitted_conflict         409
    ├── SheetAlreadyRevealed               sheet_already_revealed_conflict      409
    ├── SheetNotRevealed                   sheet_not_revealed_conflict          409
    ├── SheetContextMismatch               sheet_context_mismatch               422
    ├── SheetItemUnknown                   sheet_item_unknown                   422
    ├── SheetItemNotFlagged                sheet_item_not_flagged               422
    ├── SheetAlreadyExplained              sheet_already_explained_conflict     409
    ├── SheetErrorAlreadyRecorded          sheet_error_already_recorded_conflict 409
    ├── SheetRevisionInvalid               sheet_revision_invalid               422
    ├── SheetNoneCounted                   sheet_none_counted_conflict          409
    ├── SheetReviewOpen                    sheet_review_open_conflict           409
    └── QualificationNotAnnounced          sheet_qualification_not_announced_conflict 409

Entries the lot's method refuses are the method's ``evaluation_sheet_invalid``
(evaluation/method/errors.py ``MethodSheetInvalid``): one code wherever they are checked.
The format's own refusals (sheet_malformed, sheet_too_large, sheet_encoding_invalid,
sheet_decryption_failed, sheet_commitment_mismatch, sheet_signature_mismatch) are
signing's (signing/errors.py); the CMS ones (signature_invalid, …) too.
docs/formats/evaluation-sheet.md lists them in the order they are checked.
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class SheetPhaseClosed(EvaluationError):
    """The sealing phase's deadline has passed: no sheet, no new version (issue 11, item 4)."""

    code = "sheet_phase_closed_conflict"
    status = 409


class SheetDeadlineNotReached(EvaluationError):
    """The chair closes a phase only after its deadline (before it, members still submit)."""

    code = "sheet_deadline_not_reached_conflict"
    status = 409


class SheetSignerMismatch(EvaluationError):
    """The sheet is not signed by the member's current registered certificate."""

    code = "sheet_signer_mismatch"


class SheetNotSubmitted(EvaluationError):
    """The member has no sealed sheet of this phase to reveal."""

    code = "sheet_not_submitted_conflict"
    status = 409


class SheetAlreadyRevealed(EvaluationError):
    """A sheet is revealed once; later changes are revisions."""

    code = "sheet_already_revealed_conflict"
    status = 409


class SheetNotRevealed(EvaluationError):
    """Reviewing (revising, recording an error) needs the member's sheet revealed."""

    code = "sheet_not_revealed_conflict"
    status = 409


class SheetContextMismatch(EvaluationError):
    """The sheet names another session, phase, seat, generation or version than its place."""

    code = "sheet_context_mismatch"


class SheetItemUnknown(EvaluationError):
    """The chair's factual error names a bid and item the member's revealed sheet has no
    entry for (the sheet itself is valid: that is the method's evaluation_sheet_invalid)."""

    code = "sheet_item_unknown"


class SheetItemNotFlagged(EvaluationError):
    """Only an item the deviation review flagged for this member is explained."""

    code = "sheet_item_not_flagged"


class SheetAlreadyExplained(EvaluationError):
    """A flagged item is explained once (the explanation goes into the report)."""

    code = "sheet_already_explained_conflict"
    status = 409


class SheetErrorAlreadyRecorded(EvaluationError):
    """This factual error is already recorded for this member's item."""

    code = "sheet_error_already_recorded_conflict"
    status = 409


class SheetRevisionInvalid(EvaluationError):
    """A revision changes only flagged items or recorded factual errors, each with a
    written reason, and keeps every other entry (DESIGN.md, "Blind scoring")."""

    code = "sheet_revision_invalid"


class SheetNoneCounted(EvaluationError):
    """A phase ends on the sheets that count: with none, the committee has found nothing
    (the host pauses; past the pause limit the session is sealed and a new committee
    evaluates: docs/formats/evaluation-session.md §2)."""

    code = "sheet_none_counted_conflict"
    status = 409


class SheetReviewOpen(EvaluationError):
    """Closing a reveal phase when every seated member revealed but the review is not
    done: flagged deviations unexplained and unrevised, or factual errors unresolved.
    Nobody is absent to mark, and the phase moves on only once the review is complete
    (evaluation-method.md §3.4): the command would change nothing, so it is refused —
    every accepted command causes an event (evaluation-session.md §4)."""

    code = "sheet_review_open_conflict"
    status = 409


class QualificationNotAnnounced(EvaluationError):
    """Scoring, adjustment and the report follow the committee's announced qualification
    result, never a recomputation: there is none yet for this session."""

    code = "sheet_qualification_not_announced_conflict"
    status = 409
