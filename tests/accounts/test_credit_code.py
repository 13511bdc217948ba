"""GB 32100-2015 unified social credit codes."""

from __future__ import annotations

import random

import asyncpg
import pytest

from accounts import credit_code
from accounts.errors import CreditCodeInvalid

# Published codes: the standard's own example and a well-known company's code.
PUBLISHED = ("91350100M000100Y43", "9144030071526726XG")


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    """Codes printed on real business licences pass the check."""
    assert credit_code.is_valid(code)


@pytest.mark.parametrize("code", PUBLISHED)
def test_changing_the_check_character_breaks_the_code(code: str) -> None:
    """Every other check character is refused."""
    for ch in credit_code.ALPHABET:
        if ch != code[-1]:
            assert not credit_code.is_valid(code[:-1] + ch)


def test_changing_any_body_character_breaks_the_code() -> None:
    """A single changed character is always detected (weights are coprime to 31)."""
    code = PUBLISHED[0]
    for i in range(17):
        for ch in credit_code.ALPHABET:
            if ch != code[i]:
                assert not credit_code.is_valid(code[:i] + ch + code[i + 1 :])


@pytest.mark.parametrize(
    "code",
    ["", "91350100M000100Y4", "91350100M000100Y433", "91350100I000100Y43", "9135010OM000100Y43"],
)
def test_wrong_length_or_letters_outside_the_alphabet_are_refused(code: str) -> None:
    """Length 18 and the 31-character alphabet (no I, O, S, V, Z) are required."""
    assert not credit_code.is_valid(code)
    with pytest.raises(CreditCodeInvalid):
        credit_code.normalise(code)


def test_normalise_accepts_lower_case_and_surrounding_spaces() -> None:
    """Users type codes in lower case; the stored form is upper case."""
    assert credit_code.normalise(" 9144030071526726xg ") == "9144030071526726XG"


def test_generated_codes_have_a_valid_organisation_code_part() -> None:
    """The nine-character GB 11714 part carries its own check character."""
    rng = random.Random(7)
    for _ in range(100):
        code = credit_code.generate(rng, region="341821")
        assert code[2:8] == "341821"
        assert credit_code.organisation_code_check(code[8:16]) == code[16]


async def test_python_and_database_checks_agree(owner_conn: asyncpg.Connection) -> None:
    """credit_code_valid() in 0001 and is_valid() decide alike on many codes."""
    rng = random.Random(20250301)
    codes = [credit_code.generate(rng) for _ in range(300)]
    # Corrupt a third of them at a random position with a random alphabet character.
    for i in range(0, len(codes), 3):
        pos = rng.randrange(18)
        codes[i] = codes[i][:pos] + rng.choice(credit_code.ALPHABET) + codes[i][pos + 1 :]
    codes += ["91350100M000100Y4", "91350100I000100Y43", "abc"]
    rows = await owner_conn.fetch(
        "SELECT c, credit_code_valid(c) AS ok FROM unnest($1::text[]) AS c", codes
    )
    verdicts = {row["c"]: row["ok"] for row in rows}
    assert any(verdicts.values())
    assert not all(verdicts.values())
    for code in codes:
        assert verdicts[code] == credit_code.is_valid(code), code
