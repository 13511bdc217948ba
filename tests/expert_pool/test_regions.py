"""Regions of the shared pool ("1+6") and region rules of category labels."""

from __future__ import annotations

import pytest

from expert_pool.errors import CategoryLabelInvalid, RegionRuleInvalid, RegionUnknown
from expert_pool.model import RegionRule, RegionRuleKind
from expert_pool.regions import (
    DEFAULT_REGIONS,
    RegionKind,
    parse_category_label,
    parse_region_rule,
)


def test_home_city_has_one_district_and_six_counties() -> None:
    """The "1+6": the city's district plus six county-level units."""
    units = DEFAULT_REGIONS.local_units()
    assert sum(u.kind is RegionKind.DISTRICT for u in units) == 1
    assert sum(u.kind is RegionKind.COUNTY for u in units) == 6
    assert all(u.code[:4] == DEFAULT_REGIONS.home_city[:4] for u in units)


def test_other_cities_are_remote_and_home_units_are_local() -> None:
    """Counties and the city itself are local; other cities are not."""
    assert DEFAULT_REGIONS.is_local("341881")
    assert DEFAULT_REGIONS.is_local(DEFAULT_REGIONS.home_city)
    assert not DEFAULT_REGIONS.is_local("340100")
    assert len(DEFAULT_REGIONS.cities()) >= 10


def test_unknown_region_is_refused() -> None:
    """A code outside the catalogue raises region_unknown."""
    with pytest.raises(RegionUnknown):
        DEFAULT_REGIONS.validate("340104")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("local", RegionRule(kind=RegionRuleKind.LOCAL)),
        ("remote", RegionRule(kind=RegionRuleKind.REMOTE)),
        ("cities:340100", RegionRule(kind=RegionRuleKind.CITIES, cities=("340100",))),
        (
            "cities:340100,341800",
            RegionRule(kind=RegionRuleKind.CITIES, cities=("340100", "341800")),
        ),
    ],
)
def test_region_rules_parse_and_print_canonically(text: str, rule: RegionRule) -> None:
    """Each canonical rule parses to its object and prints back unchanged."""
    assert parse_region_rule(text) == rule
    assert str(rule) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Local",
        "cities:",
        "cities:340200,340100",  # not ascending
        "cities:340100,340100",  # repeated
        "cities:340100, 340200",  # blank
        "cities:341802",  # a district, not a city
        "cities:999900",
    ],
)
def test_non_canonical_or_unknown_rules_are_refused(text: str) -> None:
    """Rules are compared as text, so only the canonical form is accepted."""
    with pytest.raises(RegionRuleInvalid):
        parse_region_rule(text)


def test_matches_applies_each_rule() -> None:
    """local, remote and cities rules select the right experts."""
    hefei, county = "340100", "341821"
    local = parse_region_rule("local")
    remote = parse_region_rule("remote")
    listed = parse_region_rule("cities:340100")
    assert DEFAULT_REGIONS.matches(local, county)
    assert not DEFAULT_REGIONS.matches(local, hefei)
    assert DEFAULT_REGIONS.matches(remote, hefei)
    assert not DEFAULT_REGIONS.matches(remote, county)
    assert DEFAULT_REGIONS.matches(listed, hefei)
    assert not DEFAULT_REGIONS.matches(listed, "340200")


def test_category_label_parses_specialty_and_rule() -> None:
    """A08@remote splits into the specialty and the rule, and prints back."""
    label = parse_category_label("A08@remote")
    assert (label.specialty, label.rule.kind) == ("A08", RegionRuleKind.REMOTE)
    assert str(label) == "A08@remote"


@pytest.mark.parametrize("label", ["A08", "@local", "A08@", "A08@elsewhere"])
def test_malformed_labels_are_refused(label: str) -> None:
    """A label must be <specialty code>@<region rule>."""
    with pytest.raises(CategoryLabelInvalid):
        parse_category_label(label)
