"""PRC resident identity card numbers (GB 11643-1999): validation and keyed matching.

A number is 18 characters: a 6-digit GB/T 2260 address code, an 8-digit birth date
(YYYYMMDD), a 3-digit sequence code (odd for men, even for women) and a check
character computed with ISO 7064 MOD 11-2 (digits, or ``X`` for ten).

The platform never stores the number: `id_card_ref` keeps an HMAC-SHA256 under a key
the caller holds (the security administrator's, DESIGN.md "三员分立") plus the last
four characters, so a number can be matched again (`id_card_matches`) but not read back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from expert_pool.errors import IdCardInvalid
from expert_pool.model import IdCardRef

_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# ISO 7064 MOD 11-2 weights: 2^(17-i) mod 11 for positions i = 0..16.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"  # check character for (weighted sum mod 11) = 0..10
# GB/T 2260 province-level codes, plus 83 (residence permits for Taiwan residents)
# and 81/82 (Hong Kong and Macao) used by residence-permit numbers of the same shape.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_MIN_KEY_BYTES = 16


def normalise_id_card(number: str) -> str:
    """Strip surrounding blanks and upper-case a trailing ``x``."""
    return number.strip().upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def validate_id_card(number: str) -> date:
    """Validate a number per GB 11643-1999 and return the birth date inside it."""
    value = normalise_id_card(number)
    if _SHAPE.fullmatch(value) is None:
        raise IdCardInvalid("an identity card number is 17 digits and a digit or X")
    if int(value[:2]) not in _PROVINCES:
        raise IdCardInvalid("the address code does not start with a province code")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdCardInvalid("the birth date inside the number is not a date") from None
    if born.year < 1900:
        raise IdCardInvalid("the birth date inside the number is before 1900")
    if check_character(value[:17]) != value[17]:
        raise IdCardInvalid("the check character does not match (ISO 7064 MOD 11-2)")
    return born


def id_card_digest(number: str, key: bytes) -> str:
    """Hex HMAC-SHA256 under `key` of the normalised, validated number."""
    if len(key) < _MIN_KEY_BYTES:
        raise IdCardInvalid(f"the matching key must be at least {_MIN_KEY_BYTES} bytes")
    value = normalise_id_card(number)
    validate_id_card(value)
    return hmac.new(key, value.encode("ascii"), hashlib.sha256).hexdigest()


def id_card_ref(number: str, key: bytes) -> IdCardRef:
    """The stored form of a number: keyed digest plus last four characters."""
    digest = id_card_digest(number, key)
    return IdCardRef(digest=digest, last4=normalise_id_card(number)[-4:])


def id_card_matches(ref: IdCardRef, number: str, key: bytes) -> bool:
    """Whether `number` is the one `ref` was made from (constant-time compare)."""
    try:
        digest = id_card_digest(number, key)
    except IdCardInvalid:
        return False
    return hmac.compare_digest(digest, ref.digest)
