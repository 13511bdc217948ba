"""Every evaluation command's ``data`` keys, in one place (docs/formats/evaluation-session.md
§§4, 9–11 list the same; tests/evaluation/room/test_shapes.py holds the two together).

A key a command does not know is refused before the command is read any further
(issue 11, "Bad input": a frame is exactly what the protocol says or it is refused):
a client that misspells ``explanation`` as ``explaination`` learns it at once instead
of having its declaration silently stored without one. Which keys are required, and
their types, is each handler's (evaluation.guards.field); this table only bounds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluation.errors import EvaluationCommandInvalid

DATA_KEYS: Mapping[str, frozenset[str]] = {
    # The core (evaluation/sessions): §4.
    "snapshot": frozenset(),
    "open_sign_in": frozenset(),
    "sign_in": frozenset({"venue"}),
    "confirm_identity": frozenset({"seat"}),
    "mark_no_show": frozenset({"seat"}),
    "start": frozenset(),
    "declare": frozenset({"conflict", "explanation"}),
    "vote_chair": frozenset({"seat"}),
    "request_replacement": frozenset({"seat", "reason"}),
    "approve_replacement": frozenset({"seat"}),
    "seat_replacement": frozenset({"seat", "user_id"}),
    "pause": frozenset({"reason"}),
    "resume": frozenset(),
    "time_short": frozenset(),
    "commercial_opened": frozenset(),
    "report_fault": frozenset({"venue", "text"}),
    # Sheets (evaluation/sheets): §9, docs/formats/evaluation-sheet.md §5.
    "submit_sheet": frozenset({"phase", "commitment", "ciphertext", "nonce", "signature"}),
    "close_phase": frozenset(),
    "reveal": frozenset({"phase", "key"}),
    "explain": frozenset({"phase", "bid", "item", "text"}),
    "revise": frozenset({"phase", "sheet", "signature", "reasons"}),
    "record_error": frozenset({"phase", "seat", "bid", "item", "text"}),
    # The report (evaluation/report): §10.
    "rank": frozenset(),
    "draft_report": frozenset(),
    "dissent": frozenset({"text"}),
    "sign_report": frozenset({"sha256", "signature"}),
    "refuse_report": frozenset({"reason"}),
    # Clarifications and supervisors' notes: §11.
    "ask_clarification": frozenset({"bid", "question"}),
    "refuse_clarification": frozenset({"id", "reason"}),
    "note": frozenset({"id", "text", "signature"}),
}


def check_keys(command: str, data: Mapping[str, Any]) -> None:
    """Refuse a key ``command`` does not take (the first such key, in sorted order)."""
    unknown = sorted(set(data) - DATA_KEYS[command])
    if unknown:
        accepted = ", ".join(sorted(DATA_KEYS[command])) or "none"
        raise EvaluationCommandInvalid(
            f"'{unknown[0]}' is not a field of {command} (its fields: {accepted})",
            details={"field": unknown[0]},
        )
