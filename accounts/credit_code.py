"""GB 32100-2015 unified social credit codes (统一社会信用代码).

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, Z,
S, V): the registration authority, the organisation type, a six-digit GB/T 2260
region code, the nine-character GB 11714 organisation code (with its own check
character) and a final check character. The check character is chosen so that the
sum of each character's value times 3^i mod 31 (i = 0…16), plus the check value, is
a multiple of 31. The database checks the same rule in ``credit_code_valid()`` (0001).
"""

from __future__ import annotations

import random

from accounts.errors import CreditCodeInvalid

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}

# GB 11714-1997: weights of the eight body characters, check = 11 − sum mod 11.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first seventeen characters."""
    if len(first17) != 17 or any(ch not in _VALUE for ch in first17):
        raise CreditCodeInvalid("the first 17 characters are not from the code alphabet")
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed credit code with the right check character."""
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return check_character(code[:17]) == code[17]


def normalise(code: str) -> str:
    """The code in upper case if valid; otherwise raise ``CreditCodeInvalid``."""
    upper = code.strip().upper()
    if not is_valid(upper):
        raise CreditCodeInvalid(
            "not a unified social credit code: 18 characters of 0-9 and A-Y without "
            "I, O, S, V, Z, ending in the GB 32100-2015 check character"
        )
    return upper


def organisation_code_check(body: str) -> str:
    """GB 11714 check character of an eight-digit organisation code body."""
    if len(body) != 8 or not body.isdigit():
        raise CreditCodeInvalid("an organisation code body is eight digits here")
    total = sum(int(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def generate(
    rng: random.Random, *, region: str = "341800", authority: str = "9", org_type: str = "1"
) -> str:
    """A valid credit code for demo data and tests (9 1 = an enterprise by default)."""
    if len(region) != 6 or not region.isdigit():
        raise CreditCodeInvalid("a region code is six digits")
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = authority + org_type + region + body + organisation_code_check(body)
    return first17 + check_character(first17)
