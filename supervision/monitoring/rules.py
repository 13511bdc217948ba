"""The rule language of early warning: rules are data over a fixed catalogue.

A rule (docs/monitoring.md "Rule language") is one JSON object::

    {"name": "bids_same_address", "alert": "bids_same_network",
     "operator": "shared_value", "facts": ["upload_origins"],
     "params": {"field": "address", "min_bidders": 2, "within_minutes": 20},
     "enabled": true, "description": "…"}

``facts`` come from the fact catalogue (model.FACT_TYPES), ``operator`` from OPERATORS
(each names the fact sets it reads and its parameters), ``alert`` from ALERTS (the
AlertKind members monitoring raises). Anything outside the catalogue — an unknown key,
fact, operator, parameter, field or alert — is refused with ``monitoring_rule_invalid``
naming it, before anything is stored (issue 14, "Bad input"). Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from supervision.monitoring.errors import MonitoringRuleInvalid
from supervision.monitoring.model import FACT_TYPES
from tender.events import AlertKind

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
KEYS = ("name", "alert", "operator", "facts", "params", "enabled", "description")


@dataclass(frozen=True, slots=True)
class Param:
    """One operator parameter: its type, bounds or choices, and its default (None: required).

    ``kind``: int, float, bool, field (a field of the rule's first fact), fields (a list
    of them), choice (one of ``choices``), choices (a list of them).
    """

    kind: str
    default: Any = None
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Operator:
    """An operator of the catalogue: the fact sets it reads and its parameters."""

    name: str
    fact_sets: tuple[frozenset[str], ...]
    params: Mapping[str, Param]


def _op(name: str, fact_sets: list[list[str]], **params: Param) -> Operator:
    return Operator(name, tuple(frozenset(s) for s in fact_sets), params)


_ID = ("legal_representative", "principal", "project_manager", "staff")
_EXCEPTIONS = ("small_pool", "redraw", "replacement")
_KINDS = ("controlling", "managed_by", "shared_legal_representative", "advising")

OPERATORS: Mapping[str, Operator] = {
    op.name: op
    for op in (
        _op(
            "shared_value",
            [["upload_origins"], ["part_hashes"], ["bid_people"], ["bond_accounts"]],
            field=Param("field"),
            min_bidders=Param("int", 2, 2, 100),
            within_minutes=Param("int", None, 1, 10080, optional=True),
            scope=Param("choice", "lot", choices=("lot", "tender")),
        ),
        _op(
            "metadata_match",
            [["file_metas"]],
            fields=Param(
                "choices", None, choices=("author", "organisation", "software", "created")
            ),
            min_fields=Param("int", 2, 1, 4),
            created_within_minutes=Param("int", 10, 1, 1440),
            ignore_template=Param("bool", True),
        ),
        _op(
            "price_progression",
            [["bid_prices"]],
            min_bids=Param("int", 3, 3, 100),
            tolerance=Param("float", 0.01, 0.0, 0.5),
        ),
        _op(
            "price_band",
            [["bid_prices"]],
            min_bids=Param("int", 3, 2, 100),
            band=Param("float", 0.005, 0.0, 0.5),
            below_ceiling=Param("float", 0.02, 0.0, 1.0),
        ),
        _op(
            "deviation_frequency",
            [["expert_scores"]],
            deviation=Param("float", 15.0, 0.0, 100.0),
            min_scores=Param("int", 10, 1, 10000),
            share=Param("float", 0.3, 0.0, 1.0),
        ),
        _op(
            "pair_frequency",
            [["sittings"]],
            min_together=Param("int", 4, 2, 10000),
            min_lift=Param("float", 3.0, 1.0, 1000.0),
        ),
        _op(
            "repeat_counterpart",
            [["sittings"]],
            counterpart=Param("choice", "agency", choices=("agency", "tenderer")),
            min_times=Param("int", 4, 2, 10000),
            min_lift=Param("float", 3.0, 1.0, 1000.0),
            false_discovery_rate=Param("float", None, 0.0, 1.0, optional=True),
        ),
        _op(
            "related_parties",
            [["lot_bidders", "party_relations", "party_people"]],
            kinds=Param("choices", _KINDS[:3], choices=_KINDS),
            roles=Param("choices", _ID[:2], choices=_ID),
        ),
        _op(
            "agency_conflict",
            [["tender_parties", "lot_bidders", "party_relations", "party_people"]],
            kinds=Param("choices", _KINDS, choices=_KINDS),
            roles=Param("choices", _ID, choices=_ID),
        ),
        _op(
            "repeated_exceptions",
            [["procedure_exceptions", "tender_parties"]],
            kinds=Param("choices", _EXCEPTIONS, choices=_EXCEPTIONS),
            min_count=Param("int", 3, 1, 10000),
            min_share=Param("float", 0.2, 0.0, 1.0),
        ),
    )
}

# The alerts monitoring raises (tender/events.py AlertKind; the first two fold in the
# freeze's and the bonds' alerts, whose subjects the detectors reproduce).
ALERTS: frozenset[str] = frozenset(
    {
        AlertKind.BID_PARTS_IDENTICAL,
        AlertKind.BOND_SAME_ACCOUNT,
        AlertKind.BIDS_SAME_NETWORK,
        AlertKind.BIDS_SAME_INSTALLATION,
        AlertKind.BID_FILES_METADATA_IDENTICAL,
        AlertKind.BID_PEOPLE_SHARED,
        AlertKind.BID_PRICES_PROGRESSION,
        AlertKind.BID_PRICES_BAND,
        AlertKind.EXPERT_DEVIATIONS_FREQUENT,
        AlertKind.EXPERT_PAIR_FREQUENT,
        AlertKind.EXPERT_COUNTERPART_REPEATED,
        AlertKind.BIDDERS_RELATED,
        AlertKind.AGENCY_CONFLICT,
        AlertKind.AGENCY_EXCEPTIONS_FREQUENT,
    }
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed, valid rule: its parameters complete (defaults filled in)."""

    name: str
    alert: str
    operator: str
    facts: tuple[str, ...]
    params: Mapping[str, Any]
    enabled: bool = True
    description: str = ""

    def definition(self) -> dict[str, Any]:
        """The rule as stored and served (what parse_rule reads back)."""
        return {
            "name": self.name, "alert": self.alert, "operator": self.operator,
            "facts": list(self.facts), "params": dict(self.params),
            "enabled": self.enabled, "description": self.description,
        }  # fmt: skip


