"""Errors of competitive negotiation's rounds (Decree 74 Art. 31-35).

ProcurementError (procurement/errors.py)
└── NegotiationError                      negotiation_error                    422
    ├── NegotiationNotStarted             negotiation_not_started_conflict     409
    ├── RoundOpen                         negotiation_round_open_conflict      409
    ├── NoRoundOpen                       negotiation_no_round_open_conflict   409
    ├── AfterFinalQuotations              negotiation_after_final_conflict     409
    ├── FinalRoundMissing                 negotiation_final_missing_conflict   409
    ├── QuotationDuplicate                negotiation_quotation_duplicate_conflict 409
    ├── SupplierExcluded                  negotiation_supplier_excluded        403
    ├── NoCompliantQuotation              negotiation_no_compliant_quotation   422
    └── TooFewCompliant                   negotiation_too_few_suppliers_conflict 409
"""

from __future__ import annotations

from procurement.errors import ProcurementError


class NegotiationError(ProcurementError):
    """Root of every error of procurement/negotiation/."""

    code = "negotiation_error"


class NegotiationNotStarted(NegotiationError):
    """Rounds begin once the responses are in: at the tender's deadline (Art. 31)."""

    code = "negotiation_not_started_conflict"
    status = 409


class RoundOpen(NegotiationError):
    """A round is still open: close it before opening the next."""

    code = "negotiation_round_open_conflict"
    status = 409


class NoRoundOpen(NegotiationError):
    """No round is open to quote in or to close."""

    code = "negotiation_no_round_open_conflict"
    status = 409


class AfterFinalQuotations(NegotiationError):
    """Art. 33: after the final quotations no round is opened and nothing is negotiated."""

    code = "negotiation_after_final_conflict"
    status = 409


class FinalRoundMissing(NegotiationError):
    """The award follows the final quotations: the final round is not closed yet."""

    code = "negotiation_final_missing_conflict"
    status = 409


class QuotationDuplicate(NegotiationError):
    """One quotation per supplier and round, never changed (it is committed in the log)."""

    code = "negotiation_quotation_duplicate_conflict"
    status = 409


class SupplierExcluded(NegotiationError):
    """The group found this supplier not compliant: it quotes no more."""

    code = "negotiation_supplier_excluded"
    status = 403


class NoCompliantQuotation(NegotiationError):
    """Art. 35: no compliant supplier gave a final quotation: no award (the project fails)."""

    code = "negotiation_no_compliant_quotation"


class TooFewCompliant(NegotiationError):
    """Decree 74 Art. 37 (3): fewer than the least number of suppliers meet the
    competition's requirements (or quote within the budget): the negotiation goes no
    further; the agency terminates it (cancels the tender, with the reason) and
    procures anew."""

    code = "negotiation_too_few_suppliers_conflict"
    status = 409
