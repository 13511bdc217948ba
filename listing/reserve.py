"""The reserve price (底价), sealed in the sealed-bid format to the listing's committee.

Issue 18, item 1: the seller seals the reserve before the listing starts as one part of
docs/formats/sealed-bid.md (tender = the listing's code, lot and part ``reserve``, the
field ``reserve_fen`` in the manifest's info, signed by the seller's certificate), to an
opening committee of k of n officials chosen from the officials' registered keys
(DESIGN.md, "Opening committee"; accounts/keys). Once the listing has started the reserve
is never replaced or withdrawn, so the seller holds no option after seeing the price. At
the end, k officials release their shares (checked against the commitments in the header,
tender/opening/model.py) and the reserve opens without the seller's help.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg
from cryptography import x509

from accounts.keys import official_queries
from listing.errors import (
    ListingInputInvalid,
    ListingReserveInvalid,
    ListingReserveUnopened,
    ListingShareInvalid,
)
from listing.model import RESERVE_FIELD, RESERVE_LOT, RESERVE_PART, Listing
from listing.policy import ListingPolicies
from signing import shamir
from signing.age import parse_header
from signing.certs import subject_credit_code
from signing.cms import SignerInfo, verify_detached
from signing.committee import Committee, Official, dump_committee, load_committee, verify_committee
from signing.errors import EtenderError, SigningError
from signing.sealed_bid import inspect_header, open_part, recover_file_key
from signing.statements.base import SignedStatement
from signing.trust import TrustStore
from tender.opening.model import ShareCheck, check_released_share

MAX_SEALED_BYTES = 65_536  # one small manifest and a short file: far above any real reserve


async def build_committee(
    conn: asyncpg.Connection, *, code: str, starts_at: datetime, k: int,
    user_ids: Sequence[UUID], policies: ListingPolicies, trust: TrustStore | None, now: datetime,
) -> bytes:  # fmt: skip
    """The committee file of a new listing from the officials' registered keys (x in order).

    Its deadline is the listing's start: the reserve is sealed before it."""
    if len(set(user_ids)) != len(user_ids):
        raise ListingInputInvalid("an official is chosen once", details={"field": "officials"})
    found = {o.user_id: o for o in await official_queries.registered_officials(conn, user_ids)}
    missing = [str(u) for u in user_ids if u not in found]
    if missing:
        raise ListingInputInvalid(
            "an official chosen has no registered keys",
            details={"field": "officials", "user_ids": missing},
        )
    if len({found[u].organisation_id for u in user_ids}) < policies.committee_min_organisations:
        raise ListingInputInvalid(
            f"officials from at least {policies.committee_min_organisations} organisations",
            details={"field": "officials"},
        )
    officials = tuple(
        Official(
            x=x, recipient=found[u].recipient, cert_sha256=found[u].cert_sha256,
            certificate=x509.load_der_x509_certificate(found[u].certificate),
            statement=SignedStatement(body=found[u].statement, signature=found[u].signature),
        )
        for x, u in enumerate(user_ids, start=1)
    )  # fmt: skip
    try:
        committee = Committee(
            tender=code, lot=RESERVE_LOT, deadline=starts_at.replace(microsecond=0),
            k=k, n=len(officials), officials=officials,
        )  # fmt: skip
        if trust is not None:
            verify_committee(committee, trust, now)
    except SigningError as exc:
        raise ListingInputInvalid(
            f"the committee is refused: {exc.message}",
            details={"field": "officials", "cause": exc.code},
        ) from None
    return dump_committee(committee)


def committee_of(listing: Listing) -> Committee:
    """The signing-level committee the reserve is sealed to."""
    return load_committee(listing.committee)


def check_sealed(listing: Listing, data: bytes) -> None:
    """One part sealed to this listing's committee: checked on its header, without keys."""
    if not 0 < len(data) <= MAX_SEALED_BYTES:
        raise ListingReserveInvalid(
            f"a sealed reserve is 1–{MAX_SEALED_BYTES} bytes", details={"field": "sealed"}
        )
    try:
        inspect_header(data, committee_of(listing))
    except EtenderError as exc:
        raise ListingReserveInvalid(
            f"the reserve is not sealed to this listing's committee: {exc.message}",
            details={"cause": exc.code},
        ) from None


def check_share(listing: Listing, sealed: bytes, x: int, value: bytes) -> None:
    """A released share matches the commitment of official x's stanza (tender's check)."""
    committee = committee_of(listing)
    try:
        share = shamir.Share(x=x, value=value)
        verdict = check_released_share(
            parse_header(sealed), share, fingerprint=committee.fingerprint, part=RESERVE_PART
        )
    except EtenderError as exc:
        raise ListingShareInvalid(
            f"the share is refused: {exc.message}", details={"cause": exc.code}
        ) from None
    if verdict is not ShareCheck.ACCEPTED:
        # DESIGN.md, "Opening": a share off its commitment proves nothing; it is not stored.
        raise ListingShareInvalid(
            "the share does not match its commitment", details={"cause": "disputed"}
        )


def open_reserve(
    listing: Listing, sealed: bytes, released: Sequence[tuple[int, bytes]],
    *, seller_credit_code: str, trust: TrustStore | None, now: datetime,
) -> int:  # fmt: skip
    """The reserve in fen, opened with k released shares; refused with the cause otherwise."""
    committee = committee_of(listing)
    if len(released) < committee.k:
        raise ListingReserveUnopened(
            f"{len(released)} of the {committee.k} shares needed are released",
            details={"released": len(released), "k": committee.k},
        )

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        if trust is None:
            raise ListingReserveUnopened("no trust store to check the seller's signature")
        return verify_detached(data, signature, trust, now)

    try:
        shares = [shamir.Share(x=x, value=v) for x, v in released]
        key = recover_file_key(parse_header(sealed), shares, committee.k)
        opened = open_part(
            io.BytesIO(sealed), committee=committee, part=RESERVE_PART, verify=verify,
            file_key=key,
        )  # fmt: skip
    except EtenderError as exc:
        raise ListingReserveUnopened(
            f"the reserve does not open: {exc.message}", details={"cause": exc.code}
        ) from None
    if subject_credit_code(opened.signer.certificate) != seller_credit_code:
        raise ListingReserveUnopened(
            "the reserve is not signed by the seller", details={"cause": "not_sellers"}
        )
    value = opened.manifest.info.fields.get(RESERVE_FIELD)
    if type(value) is not int or value <= 0:
        raise ListingReserveUnopened(
            f"the opened part has no whole {RESERVE_FIELD} above 0",
            details={"cause": "reserve_field"},
        )
    return value
