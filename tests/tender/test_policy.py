"""Policies as data: periods, settings overrides, the snapshot taken at publication."""

from __future__ import annotations

import datetime as dt

import pytest

from tender.errors import PolicyInvalid
from tender.policy import Period, PeriodUnit, Policies, platform_policies


def test_a_period_is_a_count_and_a_unit() -> None:
    """20d, 5wd, 2h, 30m, 45s parse; exact units have a duration, day counts none."""
    assert Period.parse("20d") == Period(count=20, unit=PeriodUnit.CALENDAR_DAYS)
    assert Period.parse("5wd").unit is PeriodUnit.WORKING_DAYS
    assert Period.parse("2h").exact == dt.timedelta(hours=2)
    assert Period.parse("30m").exact == dt.timedelta(minutes=30)
    assert Period.parse("45s").exact == dt.timedelta(seconds=45)
    assert Period.parse("20d").exact is None
    assert str(Period.parse("5wd")) == "5wd"


@pytest.mark.parametrize("text", ["", "20", "d", "-1d", "1.5d", "20 days", "01d", "5y"])
def test_a_malformed_period_is_refused(text: str) -> None:
    """Anything but <count><unit> is a policy error, never a guess."""
    with pytest.raises(PolicyInvalid):
        Period.parse(text)


def test_the_defaults_are_the_numbers_of_domain_md() -> None:
    """5 days, 20 days, 15 days, 10 days, 3 days, 2 %, 4/2/1 million CNY."""
    p = Policies()
    assert (str(p.documents_window), str(p.bid_period)) == ("5d", "20d")
    assert (str(p.clarification_notice), str(p.objection_notice)) == ("15d", "10d")
    assert (str(p.objection_answer), str(p.bond_refund)) == ("3d", "5d")
    assert p.bond_max_basis_points == 200
    assert p.threshold_fen("works") == 400_000_000
    assert p.threshold_fen("goods") == 200_000_000
    assert p.threshold_fen("services") == 100_000_000


def test_settings_overrides_shorten_periods_and_ignore_other_packages_keys() -> None:
    """ETENDER_POLICY_TENDER_BID_PERIOD=30s; keys without tender_ belong to others."""
    policies = platform_policies(
        {
            "tender_bid_period": "30s",
            "tender_opening_on_working_day": "false",
            "tender_alerts_job_seconds": "5",  # the job's interval, not a policy
            "draw_min": "3",
        }
    )
    assert policies.bid_period == Period(count=30, unit=PeriodUnit.SECONDS)
    assert policies.opening_on_working_day is False
    assert policies.documents_window == Policies().documents_window


@pytest.mark.parametrize(
    "overrides",
    [
        {"tender_no_such_rule": "1"},
        {"tender_bond_max_basis_points": "two"},
        {"tender_opening_on_working_day": "maybe"},
        {"tender_centre_code": "xc"},
        {"tender_decryption_minutes_min": "90"},
        {"tender_bond_max_basis_points": "20000"},
    ],
)
def test_a_bad_override_is_refused(overrides: dict[str, str]) -> None:
    """Unknown names, wrong types and contradictions are errors at start-up."""
    with pytest.raises(PolicyInvalid):
        platform_policies(overrides)


def test_the_snapshot_round_trips() -> None:
    """What publication logs and stores reads back to the same policies."""
    policies = platform_policies({"tender_bid_period": "25d", "tender_centre_code": "GD"})
    snapshot = policies.to_json()
    assert snapshot["bid_period"] == "25d"
    assert Policies.from_json(snapshot) == policies
