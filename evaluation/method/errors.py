"""The error of a sheet that does not fit the lot's method (evaluation/method/).

    EvaluationError                     evaluation_error          (evaluation/errors.py)
    └── MethodSheetInvalid              evaluation_sheet_invalid  422

``details`` points at the fault: ``{"entry", "field", "bid", "item"}``, each null when
it does not apply (docs/formats/evaluation-method.md §2.4).
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class MethodSheetInvalid(EvaluationError):
    """A sheet's entries break the method or the bid list (Reg. 49: only the stated
    items, each bid × item exactly once, points in range, a refusal with its reason)."""

    code = "evaluation_sheet_invalid"
