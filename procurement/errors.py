"""Errors of the procurement methods (issue 18, item 4), each named after the rule broken.

    ProcurementError                          procurement_error                  422
    ├── ProjectNotFound                       procurement_project_not_found      404
    ├── ProcurementInputInvalid               procurement_input_invalid          422
    ├── ProcurementPolicyInvalid              procurement_policy_invalid         422
    ├── SupplierNotInvited                    procurement_supplier_not_invited   403
    ├── SupplierInvalid                       procurement_supplier_invalid       422
    ├── ProjectStateConflict                  procurement_state_conflict         409
    ├── ProcurementRuleBroken                 procurement_rule_broken            422
    │   (one per rule: procurement/rules.py; reported inside the next one)
    ├── ProcurementRulesBroken                procurement_rules_broken           422
    ├── NegotiationError                      negotiation_error  (negotiation/errors.py)
    └── SingleSourceError                     single_source_error (single_source/errors.py)

Another party's project (a draft it may not read) is ``procurement_project_not_found``;
a step the actor's role may not take is accounts' ``permission_denied`` (403).
docs/api-procurement.md lists every code.
"""

from __future__ import annotations

from collections.abc import Sequence

from signing.errors import EtenderError


class ProcurementError(EtenderError):
    """Root of every error of procurement/ (a request that breaks a rule: 422)."""

    code = "procurement_error"


class ProjectNotFound(ProcurementError):
    """No procurement project has this tender id (or not one the reader may see)."""

    code = "procurement_project_not_found"
    status = 404


class ProcurementInputInvalid(ProcurementError):
    """A field of the request breaks its format (a number out of range, bad text)."""

    code = "procurement_input_invalid"


class ProcurementPolicyInvalid(ProcurementError):
    """A procurement policy value (ETENDER_POLICY_PROCUREMENT_*) is malformed."""

    code = "procurement_policy_invalid"


class SupplierNotInvited(ProcurementError):
    """Only an invited supplier of the project quotes in it (Decree 74 Art. 27)."""

    code = "procurement_supplier_not_invited"
    status = 403


class SupplierInvalid(ProcurementError):
    """A supplier named is not a registered bidder organisation, or is named twice."""

    code = "procurement_supplier_invalid"


class ProjectStateConflict(ProcurementError):
    """The step does not fit where the project stands (e.g. editing after publication)."""

    code = "procurement_state_conflict"
    status = 409


class ProcurementRuleBroken(ProcurementError):
    """One rule of the method broken at publication; subclasses name it (rules.py)."""

    code = "procurement_rule_broken"
    rule = ""  # the source: "Decree 74 Art. 27", …

    def as_detail(self) -> dict[str, object]:
        """This violation as one entry of ``ProcurementRulesBroken.details``."""
        return {"code": self.code, "message": self.message, "rule": self.rule}


class ProcurementRulesBroken(ProcurementError):
    """Every rule of the method the project breaks, at once, in ``details["violations"]``."""

    code = "procurement_rules_broken"

    def __init__(self, violations: Sequence[ProcurementRuleBroken]) -> None:
        codes = ", ".join(sorted({v.code for v in violations}))
        super().__init__(
            f"the project breaks {len(violations)} rule(s) of its method: {codes}",
            details={"violations": [v.as_detail() for v in violations]},
        )
        self.violations = tuple(violations)


# --- the rules checked at publication (procurement/rules.py) ---------------------------


class TooFewSuppliers(ProcurementRuleBroken):
    """Negotiation, RFQ and consultation invite at least the policy's suppliers (3)."""

    code = "procurement_too_few_suppliers"
    rule = "Decree 74 Art. 12; 财库〔2014〕214号 Art. 6"


class SingleSupplierRequired(ProcurementRuleBroken):
    """Single source names exactly one supplier."""

    code = "single_source_one_supplier"
    rule = "Decree 74 Art. 38"


class SingleSourceReasonRequired(ProcurementRuleBroken):
    """Single source publishes why only that supplier can supply."""

    code = "single_source_reason_required"
    rule = "Decree 74 Art. 38"


class PublicityTooShort(ProcurementRuleBroken):
    """Single source: the deadline falls before the publicity for objections ends."""

    code = "single_source_publicity_too_short"
    rule = "Decree 74 Art. 38"


class GroupInvalid(ProcurementRuleBroken):
    """Negotiation: a group of 3+ members, an odd number, experts at least 2/3."""

    code = "negotiation_group_invalid"
    rule = "Decree 74 Art. 7"


class QuotationMethodInvalid(ProcurementRuleBroken):
    """RFQ: one sealed quotation, lowest compliant price: one envelope, lowest price
    method without adjustments (the quotation is not changed)."""

    code = "quotation_method_invalid"
    rule = "Decree 74 Art. 45-48"


class ConsultationMethodInvalid(ProcurementRuleBroken):
    """Consultation scores comprehensively (综合评分法) in the evaluation session."""

    code = "consultation_method_invalid"
    rule = "财库〔2014〕214号 Art. 23"


class PriceWeightOutOfRange(ProcurementRuleBroken):
    """Consultation: the price's weight lies in the policy's range for the category."""

    code = "consultation_price_weight_out_of_range"
    rule = "财库〔2014〕214号 Art. 24"
