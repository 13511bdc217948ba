"""The writer lease period is a setting (ETENDER_POLICY_UPLOAD_LEASE_PERIOD,
docs/faults.md): how long a killed writer's upload waits; exact periods of 3 s to 10 min."""

from __future__ import annotations

import pytest

from tender.errors import PolicyInvalid
from tender.submission.context import DEFAULT_LEASE_SECONDS, lease_seconds


def test_the_lease_period_is_an_exact_period_of_3_s_to_10_min() -> None:
    assert lease_seconds({}) == DEFAULT_LEASE_SECONDS == 30.0
    assert lease_seconds({"upload_lease_period": "3s"}) == 3.0
    assert lease_seconds({"upload_lease_period": "2m"}) == 120.0


@pytest.mark.parametrize("bad", ["2s", "11m", "1d", "soon"])
def test_a_lease_period_out_of_range_or_not_exact_is_refused(bad: str) -> None:
    with pytest.raises(PolicyInvalid):
        lease_seconds({"upload_lease_period": bad})
