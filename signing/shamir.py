"""Shamir secret sharing over GF(2^8), byte-wise, for 16-byte age file keys.

Field: GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B); addition is
XOR. Each byte j of the secret gets its own polynomial of degree k - 1,

    f_j(x) = secret[j] + c_1[j]·x + … + c_{k-1}[j]·x^(k-1),

and official x (1…n) holds share[j] = f_j(x). The random coefficients come from
``randbytes(len(secret) * (k - 1))``, laid out coefficient by coefficient
(c_1[0..len-1], then c_2[…], …). DESIGN.md, "Opening committee": 2 <= k < n <= 32.

``combine`` takes every released share and checks that all of them lie on one
polynomial of degree k - 1 before answering (DESIGN.md, "Opening").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from signing.errors import (
    ShamirDuplicateShare,
    ShamirInconsistentShares,
    ShamirNotEnoughShares,
    ShamirParametersInvalid,
    ShamirShareInvalid,
)

MIN_K = 2
MAX_N = 32
POLYNOMIAL = 0x11B


def _tables() -> tuple[list[int], list[int]]:
    """Exponent and logarithm tables for the generator 0x03 (0x02 does not generate 0x11B)."""
    exp = [0] * 510
    log = [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        doubled = value << 1
        if doubled & 0x100:
            doubled ^= POLYNOMIAL
        value ^= doubled  # value · 3 = value · 2 + value
    for power in range(255, 510):
        exp[power] = exp[power - 255]
    return exp, log


_EXP, _LOG = _tables()


def gf_mul(a: int, b: int) -> int:
    """a · b in GF(2^8) mod 0x11B."""
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def gf_div(a: int, b: int) -> int:
    """a / b in GF(2^8) mod 0x11B; b must not be 0."""
    if b == 0:
        raise ZeroDivisionError("division by zero in GF(2^8)")
    if a == 0:
        return 0
    return _EXP[_LOG[a] + 255 - _LOG[b]]


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class Share:
    """One official's share: its x (1…255) and one field element per secret byte."""

    x: int
    value: bytes

    def __repr__(self) -> str:
        return f"Share(x={self.x}, <{len(self.value)} bytes>)"


def check_parameters(k: int, n: int) -> None:
    """Refuse thresholds outside 2 <= k < n <= 32 (DESIGN.md, "Opening committee")."""
    if not MIN_K <= k < n <= MAX_N:
        raise ShamirParametersInvalid(f"need 2 <= k < n <= 32, got k={k}, n={n}")


def split(
    secret: bytes,
    k: int,
    n: int,
    *,
    randbytes: Callable[[int], bytes] = secrets.token_bytes,
) -> tuple[Share, ...]:
    """n shares of ``secret`` at x = 1…n, any k of which rebuild it."""
    check_parameters(k, n)
    width = len(secret)
    coefficients = randbytes(width * (k - 1))
    if len(coefficients) != width * (k - 1):
        raise ValueError("randbytes returned the wrong number of bytes")
    rows = [secret] + [coefficients[i * width : (i + 1) * width] for i in range(k - 1)]
    return tuple(Share(x=x, value=_evaluate_rows(rows, x)) for x in range(1, n + 1))


def _evaluate_rows(rows: Sequence[bytes], x: int) -> bytes:
    """Horner's rule for every byte position: rows[i] holds the coefficients of x^i."""
    out = bytearray(len(rows[0]))
    for row in reversed(rows):
        for j, coefficient in enumerate(row):
            out[j] = gf_mul(out[j], x) ^ coefficient
    return bytes(out)


def _check_shares(shares: Sequence[Share], k: int) -> None:
    if k < MIN_K or k > MAX_N:
        raise ShamirParametersInvalid(f"threshold k={k} outside 2…32")
    if not shares or any(not 1 <= s.x <= 255 for s in shares):
        raise ShamirShareInvalid("every share needs an x in 1…255")
    if len({len(s.value) for s in shares}) != 1 or not shares[0].value:
        raise ShamirShareInvalid("shares have different or empty lengths")
    if len({s.x for s in shares}) != len(shares):
        raise ShamirDuplicateShare("two shares carry the same x")
    if len(shares) < k:
        raise ShamirNotEnoughShares(f"{len(shares)} shares released, {k} needed")


def _lagrange_weights(xs: Sequence[int], at: int) -> list[int]:
    """Weights w_i with f(at) = sum w_i · f(xs[i]) for any f of degree < len(xs)."""
    weights = []
    for i, xi in enumerate(xs):
        numerator, denominator = 1, 1
        for j, xj in enumerate(xs):
            if i != j:
                numerator = gf_mul(numerator, at ^ xj)
                denominator = gf_mul(denominator, xi ^ xj)
        weights.append(gf_div(numerator, denominator))
    return weights


def interpolate(shares: Sequence[Share], at: int) -> bytes:
    """The value at x = ``at`` of the polynomial through ``shares`` (degree < len(shares))."""
    weights = _lagrange_weights([s.x for s in shares], at)
    out = bytearray(len(shares[0].value))
    for weight, share in zip(weights, shares, strict=True):
        for j, y in enumerate(share.value):
            out[j] ^= gf_mul(weight, y)
    return bytes(out)


def combine(shares: Sequence[Share], k: int) -> bytes:
    """The secret, from ALL released shares, which must lie on one degree k - 1 polynomial."""
    _check_shares(shares, k)
    ordered = sorted(shares, key=lambda s: s.x)
    basis, rest = ordered[:k], ordered[k:]
    for extra in rest:
        if interpolate(basis, extra.x) != extra.value:
            raise ShamirInconsistentShares(
                f"share x={extra.x} is not on the polynomial of shares "
                f"{[s.x for s in basis]}: the shares are inconsistent"
            )
    return interpolate(basis, 0)
