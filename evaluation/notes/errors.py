"""Refusals of supervisors' notes, under the evaluation's root.

    EvaluationError
    ├── NoteReplayed        evaluation_note_replayed_conflict   409
    └── NoteSignerMismatch  evaluation_note_signer_mismatch     422

Who may note is the core guard's ``evaluation_supervisor_only``; a forged or broken
signature is signing's own refusal (``signature_invalid``, ``content_digest_mismatch``,
``certificate_*``).
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class NoteReplayed(EvaluationError):
    """A note's id is in its signed form: the same signed note is kept once."""

    code = "evaluation_note_replayed_conflict"
    status = 409


class NoteSignerMismatch(EvaluationError):
    """A note is signed by the noting supervisor's own current registered certificate."""

    code = "evaluation_note_signer_mismatch"
