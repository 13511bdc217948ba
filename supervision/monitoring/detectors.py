"""The operator catalogue's implementations, and one pure run of a rule set over facts.

rules.OPERATORS declares each operator (facts, parameters); DETECTORS implements it.
tests/supervision/monitoring/test_rules.py checks the two name the same operators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from supervision.monitoring import collusion, outliers
from supervision.monitoring.model import Facts, Finding
from supervision.monitoring.rules import Rule

Detector = Callable[[Rule, Facts], list[Finding]]

DETECTORS: Mapping[str, Detector] = {
    "shared_value": collusion.shared_value,
    "metadata_match": collusion.metadata_match,
    "price_progression": collusion.price_progression,
    "price_band": collusion.price_band,
    "deviation_frequency": outliers.deviation_frequency,
    "pair_frequency": outliers.pair_frequency,
    "repeat_counterpart": outliers.repeat_counterpart,
    "related_parties": outliers.related_parties,
    "agency_conflict": outliers.agency_conflict,
    "repeated_exceptions": outliers.repeated_exceptions,
}


def evaluate(rules: Iterable[Rule], facts: Facts) -> list[Finding]:
    """Every enabled rule's findings over ``facts``, in rule order."""
    findings: list[Finding] = []
    for rule in rules:
        if rule.enabled:
            findings.extend(DETECTORS[rule.operator](rule, facts))
    return findings
