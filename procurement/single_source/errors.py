"""Errors of single source's publicity and objections (Decree 74 Art. 38-39).

ProcurementError (procurement/errors.py)
└── SingleSourceError                     single_source_error                  422
    ├── ObjectionNotFound                 single_source_objection_not_found    404
    ├── PublicityOver                     single_source_publicity_over_conflict 409
    ├── PublicityRunning                  single_source_publicity_running_conflict 409
    ├── ObjectionAnswered                 single_source_objection_answered_conflict 409
    ├── ObjectionsPending                 single_source_objections_pending_conflict 409
    ├── OwnObjectionOpen                  single_source_own_objection_open_conflict 409
    └── ObjectionUpheld                   single_source_objection_upheld_conflict 409
"""

from __future__ import annotations

from procurement.errors import ProcurementError


class SingleSourceError(ProcurementError):
    """Root of every error of procurement/single_source/."""

    code = "single_source_error"


class ObjectionNotFound(SingleSourceError):
    """No objection of this project has this id."""

    code = "single_source_objection_not_found"
    status = 404


class PublicityOver(SingleSourceError):
    """Art. 38: objections are taken during the publicity only."""

    code = "single_source_publicity_over_conflict"
    status = 409


class PublicityRunning(SingleSourceError):
    """Art. 38: nothing is agreed until the publicity for objections has ended."""

    code = "single_source_publicity_running_conflict"
    status = 409


class ObjectionAnswered(SingleSourceError):
    """An objection is answered once."""

    code = "single_source_objection_answered_conflict"
    status = 409


class ObjectionsPending(SingleSourceError):
    """Art. 39: every objection is answered before the price is agreed."""

    code = "single_source_objections_pending_conflict"
    status = 409


class OwnObjectionOpen(SingleSourceError):
    """One unanswered objection per organisation: each must be answered before the price
    is agreed, so a stream of them from one party held the agreement up (breaker F20)."""

    code = "single_source_own_objection_open_conflict"
    status = 409


class ObjectionUpheld(SingleSourceError):
    """Art. 39: an objection upheld ends single source: another method is needed."""

    code = "single_source_objection_upheld_conflict"
    status = 409
