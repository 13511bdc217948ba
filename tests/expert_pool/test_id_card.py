"""Resident identity card numbers (GB 11643-1999) and keyed matching."""

from __future__ import annotations

from datetime import date

import pytest

from expert_pool.errors import ExpertRecordInvalid, IdCardInvalid
from expert_pool.id_card import (
    check_character,
    id_card_digest,
    id_card_matches,
    id_card_ref,
    validate_id_card,
)
from expert_pool.model import IdCardRef

KEY = b"k" * 32
SAMPLE = "11010519491231002X"  # the example printed in GB 11643-1999


def _mod_11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 written out independently: check = (12 - S mod 11) mod 11."""
    total = 0
    for position, digit in enumerate(first17):
        total += int(digit) * (2 ** (17 - position) % 11)
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@pytest.mark.parametrize("first17", ["11010519491231002", "44030019900307123", "34180219700615001"])
def test_check_character_matches_iso_7064_mod_11_2(first17: str) -> None:
    """The check character agrees with an independent computation."""
    assert check_character(first17) == _mod_11_2(first17)


def test_standard_example_is_valid_and_yields_its_birth_date() -> None:
    """The standard's own example validates and carries 31 December 1949."""
    assert validate_id_card(SAMPLE) == date(1949, 12, 31)
    assert validate_id_card(SAMPLE.lower()) == date(1949, 12, 31)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 characters
        "1101051949123100200",  # 19 characters
        "11010519491331002X",  # month 13
        "11010519490230002X",  # 30 February
        "99010519491231002X",  # no province 99
        "11010518991231002X",  # before 1900
        "1101051949123100A2",  # letter inside
        "",
    ],
)
def test_malformed_numbers_are_refused(number: str) -> None:
    """Wrong length, characters, date, province or check character is refused."""
    with pytest.raises(IdCardInvalid):
        validate_id_card(number)


def test_ref_keeps_a_keyed_hash_and_the_last_four_only() -> None:
    """The stored form holds no more than the last four characters of the number."""
    ref = id_card_ref(SAMPLE, KEY)
    assert ref.last4 == "002X"
    assert SAMPLE not in repr(ref)
    assert "1949" not in repr(ref)
    assert ref.digest != id_card_ref(SAMPLE, b"j" * 32).digest


def test_match_is_by_number_and_key() -> None:
    """The same number under the same key matches; another number or key does not."""
    ref = id_card_ref(SAMPLE, KEY)
    assert id_card_matches(ref, SAMPLE.lower(), KEY)
    assert not id_card_matches(ref, "440300199003071234", KEY)
    assert not id_card_matches(ref, SAMPLE, b"j" * 32)
    assert not id_card_matches(ref, "not a number", KEY)


def test_short_key_is_refused() -> None:
    """A matching key under 16 bytes is refused."""
    with pytest.raises(IdCardInvalid):
        id_card_digest(SAMPLE, b"short")


def test_ref_refuses_malformed_parts() -> None:
    """A digest that is not hex, or a last4 that is not digits, is refused."""
    with pytest.raises(ExpertRecordInvalid):
        IdCardRef(digest="xyz", last4="002X")
    with pytest.raises(ExpertRecordInvalid):
        IdCardRef(digest="0" * 64, last4="ABCD")
