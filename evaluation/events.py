"""The evaluation's events: what it appends to the transparency log."""

from __future__ import annotations

import enum


class EvaluationEvent(enum.StrEnum):
    """Log entry kinds of the evaluation (DESIGN.md, "Transparency log")."""

    # Reading a bid is an act a supervisor must be able to audit later.
    BID_FILE_READ = "evaluation.bid_file_read"
