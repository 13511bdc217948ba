"""Committee composition (Law 37): at least 5, odd, experts at least 2/3."""

from __future__ import annotations

import pytest

from expert_pool.draws.committee import (
    Composition,
    check_committee,
    composition_problems,
    max_representatives,
)
from expert_pool.errors import CommitteeCompositionInvalid
from expert_pool.policy import CommitteePolicy


@pytest.mark.parametrize(("experts", "reps"), [(5, 0), (4, 1), (7, 2), (6, 3), (9, 0)])
def test_valid_compositions_pass(experts: int, reps: int) -> None:
    """Odd, at least five, experts at least two thirds."""
    composition = Composition(experts=experts, representatives=reps)
    assert check_committee(composition) == composition


@pytest.mark.parametrize(
    ("experts", "reps", "fragment"),
    [
        (3, 0, "at least 5"),
        (6, 0, "must be odd"),
        (3, 2, "experts must be >= 2/3"),
        (4, 3, "experts must be >= 2/3"),
        (4, 0, "at least 5"),
    ],
)
def test_invalid_compositions_are_refused_with_a_clear_message(
    experts: int, reps: int, fragment: str
) -> None:
    """The error names the rule broken and carries the stable code."""
    with pytest.raises(CommitteeCompositionInvalid) as caught:
        check_committee(Composition(experts=experts, representatives=reps))
    assert fragment in caught.value.message
    assert caught.value.code == "committee_composition_invalid"


def test_every_broken_rule_is_listed() -> None:
    """Four members, two of them representatives: too few, even and too few experts."""
    problems = composition_problems(Composition(experts=2, representatives=2))
    assert len(problems) == 3


def test_negative_counts_are_refused() -> None:
    """Negative member counts are not a composition."""
    with pytest.raises(CommitteeCompositionInvalid):
        check_committee(Composition(experts=7, representatives=-2))


def test_max_representatives_is_the_third_left_over() -> None:
    """5 members seat at most 1 representative, 7 at most 2, 9 at most 3."""
    assert [max_representatives(n) for n in (5, 7, 9)] == [1, 2, 3]
    for n in (5, 7, 9, 11):
        reps = max_representatives(n)
        assert check_committee(Composition(experts=n - reps, representatives=reps))


def test_policy_can_require_more_members() -> None:
    """A 7-member minimum refuses a committee of 5."""
    with pytest.raises(CommitteeCompositionInvalid):
        check_committee(Composition(experts=5), CommitteePolicy(min_members=7))
