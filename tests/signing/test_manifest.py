"""Whose bid a manifest is (signing/manifest.py, ``check_bid_identity``; sealed-bid.md §7)."""

from __future__ import annotations

import dataclasses

import pytest

from signing.errors import BidNotBiddersOwn
from signing.manifest import BidIdentity, BidInfo, Manifest, ManifestFile, check_bid_identity

A, B, C = "91350100M000100Y43", "91110000600037341L", "913418006654259869"
FROZEN = BidIdentity(tender="ZB-2025-0042", lot="1", part="main", bidder=A, consortium=(C,))


def _manifest(**changes: object) -> Manifest:
    info = BidInfo(tender="ZB-2025-0042", lot="1", part="main", bidder=A, consortium=(C,))
    return Manifest(
        info=dataclasses.replace(info, **changes),  # type: ignore[arg-type]
        committee_fingerprint="0" * 64,
        files=(ManifestFile(name="a.txt", size=1, sha256="1" * 64),),
    )


def test_a_manifest_signed_for_the_frozen_bidder_and_naming_it_is_its_own() -> None:
    """Signer's credit code, bidder, consortium (as a set), tender, lot, part all match."""
    check_bid_identity(_manifest(), A, FROZEN)


@pytest.mark.parametrize(
    ("manifest", "signer"),
    [
        pytest.param(_manifest(), B, id="signed-for-another-organisation"),
        pytest.param(_manifest(), None, id="signer-carries-no-credit-code"),
        pytest.param(_manifest(bidder=B, consortium=(C,)), B, id="another-bidders-manifest"),
        pytest.param(_manifest(consortium=()), A, id="consortium-left-out"),
        pytest.param(_manifest(consortium=(B, C)), A, id="consortium-member-added"),
        pytest.param(_manifest(lot="2"), A, id="another-lot"),
        pytest.param(_manifest(part="technical"), A, id="another-part"),
    ],
)
def test_a_part_that_is_not_the_frozen_bids_own_is_refused(
    manifest: Manifest, signer: str | None
) -> None:
    """A copy of another bidder's sealed file, or a manifest naming another bid."""
    with pytest.raises(BidNotBiddersOwn) as caught:
        check_bid_identity(manifest, signer, FROZEN)
    assert caught.value.code == "bid_not_bidders_own"
