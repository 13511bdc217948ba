"""The procurement methods' numbers as data (DOMAIN.md "Other transaction types"), each
with its source; the platform's values are these defaults overridden by settings
(``ETENDER_POLICY_PROCUREMENT_*``: ``settings.policy_overrides`` keys starting with
``procurement_``). A project snapshots them at publication and every later check of it
uses the snapshot (DESIGN.md, "Time"), as a tender does with tender/policy.py.

DOMAIN.md asks to check each number against the province's current rules: that is why
they are data. The consultation price weight follows 财库〔2014〕214号 Art. 24, the more
precise source than DOMAIN.md's summary ("10–30 % for goods and services"): goods
30–60 %, services 10–30 %. Art. 24 names no range for works (a consultation of works
outside the tendering law, Art. 3 (5)); a works project is checked against the weight
lawful under either reading, the ranges' overlap (exactly 30 %): the safer check, which
a province that sets a range for works overrides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from procurement.errors import ProcurementPolicyInvalid
from tender.errors import PolicyInvalid
from tender.policy import Period, PeriodUnit

OVERRIDE_PREFIX = "procurement_"
CATEGORIES = ("goods", "services", "works")  # tender.model.Category's values
_5WD = Period(count=5, unit=PeriodUnit.WORKING_DAYS)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ProcurementPolicies:
    """The rules' numbers (each field cites its source)."""

    # Decree 74 Art. 12 (negotiation, RFQ); 214号 Art. 6 (consultation): at least 3.
    min_suppliers: int = 3
    # Decree 74 Art. 7: a negotiating group of 3 or more, an odd number, experts ≥ 2/3.
    group_min_members: int = 3
    group_expert_numerator: int = 2
    group_expert_denominator: int = 3
    # Decree 74 Art. 38: single source published at least 5 working days for objections.
    single_source_publicity: Period = _5WD
    # 财库〔2014〕214号 Art. 24: the price's weight in consultation's scoring, percent —
    # goods 30–60, services 10–30 (DOMAIN.md's "10–30 % for goods and services" is the
    # services figure). Works: Art. 24 is silent; the overlap of both ranges (30) is
    # lawful whichever a reviewer applies, so it is the default check.
    consultation_goods_price_min: int = 30
    consultation_goods_price_max: int = 60
    consultation_services_price_min: int = 10
    consultation_services_price_max: int = 30
    consultation_works_price_min: int = 30
    consultation_works_price_max: int = 30

    def price_weight_range(self, category: str) -> tuple[int, int] | None:
        """The allowed price weight (percent) of a category; None: no rule for it."""
        if category not in CATEGORIES:
            return None
        low: int = getattr(self, f"consultation_{category}_price_min")
        high: int = getattr(self, f"consultation_{category}_price_max")
        return low, high

    def to_json(self) -> dict[str, Any]:
        """The snapshot stored and logged at publication: periods as text."""
        return {
            f.name: str(value) if isinstance(value := getattr(self, f.name), Period) else value
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProcurementPolicies:
        """A snapshot back into policies (unknown keys are refused)."""
        return cls().with_values({key: str(value) for key, value in data.items()})

    def with_values(self, values: Mapping[str, str]) -> ProcurementPolicies:
        """These policies with some values replaced, each parsed by its field's type."""
        fields = {f.name for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        for name, raw in values.items():
            if name not in fields:
                raise ProcurementPolicyInvalid(f"unknown procurement policy {name!r}")
            changes[name] = _parse(name, getattr(self, name), raw)
        return _checked(dataclasses.replace(self, **changes))  # type: ignore[arg-type]


def _parse(name: str, current: object, raw: str) -> object:
    if isinstance(current, Period):
        try:
            return Period.parse(raw)
        except PolicyInvalid as exc:
            raise ProcurementPolicyInvalid(f"policy {name}: {exc.message}") from None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise ProcurementPolicyInvalid(f"policy {name} is a whole number, got {raw!r}")
    return int(raw)


def _checked(p: ProcurementPolicies) -> ProcurementPolicies:
    # The database holds the floor of Decree 74 Art. 7 (0115): a policy may be stricter.
    if p.min_suppliers < 1 or p.group_min_members < 3:
        raise ProcurementPolicyInvalid("min_suppliers ≥ 1 and group_min_members ≥ 3")
    share = (p.group_expert_numerator, p.group_expert_denominator)
    if not 2 * share[1] <= 3 * share[0] <= 3 * share[1]:
        raise ProcurementPolicyInvalid("the experts' share is from 2/3 to 1")
    for category in CATEGORIES:
        low, high = p.price_weight_range(category) or (0, 0)
        if not 0 <= low <= high <= 100:
            raise ProcurementPolicyInvalid(f"the {category} price weight is 0 ≤ min ≤ max ≤ 100")
    return p


def platform_policies(overrides: Mapping[str, str]) -> ProcurementPolicies:
    """The defaults with the ``procurement_*`` settings overrides applied (others ignored)."""
    mine = {
        key.removeprefix(OVERRIDE_PREFIX): value
        for key, value in overrides.items()
        if key.startswith(OVERRIDE_PREFIX)
    }
    return ProcurementPolicies().with_values(mine)
