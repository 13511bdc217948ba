"""Bech32 (BIP 173) without the 90-character limit, as age uses it for keys.

c2sp.org/age, "Conventions": Bech32 as in BIP 173 but with no length limit on the
data part; strings are all upper or all lower case, and the checksum is always
computed over the lower-case form.
"""

from __future__ import annotations

from signing.errors import AgeKeyInvalid

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(_GENERATOR):
            if (top >> i) & 1:
                checksum ^= generator
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int]:
    """Regroup bits; without padding, leftover bits must be fewer than from_bits and zero."""
    accumulator = 0
    bits = 0
    out: list[int] = []
    mask = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & mask)
    if pad:
        if bits:
            out.append((accumulator << (to_bits - bits)) & mask)
    elif bits >= from_bits or (accumulator << (to_bits - bits)) & mask:
        raise AgeKeyInvalid("bech32 data has non-zero or excess padding bits")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Bech32 of ``data`` under ``hrp``, upper-case if ``hrp`` is upper-case."""
    lower = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(lower), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    text = lower + "1" + "".join(_CHARSET[v] for v in values + checksum)
    return text.upper() if hrp.isupper() else text


def decode(text: str) -> tuple[str, bytes]:
    """The (lower-case hrp, data) of a Bech32 string; refuses mixed case and bad checksums."""
    if text.lower() != text and text.upper() != text:
        raise AgeKeyInvalid("bech32 string mixes upper and lower case")
    if any(not 33 <= ord(c) <= 126 for c in text):
        raise AgeKeyInvalid("bech32 string has characters outside US-ASCII 33..126")
    lower = text.lower()
    separator = lower.rfind("1")
    if separator < 1 or separator + 7 > len(lower):
        raise AgeKeyInvalid("bech32 string has no human-readable part or checksum")
    hrp, rest = lower[:separator], lower[separator + 1 :]
    if any(c not in _CHARSET for c in rest):
        raise AgeKeyInvalid("bech32 data part has characters outside the alphabet")
    values = [_CHARSET.index(c) for c in rest]
    if _polymod([*_hrp_expand(hrp), *values]) != 1:
        raise AgeKeyInvalid("bech32 checksum does not verify")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
