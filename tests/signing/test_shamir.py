"""Shamir secret sharing over GF(2^8) mod 0x11B (DESIGN.md, "Opening committee", "Opening")."""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from signing import shamir
from signing.errors import (
    ShamirDuplicateShare,
    ShamirInconsistentShares,
    ShamirNotEnoughShares,
    ShamirParametersInvalid,
    ShamirShareInvalid,
)

secrets_16 = st.binary(min_size=16, max_size=16)


@st.composite
def thresholds(draw: st.DrawFn) -> tuple[int, int]:
    """(k, n) with 2 <= k < n <= 32."""
    n = draw(st.integers(min_value=3, max_value=32))
    return draw(st.integers(min_value=2, max_value=n - 1)), n


def _slow_mul(a: int, b: int) -> int:
    """Carry-less multiplication then reduction by x^8 + x^4 + x^3 + x + 1, bit by bit."""
    product = 0
    for bit in range(8):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(14, 7, -1):
        if product >> bit & 1:
            product ^= 0x11B << (bit - 8)
    return product


def test_field_multiplication_matches_the_aes_polynomial() -> None:
    """The table multiplication agrees with schoolbook multiplication mod 0x11B."""
    for a, b in itertools.product(range(256), repeat=2):
        assert shamir.gf_mul(a, b) == _slow_mul(a, b)


def test_fips_197_example_product() -> None:
    """FIPS 197 section 4.2: {57} · {83} = {c1}."""
    assert shamir.gf_mul(0x57, 0x83) == 0xC1


def test_division_inverts_multiplication() -> None:
    """a · b / b = a for every b != 0."""
    for a, b in itertools.product(range(256), range(1, 256)):
        assert shamir.gf_div(shamir.gf_mul(a, b), b) == a


@settings(max_examples=60, deadline=None)
@given(secret=secrets_16, kn=thresholds(), data=st.data())
def test_any_k_or_more_shares_rebuild_the_secret(
    secret: bytes, kn: tuple[int, int], data: st.DataObject
) -> None:
    """Every subset of at least k consistent shares gives back the secret."""
    k, n = kn
    shares = shamir.split(secret, k, n)
    chosen = data.draw(st.lists(st.sampled_from(shares), min_size=k, max_size=n, unique=True))
    assert shamir.combine(chosen, k) == secret


@settings(max_examples=60, deadline=None)
@given(secret=secrets_16, other=secrets_16, kn=thresholds(), data=st.data())
def test_fewer_than_k_shares_say_nothing_about_the_secret(
    secret: bytes, other: bytes, kn: tuple[int, int], data: st.DataObject
) -> None:
    """k - 1 shares are consistent with ANY secret: some degree k-1 polynomial fits both."""
    k, n = kn
    shares = shamir.split(secret, k, n)
    few = data.draw(st.lists(st.sampled_from(shares), min_size=k - 1, max_size=k - 1, unique=True))
    with pytest.raises(ShamirNotEnoughShares):
        shamir.combine(few, k)
    # Add the point (x=0, other) and interpolate: the result passes through every
    # released share, so the shares cannot tell ``secret`` from ``other``.
    forged = [shamir.Share(x=0, value=other), *few]
    for share in few:
        assert shamir.interpolate(forged, share.x) == share.value
    assert shamir.interpolate(forged, 0) == other


@settings(max_examples=60, deadline=None)
@given(secret=secrets_16, kn=thresholds(), data=st.data())
def test_an_altered_share_among_more_than_k_is_detected(
    secret: bytes, kn: tuple[int, int], data: st.DataObject
) -> None:
    """With k + 1 or more shares, changing any one makes them inconsistent."""
    k, n = kn
    shares = list(shamir.split(secret, k, n))
    chosen = data.draw(st.lists(st.sampled_from(shares), min_size=k + 1, max_size=n, unique=True))
    victim = data.draw(st.integers(min_value=0, max_value=len(chosen) - 1))
    delta = data.draw(st.binary(min_size=16, max_size=16))
    assume(any(delta))
    bad = bytes(a ^ b for a, b in zip(chosen[victim].value, delta, strict=True))
    chosen[victim] = shamir.Share(x=chosen[victim].x, value=bad)
    with pytest.raises(ShamirInconsistentShares) as info:
        shamir.combine(chosen, k)
    assert info.value.code == "shamir_inconsistent_shares"


def test_shares_of_two_different_polynomials_are_inconsistent() -> None:
    """Mixing shares of two splits (e.g. two bids) is caught when more than k are given."""
    first = shamir.split(os.urandom(16), 2, 4)
    second = shamir.split(os.urandom(16), 2, 4)
    with pytest.raises(ShamirInconsistentShares):
        shamir.combine([first[0], first[1], second[2]], 2)


def test_injected_randomness_makes_the_split_deterministic() -> None:
    """Coefficients come only from randbytes, called once for 16·(k-1) bytes."""
    calls: list[int] = []

    def fixed(size: int) -> bytes:
        calls.append(size)
        return bytes(range(size))

    secret = os.urandom(16)
    assert shamir.split(secret, 3, 5, randbytes=fixed) == shamir.split(
        secret, 3, 5, randbytes=fixed
    )
    assert calls == [32, 32]


def test_share_x_values_are_one_to_n() -> None:
    """Official x holds f(x), x = 1…n."""
    assert [s.x for s in shamir.split(os.urandom(16), 2, 7)] == list(range(1, 8))


@pytest.mark.parametrize(("k", "n"), [(1, 3), (3, 3), (4, 3), (2, 33), (0, 5)])
def test_thresholds_outside_the_rule_are_refused(k: int, n: int) -> None:
    """2 <= k < n <= 32: no single official can open, one absence does not block."""
    with pytest.raises(ShamirParametersInvalid) as info:
        shamir.split(os.urandom(16), k, n)
    assert info.value.code == "shamir_parameters_invalid"


def test_duplicate_x_is_refused() -> None:
    """The same official's share twice is not two shares."""
    shares = shamir.split(os.urandom(16), 2, 3)
    with pytest.raises(ShamirDuplicateShare) as info:
        shamir.combine([shares[0], shares[0]], 2)
    assert info.value.code == "shamir_duplicate_share"


@pytest.mark.parametrize(
    "bad",
    [shamir.Share(x=0, value=bytes(16)), shamir.Share(x=256, value=bytes(16))],
)
def test_share_with_x_outside_the_field_is_refused(bad: shamir.Share) -> None:
    """x = 0 is the secret itself; x > 255 is not a field element."""
    shares = shamir.split(os.urandom(16), 2, 3)
    with pytest.raises(ShamirShareInvalid):
        shamir.combine([shares[0], bad], 2)


def test_shares_of_different_lengths_are_refused() -> None:
    """All shares of one secret have its length."""
    shares = shamir.split(os.urandom(16), 2, 3)
    with pytest.raises(ShamirShareInvalid):
        shamir.combine([shares[0], shamir.Share(x=2, value=bytes(15))], 2)


def test_share_repr_hides_its_value() -> None:
    """A share in a log line does not show its bytes."""
    share = shamir.split(b"\xab" * 16, 2, 3)[0]
    assert share.value.hex() not in repr(share)