def _invalid(rule: str, path: str, message: str, **details: Any) -> MonitoringRuleInvalid:
    return MonitoringRuleInvalid(message, details={"rule": rule, "path": path} | details)


def parse_rule(raw: object) -> Rule:
    """Parse and validate one rule definition; MonitoringRuleInvalid names what is wrong."""
    if not isinstance(raw, Mapping):
        raise _invalid("", "", "a rule is a JSON object")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise _invalid("", "name", "a rule's name is lowercase letters, digits and _ (≤ 64)")
    for key in raw:
        if key not in KEYS:
            raise _invalid(name, key, f"unknown key {key!r} in rule {name}", unknown=key)
    alert = raw.get("alert")
    if not isinstance(alert, str) or alert not in ALERTS:
        raise _invalid(name, "alert", f"unknown alert {alert!r}", unknown=alert)
    op_name = raw.get("operator")
    operator = OPERATORS.get(op_name) if isinstance(op_name, str) else None
    if operator is None:
        raise _invalid(name, "operator", f"unknown operator {op_name!r}", unknown=op_name)
    facts = raw.get("facts")
    if not isinstance(facts, list) or not facts or not all(isinstance(f, str) for f in facts):
        raise _invalid(name, "facts", "facts is a non-empty list of fact names")
    for fact in facts:
        if fact not in FACT_TYPES:
            raise _invalid(name, "facts", f"unknown fact {fact!r}", unknown=fact)
    if frozenset(facts) not in operator.fact_sets or len(set(facts)) != len(facts):
        sets = [sorted(s) for s in operator.fact_sets]
        raise _invalid(
            name, "facts", f"operator {op_name} reads one of {sets}", expected=sets
        )  # fmt: skip
    enabled = raw.get("enabled", True)
    description = raw.get("description", "")
    if not isinstance(enabled, bool) or not isinstance(description, str) or len(description) > 500:
        raise _invalid(name, "enabled", "enabled is true or false; description text ≤ 500")
    params = _params(name, operator, facts[0], raw.get("params", {}))
    return Rule(name, str(alert), operator.name, tuple(facts), params, enabled, description)


def _params(rule: str, operator: Operator, fact: str, raw: object) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise _invalid(rule, "params", "params is a JSON object")
    for key in raw:
        if key not in operator.params:
            msg = f"unknown parameter {key!r} of operator {operator.name}"
            raise _invalid(rule, f"params.{key}", msg, unknown=key)
    fields = tuple(f.name for f in dataclasses.fields(FACT_TYPES[fact]))
    out: dict[str, Any] = {}
    for key, spec in operator.params.items():
        value = raw.get(key, spec.default)
        if value is None:
            if spec.optional:
                out[key] = None
                continue
            raise _invalid(rule, f"params.{key}", f"parameter {key} is required")
        out[key] = _value(rule, f"params.{key}", spec, value, fields)
    return out


def _value(rule: str, path: str, spec: Param, value: Any, fields: tuple[str, ...]) -> Any:
    if spec.kind in ("int", "float"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if spec.kind == "int":
            ok = ok and isinstance(value, int)
        if (
            not ok
            or (spec.lo is not None and value < spec.lo)
            or (spec.hi is not None and value > spec.hi)
        ):
            raise _invalid(rule, path, f"{path} is a number in [{spec.lo}, {spec.hi}]")
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise _invalid(rule, path, f"{path} is true or false")
        return value
    allowed = fields if spec.kind in ("field", "fields") else spec.choices
    many = spec.kind in ("fields", "choices")
    items = list(value) if many and isinstance(value, list | tuple) else [value]
    if many and (not isinstance(value, list | tuple) or not items):
        raise _invalid(rule, path, f"{path} is a non-empty list")
    for item in items:
        if item not in allowed:
            raise _invalid(rule, path, f"unknown value {item!r} of {path}", unknown=item)
    return list(items) if many else items[0]


def parse_rules(raw: object) -> dict[str, Rule]:
    """A rule set (a JSON list), each rule valid and named once."""
    if not isinstance(raw, list):
        raise _invalid("", "", "a rule set is a JSON list of rules")
    rules: dict[str, Rule] = {}
    for item in raw:
        rule = parse_rule(item)
        if rule.name in rules:
            raise _invalid(rule.name, "name", f"rule {rule.name} is named twice")
        rules[rule.name] = rule
    return rules
