"""The two roundings of the evaluation's arithmetic, on integers only (no floats).

docs/formats/evaluation-method.md §3.1. Every quotient the method computes — a price
score, a mean of members' points, a mean of adjustments — is an exact fraction n / d
of integers, rounded once, at the end, by one of these:

- :func:`div_half_up` — to the nearest integer, a half upwards (points are never
  negative, so this is also "half away from zero" for them);
- :func:`div_half_away` — to the nearest integer, a half away from zero, for amounts
  that may be negative (adjustments): −2.5 fen → −3, 2.5 fen → 3, symmetric.
"""

from __future__ import annotations


def div_half_up(n: int, d: int) -> int:
    """round(n / d), a half upwards: ⌊(2n + d) / 2d⌋ (d > 0)."""
    if d <= 0:
        raise ValueError("the divisor is positive")
    return (2 * n + d) // (2 * d)


def div_half_away(n: int, d: int) -> int:
    """round(n / d), a half away from zero (d > 0)."""
    return div_half_up(n, d) if n >= 0 else -div_half_up(-n, d)
