"""Domain objects of the pool: ids, experts, availability, region rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from expert_pool.errors import ExpertIdInvalid, ExpertRecordInvalid, TimeNotAware
from expert_pool.id_card import id_card_ref
from expert_pool.model import (
    Availability,
    Expert,
    RegionRule,
    RegionRuleKind,
    RelationKind,
    Relationship,
    Title,
    UnavailableInterval,
    validate_id,
)

START = datetime(2025, 6, 14, 2, 0, tzinfo=UTC)


def _expert(expert_id: str) -> Expert:
    return Expert(
        id=expert_id,
        name="张三",
        id_card=id_card_ref("11010519491231002X", b"k" * 32),
        phone="13800138000",
        specialties=("A08",),
        title=Title.SENIOR,
        years_of_practice=10,
        birth_date=date(1949, 12, 31),
        region="341802",
        employer_credit_code="914403001922038216",
    )


@pytest.mark.parametrize("good", ["E1", "a" * 64, "x_y-Z9", "-", "_"])
def test_ids_of_the_allowed_alphabet_pass(good: str) -> None:
    """Letters, digits, underscore and hyphen, 1 to 64 of them."""
    assert validate_id(good) == good


@pytest.mark.parametrize("bad", ["", "a" * 65, "E 1", "E.1", "专家", "E1\n"])
def test_other_ids_are_refused(bad: str) -> None:
    """Anything else raises expert_id_invalid."""
    with pytest.raises(ExpertIdInvalid) as caught:
        validate_id(bad)
    assert caught.value.code == "expert_id_invalid"


def test_expert_with_a_bad_id_cannot_be_built() -> None:
    """The model refuses an invalid id itself."""
    with pytest.raises(ExpertIdInvalid):
        _expert("E 1")


def test_expert_repr_hides_the_phone_and_the_id_card_number() -> None:
    """Only the id card's last four and a digest prefix appear; the phone not at all."""
    text = repr(_expert("E1"))
    assert "13800138000" not in text
    assert "110105" not in text
    assert "****002X" in text


def test_relationship_names_someone() -> None:
    """A relationship without organisation and person is refused."""
    with pytest.raises(ExpertRecordInvalid):
        Relationship(kind=RelationKind.OTHER)


def test_availability_uses_half_open_intervals() -> None:
    """Busy until the session starts is available; busy into it is not."""
    end = START + timedelta(hours=4)
    before = UnavailableInterval(start=START - timedelta(hours=2), end=START)
    into = UnavailableInterval(start=START - timedelta(hours=2), end=START + timedelta(minutes=1))
    assert Availability(expert_id="E1", unavailable=(before,)).is_available(START, end)
    assert not Availability(expert_id="E1", unavailable=(into,)).is_available(START, end)


def test_naive_or_reversed_intervals_are_refused() -> None:
    """Intervals take aware times and must end after they start."""
    with pytest.raises(TimeNotAware):
        UnavailableInterval(start=datetime(2025, 1, 1), end=START)
    with pytest.raises(ExpertRecordInvalid):
        UnavailableInterval(start=START, end=START)


def test_only_a_cities_rule_lists_cities() -> None:
    """local with cities, or cities without any, is refused."""
    with pytest.raises(ExpertRecordInvalid):
        RegionRule(kind=RegionRuleKind.LOCAL, cities=("340100",))
    with pytest.raises(ExpertRecordInvalid):
        RegionRule(kind=RegionRuleKind.CITIES)
