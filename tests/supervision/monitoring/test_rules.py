"""Rules are data over a fixed catalogue; anything outside it is refused, naming it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from supervision.monitoring.defaults import default_rules
from supervision.monitoring.detectors import DETECTORS
from supervision.monitoring.errors import MonitoringRuleInvalid
from supervision.monitoring.rules import OPERATORS, parse_rule, parse_rules

RULE: dict[str, Any] = {
    "name": "bids_same_address",
    "alert": "bids_same_network",
    "operator": "shared_value",
    "facts": ["upload_origins"],
    "params": {"field": "address", "min_bidders": 2, "within_minutes": 20},
}


def _refused(change: dict[str, Any]) -> MonitoringRuleInvalid:
    raw = copy.deepcopy(RULE) | change
    with pytest.raises(MonitoringRuleInvalid) as caught:
        parse_rule(raw)
    assert caught.value.status == 422
    assert caught.value.code == "monitoring_rule_invalid"
    return caught.value


def test_the_shipped_defaults_are_valid_rules_each_named_once() -> None:
    rules = default_rules()
    assert "bids_same_address" in rules
    assert "agency_conflict" in rules
    assert parse_rules([r.definition() for r in rules.values()]) == rules


def test_every_operator_of_the_catalogue_has_a_detector() -> None:
    assert set(OPERATORS) == set(DETECTORS)


def test_a_parsed_rule_fills_in_the_defaults_of_its_operator() -> None:
    rule = parse_rule(RULE)
    assert rule.params["scope"] == "lot"
    assert rule.enabled


def test_an_unknown_fact_is_refused_naming_it() -> None:
    error = _refused({"facts": ["upload_origin_typo"]})
    assert error.details == {
        "rule": "bids_same_address",
        "path": "facts",
        "unknown": "upload_origin_typo",
    }
    assert "upload_origin_typo" in error.message


def test_an_unknown_operator_is_refused_naming_it() -> None:
    error = _refused({"operator": "looks_fishy"})
    assert error.details == {
        "rule": "bids_same_address",
        "path": "operator",
        "unknown": "looks_fishy",
    }


def test_an_unknown_parameter_or_field_is_refused_naming_it() -> None:
    error = _refused({"params": {"field": "address", "threshold": 3}})
    assert error.details["unknown"] == "threshold"
    error = _refused({"params": {"field": "mac_address"}})
    assert error.details == {
        "rule": "bids_same_address",
        "path": "params.field",
        "unknown": "mac_address",
    }


def test_an_operator_given_facts_it_does_not_read_is_refused() -> None:
    error = _refused({"facts": ["bid_prices"]})
    assert error.details["path"] == "facts"
    assert error.details["expected"][:1] == [["upload_origins"]]


def test_an_unknown_alert_key_or_bad_value_is_refused() -> None:
    assert _refused({"alert": "made_up"}).details["unknown"] == "made_up"
    assert _refused({"colour": "red"}).details["unknown"] == "colour"
    assert (
        _refused({"params": {"field": "address", "min_bidders": 1}}).details["path"]
        == "params.min_bidders"
    )
    assert (
        _refused({"params": {"field": "address", "min_bidders": True}}).details["path"]
        == "params.min_bidders"
    )


def test_values_of_any_json_type_are_refused_not_crashed_on() -> None:
    changes: list[dict[str, Any]] = [
        {"alert": {"a": 1}}, {"operator": [1]}, {"facts": [{"x": 1}]},
        {"params": {"field": {"a": 1}}}, {"params": [1]}, {"enabled": "yes"},
    ]  # fmt: skip
    for change in changes:
        _refused(change)


def test_a_rule_set_naming_one_rule_twice_is_refused() -> None:
    with pytest.raises(MonitoringRuleInvalid):
        parse_rules([RULE, RULE])
