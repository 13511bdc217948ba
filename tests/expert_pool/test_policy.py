"""The pool's policy as data: defaults, overrides, strict reading."""

from __future__ import annotations

from typing import Any

import pytest

from expert_pool.errors import PolicyInvalid
from expert_pool.policy import DEFAULT_POOL_POLICY, Offence, policy_from_json


def test_the_defaults_are_domain_md_numbers() -> None:
    """Ratio 3, round cap 3, 60 minutes to answer, 5 odd 2/3, 8 points report."""
    p = DEFAULT_POOL_POLICY
    assert (p.draw.min_pool_ratio, p.draw.round_cap, p.confirm_seconds) == (3, 3, 3600)
    assert (p.committee.min_members, p.committee.expert_share_num) == (5, 2)
    assert p.assessment.deductions.points[Offence.LEFT_EARLY] == 30
    assert p.assessment.report_points == 8


def test_an_empty_override_is_the_defaults_and_to_json_round_trips() -> None:
    """Reading the whole document back gives the same policy."""
    assert policy_from_json({}) == DEFAULT_POOL_POLICY
    assert policy_from_json(DEFAULT_POOL_POLICY.to_json()) == DEFAULT_POOL_POLICY


def test_a_partial_override_changes_only_what_it_names() -> None:
    """Deep merge: one deduction and the answer period."""
    p = policy_from_json({"confirm_seconds": 5, "assessment": {"deductions": {"late": 4}}})
    assert p.confirm_seconds == 5
    assert p.assessment.deductions.points[Offence.LATE] == 4
    assert p.assessment.deductions.points[Offence.ABSENT] == 20


@pytest.mark.parametrize(
    "override",
    [
        {"surprise": 1},
        {"draw": {"min_pool_ratio": "3"}},
        {"draw": {"min_entropy_hex": 16}},
        {"draw": 3},
        {"assessment": {"deductions": {"sleeping": 5}}},
        {"public_after_award": "yes"},
        {"confirm_seconds": 0},
        {"channels": []},
        {"channels": ["SMS!"]},
        {"committee": {"expert_share_num": 4, "expert_share_den": 3}},
        [],
    ],
)
def test_bad_overrides_are_refused(override: Any) -> None:
    """Unknown members, wrong types and out-of-range numbers are policy_invalid."""
    with pytest.raises(PolicyInvalid):
        policy_from_json(override)
