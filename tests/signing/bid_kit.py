"""Helpers shared by the sealed-bid tests: a committee with real statements, sealing to bytes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from signing.age import X25519Identity
from signing.certs import Identity, cert_sha256
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.committee import Committee, Official
from signing.manifest import BidInfo, FieldValue
from signing.sealed_bid import BidFile, OpenedPart, open_part, seal_part
from signing.statements.recipient import RecipientStatement
from signing.trust import TrustStore

TENDER = "ZB-2025-0042"
LOT = "1"
DEADLINE = dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitteeKit:
    """A committee and the age identities of its officials (x = index + 1)."""

    committee: Committee
    identities: tuple[X25519Identity, ...]


def make_official(x: int, person: Identity, at: dt.datetime) -> tuple[Official, X25519Identity]:
    """An official with a fresh age identity and a statement signed by its certificate."""
    identity = X25519Identity.generate()
    recipient = identity.recipient().encode()
    statement = RecipientStatement.for_certificate(recipient, person.certificate, at)
    signed = statement.sign(person.certificate, person.key, chain=person.chain)
    official = Official(
        x=x,
        recipient=recipient,
        cert_sha256=cert_sha256(person.certificate),
        certificate=person.certificate,
        statement=signed,
    )
    return official, identity


def make_committee(
    people: Sequence[Identity], *, k: int, at: dt.datetime, tender: str = TENDER, lot: str = LOT
) -> CommitteeKit:
    """A committee of ``len(people)`` officials with threshold ``k``."""
    pairs = [make_official(x, person, at) for x, person in enumerate(people, start=1)]
    committee = Committee(
        tender=tender,
        lot=lot,
        deadline=DEADLINE,
        k=k,
        n=len(people),
        officials=tuple(p[0] for p in pairs),
    )
    return CommitteeKit(committee=committee, identities=tuple(p[1] for p in pairs))


def bid_info(
    *, part: str = "main", fields: Mapping[str, FieldValue] | None = None, tender: str = TENDER
) -> BidInfo:
    """The usual bid description for the test tender."""
    values = {"price": 123_400, "duration": 90} if fields is None else fields
    return BidInfo(tender=tender, lot=LOT, part=part, bidder="91350100M000100Y43", fields=values)


def seal_bytes(
    committee: Committee,
    *,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    at: dt.datetime,
    files: Mapping[str, bytes],
    info: BidInfo | None = None,
) -> bytes:
    """Seal ``files`` (name → bytes) as one part and return the age file."""
    out = io.BytesIO()
    seal_part(
        out,
        committee=committee,
        trust=trust,
        at=at,
        bidder_recipient=bidder_age.recipient(),
        info=info or bid_info(),
        files=[BidFile(name=n, size=len(d), source=io.BytesIO(d)) for n, d in files.items()],
        sign=lambda data: sign_detached(data, bidder.certificate, bidder.key, chain=bidder.chain),
    )
    return out.getvalue()


def open_bytes(
    sealed: bytes,
    committee: Committee,
    *,
    trust: TrustStore,
    at: dt.datetime,
    part: str = "main",
    file_key: bytes | None = None,
    identities: Sequence[X25519Identity] = (),
) -> OpenedPart[SignerInfo]:
    """Open a part held in memory, discarding the files."""

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return verify_detached(data, signature, trust, at)

    return open_part(
        io.BytesIO(sealed),
        committee=committee,
        part=part,
        verify=verify,
        file_key=file_key,
        identities=identities,
    )
