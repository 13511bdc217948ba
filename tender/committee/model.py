"""A lot's opening committee as appointed: officials with accounts, k of n (no I/O).

DESIGN.md, "Opening committee": n officials from at least two organisations, threshold
k with 2 ≤ k < n ≤ 32, each binding its age recipient to its certificate by a signed
recipient statement. The centre appoints the roster, a supervisor of the tender's
industry department approves exactly that roster (by its SHA-256), and it is frozen
once the first bid is sealed to it. The signing-level committee (what bidders seal to
and whose fingerprint is logged) is derived from it with the published code and the
current deadline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from cryptography import x509

from signing.canonical import canonical_json, sha256_hex
from signing.committee import Committee, Official
from signing.statements.base import SignedStatement
from tender.errors import TenderInputInvalid

MIN_K = 2
MAX_N = 32


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Seat:
    """One official of a roster: x, the account, the key and its proof."""

    x: int
    user_id: UUID
    organisation_id: UUID
    recipient: str
    certificate: x509.Certificate
    cert_sha256: str
    statement: SignedStatement

    def official(self) -> Official:
        """The signing-level official (for fingerprints and statement checks)."""
        return Official(
            x=self.x,
            recipient=self.recipient,
            cert_sha256=self.cert_sha256,
            certificate=self.certificate,
            statement=self.statement,
        )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Roster:
    """The committee of one lot as stored, with who appointed and approved it."""

    tender_id: UUID
    lot: str
    k: int
    seats: tuple[Seat, ...]
    appointed_by: UUID
    appointed_at: datetime
    approved_by: UUID | None = None
    approved_at: datetime | None = None
    frozen_at: datetime | None = None

    @property
    def n(self) -> int:
        """The number of officials."""
        return len(self.seats)

    @property
    def approved(self) -> bool:
        """Whether the supervising department approved this roster."""
        return self.approved_at is not None

    @property
    def user_ids(self) -> frozenset[UUID]:
        """The officials' accounts (accounts.permissions, Relation.OPENING_COMMITTEE)."""
        return frozenset(seat.user_id for seat in self.seats)

    @property
    def organisations(self) -> frozenset[UUID]:
        """The organisations the officials come from."""
        return frozenset(seat.organisation_id for seat in self.seats)

    @property
    def sha256(self) -> str:
        """What the supervisor approves: SHA-256 of the canonical roster."""
        return roster_sha256(self.tender_id, self.lot, self.k, self.seats)

    def committee(self, *, tender_code: str, deadline: datetime) -> Committee:
        """The signing-level committee bidders seal to (fingerprint of DESIGN.md)."""
        return Committee(
            tender=tender_code,
            lot=self.lot,
            deadline=deadline,
            k=self.k,
            n=self.n,
            officials=tuple(seat.official() for seat in self.seats),
        )


def roster_sha256(tender_id: UUID, lot: str, k: int, seats: Sequence[Seat]) -> str:
    """Hex SHA-256 of RFC 8785 {"tender", "lot", "k", "officials": [{x, user_id, …}]}."""
    value = {
        "tender": str(tender_id),
        "lot": lot,
        "k": k,
        "officials": [
            {
                "x": seat.x,
                "user_id": str(seat.user_id),
                "recipient": seat.recipient,
                "cert_sha256": seat.cert_sha256,
            }
            for seat in seats
        ],
    }
    return sha256_hex(canonical_json(value))


def check_shape(k: int, seats: Sequence[Seat]) -> None:
    """2 ≤ k < n ≤ 32, x = 1…n, no account, key or certificate twice."""
    n = len(seats)
    if not (MIN_K <= k < n <= MAX_N):
        raise TenderInputInvalid(f"an opening committee needs 2 ≤ k < n ≤ 32 (k={k}, n={n})")
    if [seat.x for seat in seats] != list(range(1, n + 1)):
        raise TenderInputInvalid("officials are listed with x = 1…n in order")
    for attribute in ("user_id", "recipient", "cert_sha256"):
        if len({getattr(seat, attribute) for seat in seats}) != n:
            raise TenderInputInvalid(f"two officials share one {attribute}")
