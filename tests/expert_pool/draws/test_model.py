"""The stored draw's pure rules: request checks, seats, completion (no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest

from expert_pool.draws.model import DrawSpec, check_spec, missing_roles
from expert_pool.errors import (
    CategoryLabelInvalid,
    CommitteeCompositionInvalid,
    DrawRequestInvalid,
    RegionRuleInvalid,
    SpecialtyUnknown,
)
from expert_pool.policy import DEFAULT_POOL_POLICY, CommitteePolicy, PoolPolicy
from expert_pool.specialties import default_specialties
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category

START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


def _spec(*cats: tuple[str, int], reps: int = 0, **kw: object) -> DrawSpec:
    return DrawSpec(
        session_start=START,
        session_end=START + dt.timedelta(hours=4),
        categories=tuple(Category(label=label, count=n) for label, n in cats),
        representatives=reps,
        **kw,  # type: ignore[arg-type]
    )


def _check(spec: DrawSpec, policy: PoolPolicy = DEFAULT_POOL_POLICY) -> None:
    check_spec(spec, policy, specialties=default_specialties())


def test_a_valid_request_with_venues_and_representatives_passes() -> None:
    """Seven experts and two representatives: nine members, odd, 7/9 >= 2/3."""
    _check(_spec(("A08@local", 4), ("C01@remote", 3), ("venue@remote", 2), reps=2))


@pytest.mark.parametrize(
    ("cats", "reps", "error"),
    [
        ((("A08@local", 4),), 0, CommitteeCompositionInvalid),  # even
        ((("A08@local", 3),), 0, CommitteeCompositionInvalid),  # fewer than 5
        ((("A08@local", 3),), 2, CommitteeCompositionInvalid),  # 3 of 5 < 2/3
        ((("venue@remote", 1), ("A08@local", 5)), 0, DrawRequestInvalid),  # venues first
        ((("venue@remote", 1),), 0, DrawRequestInvalid),  # no experts
        ((("Z99@local", 5),), 0, SpecialtyUnknown),
        ((("A08@abroad", 5),), 0, CategoryLabelInvalid),
        ((("A08@local", 5), ("venue@moon", 1)), 0, RegionRuleInvalid),
    ],
)
def test_bad_requests_are_refused(
    cats: tuple[tuple[str, int], ...], reps: int, error: type[Exception]
) -> None:
    """Composition (Law 37), order, labels: each refused with its own code."""
    with pytest.raises(error):
        _check(_spec(*cats, reps=reps))


def test_composition_follows_the_policy() -> None:
    """A policy with three members minimum allows a committee of three."""
    small = PoolPolicy(committee=CommitteePolicy(min_members=3))
    _check(_spec(("A08@local", 3)), small)


def test_round_0_always_needs_a_supervisor() -> None:
    """A request without supervisor entropy, or a role twice, is refused."""
    with pytest.raises(DrawRequestInvalid):
        _spec(("A08@local", 5), entropy_roles=(ContributorRole.AGENCY,))
    with pytest.raises(DrawRequestInvalid):
        _spec(("A08@local", 5), entropy_roles=(ContributorRole.SUPERVISOR,) * 2)


def test_missing_roles_keep_the_request_order() -> None:
    """Who still has to contribute before the supervisor closes round 0."""
    agency, centre = ContributorRole.AGENCY, ContributorRole.CENTRE
    assert missing_roles([agency, centre], [centre]) == (agency,)
    assert missing_roles([agency], [agency, agency]) == ()
