"""The market-party registry's pure parts (issue 14, item 2: 市场主体信息库).

A market party is an organisation of one of the kinds that take part in tenders:
bidders, agencies, tenderers and experts' employers (DOMAIN.md "Who uses it"); the
centres and departments are the platform's own and are not parties.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

from accounts.model import OrgKind
from signing.errors import EtenderError
from supervision.parties.errors import PartyInputInvalid

E = TypeVar("E", bound=enum.StrEnum)

MARKET_KINDS = frozenset(
    {OrgKind.BIDDER, OrgKind.AGENCY, OrgKind.TENDERER, OrgKind.EXPERT_EMPLOYER}
)


class PersonRole(enum.StrEnum):
    LEGAL_REPRESENTATIVE = "legal_representative"
    PRINCIPAL = "principal"
    PROJECT_MANAGER = "project_manager"
    STAFF = "staff"


class RelationKind(enum.StrEnum):
    """Relations between parties that make them related bidders (Reg. 34)."""

    CONTROLLING = "controlling"
    MANAGED_BY = "managed_by"
    SHARED_LEGAL_REPRESENTATIVE = "shared_legal_representative"
    SHARED_PRINCIPAL = "shared_principal"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Party:
    id: UUID
    credit_code: str
    name: str
    kind: OrgKind
    region: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Qualification:
    id: UUID
    organisation_id: UUID
    kind: str
    grade: str
    number: str
    issuer: str
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Person:
    """One of a party's people: the ID number only as its keyed hash (never the number)."""

    id: UUID
    organisation_id: UUID
    role: PersonRole
    name: str
    id_hash: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Relation:
    from_org: UUID
    to_org: UUID
    kind: RelationKind
    basis: str
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Project:
    """A lot the party won (the current award) and, if so, its contract and acceptance."""

    tender_id: UUID
    title: str
    lot: str
    price_fen: int | None
    won_at: datetime
    signed_on: date | None
    contract_fen: int | None
    performed: bool


def text(
    name: str,
    value: str,
    *,
    most: int,
    least: int = 1,
    error: type[EtenderError] = PartyInputInvalid,
) -> str:
    """A stripped text of ``least``..``most`` characters without NUL, or ``error``."""
    value = value.strip()
    if not least <= len(value) <= most or "\x00" in value:
        raise error(f"{name} takes {least} to {most} characters", details={"field": name})
    return value


def choice(
    kind: type[E], name: str, value: str, *, error: type[EtenderError] = PartyInputInvalid
) -> E:
    """``value`` as a member of ``kind``, or ``error`` naming the choices."""
    try:
        return kind(value)
    except ValueError:
        allowed = [str(m) for m in kind]
        raise error(
            f"{name} is one of {', '.join(allowed)}", details={"field": name, "allowed": allowed}
        ) from None
