"""Tenders, lots and opening-form fields (no I/O, time passed in).

A draft is edited as a whole (:class:`TenderDraft`) by its agency; the format of every
field is checked here when it is saved (``tender_input_invalid``), while the rules of
DOMAIN.md — periods, bond limit, thresholds, the committee — are checked together
before publication (rules.py), so an agency sees every broken rule at once.
Amounts are integers in fen (1 CNY = 100 fen); days are whole days. A lot's evaluation
method is method.py's (re-exported here with the shared checks of checks.py, so that
``tender.model`` stays the one place to import the tender's values from).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from tender.checks import MAX_AMOUNT_FEN as MAX_AMOUNT_FEN
from tender.checks import check_amount as check_amount
from tender.checks import check_text as check_text
from tender.errors import TenderInputInvalid
from tender.method import FULL_MARKS as FULL_MARKS
from tender.method import AdjustmentItem as AdjustmentItem
from tender.method import Criterion as Criterion
from tender.method import Evaluation as Evaluation
from tender.method import EvaluationMethod as EvaluationMethod
from tender.method import PriceFormula as PriceFormula
from tender.method import PriceScore as PriceScore
from tender.method import QualificationItem as QualificationItem
from tender.method import SubItem as SubItem
from tender.method import TieRule as TieRule

MAX_LOTS = 99
_LOT_NUMBER = re.compile(r"[1-9][0-9]{0,1}")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")  # docs/formats/sealed-bid.md §7


class Category(enum.StrEnum):
    """What is procured (DOMAIN.md thresholds differ per category)."""

    WORKS = "works"
    GOODS = "goods"
    SERVICES = "services"


# 工程 / 货物 / 服务: the category part of the transaction code.
CATEGORY_CODES: Mapping[Category, str] = {
    Category.WORKS: "GC",
    Category.GOODS: "HW",
    Category.SERVICES: "FW",
}


class Procedure(enum.StrEnum):
    """Open tendering (公开招标) or invited tendering (邀请招标)."""

    OPEN = "open"
    INVITED = "invited"


class TenderStatus(enum.StrEnum):
    """The tender lifecycle (DESIGN.md, "Lifecycles")."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUSPENDED = "suspended"  # Reg. 22: paused until objections are answered
    BIDDING_CLOSED = "bidding_closed"
    OPENING = "opening"
    EVALUATION = "evaluation"
    CANDIDATES = "candidates"  # the evaluation handed over its candidates, not yet publicised
    CANDIDATES_PUBLICISED = "candidates_publicised"
    AWARDED = "awarded"
    CONTRACT = "contract"
    PERFORMANCE = "performance"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"
    FAILED = "failed"


# Statuses in which the notice is public (everything after the draft).
PUBLIC_STATUSES = frozenset(TenderStatus) - {TenderStatus.DRAFT}
# Statuses in which the documents, clarifications and objections of Reg. 16–22 apply.
BIDDING_STATUSES = frozenset({TenderStatus.PUBLISHED, TenderStatus.SUSPENDED})


class OpeningPolicy(enum.StrEnum):
    """DESIGN.md, "Opening": strict (shares must open a bid) or lenient (either path)."""

    STRICT = "strict"
    LENIENT = "lenient"


class SigningKeys(enum.StrEnum):
    """Which keys may sign the committee's findings of the tender's evaluation (issue 12).

    ``any``: every registered certificate, a browser device key's too; ``ca``: the
    member's own CA-held key only — a certificate registered as a browser device key
    (docs/api-auth.md, "Device keys") signs no sheet, revision or report signature.
    """

    ANY = "any"
    CA = "ca"


class Sealing(enum.StrEnum):
    """Where bidders may seal their parts (issue 16; docs/api-tenders.md, "Sealing").

    ``any``: in the browser (the platform's sealing page) or with ``etender bid seal``;
    ``client``: with ``etender bid seal`` on the bidder's machine only — the agency
    does not accept the trust a page's bundle asks for (docs/browser-signing.md). The
    sealed format is the same either way, so the server cannot tell the two apart:
    the bidder's page enforces ``client`` by refusing to seal, and the notice states it.
    """

    ANY = "any"
    CLIENT = "client"


class FieldKind(enum.StrEnum):
    """Types of the opening-form fields bidders fill (read back at the opening)."""

    FEN = "fen"  # an amount of money in fen
    DAYS = "days"  # a duration in whole days
    INTEGER = "integer"
    TEXT = "text"


# The manifest requires these names to carry integers (sealed-bid.md §7).
REQUIRED_KINDS: Mapping[str, FieldKind] = {"price": FieldKind.FEN, "duration": FieldKind.DAYS}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Lot:
    """One lot (标段): its prices, bond and evaluation method."""

    number: str
    title: str
    estimated_price_fen: int
    price_ceiling_fen: int
    bond_fen: int
    evaluation: Evaluation

    def __post_init__(self) -> None:
        if not _LOT_NUMBER.fullmatch(self.number):
            raise TenderInputInvalid("a lot number is 1–99 without leading zeros")
        check_text(self.title, name="a lot title", limit=200)
        check_amount(self.estimated_price_fen, name="estimated_price_fen")
        check_amount(self.price_ceiling_fen, name="price_ceiling_fen")
        check_amount(self.bond_fen, name="bond_fen")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpeningField:
    """A field of the opening form that every bid's manifest carries."""

    name: str
    label: str
    kind: FieldKind
    required: bool = True

    def __post_init__(self) -> None:
        if not _FIELD_NAME.fullmatch(self.name):
            raise TenderInputInvalid(f"field name {self.name!r} is [a-z][a-z0-9_]{{0,63}}")
        check_text(self.label, name="a field label", limit=100)
        wanted = REQUIRED_KINDS.get(self.name)
        if wanted is not None and self.kind is not wanted:
            raise TenderInputInvalid(f"the field {self.name} is of kind {wanted}")


DEFAULT_OPENING_FIELDS: tuple[OpeningField, ...] = (
    OpeningField(name="price", label="投标报价", kind=FieldKind.FEN),
    OpeningField(name="duration", label="工期（日历天）", kind=FieldKind.DAYS),
    OpeningField(name="quality", label="质量标准", kind=FieldKind.TEXT),
    OpeningField(name="project_manager", label="项目经理", kind=FieldKind.TEXT),
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Schedule:
    """The dates of a tender; None while a draft is incomplete. Deadline = opening."""

    documents_from: datetime | None = None
    documents_until: datetime | None = None
    clarification_cutoff: datetime | None = None
    deadline: datetime | None = None
    decryption_minutes: int = 30

    def __post_init__(self) -> None:
        for name in ("documents_from", "documents_until", "clarification_cutoff", "deadline"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise TenderInputInvalid(f"{name} must carry a time zone")
        # The committee fingerprint states the deadline in whole seconds (DESIGN.md).
        if self.deadline is not None and self.deadline.microsecond:
            raise TenderInputInvalid("the deadline is given in whole seconds")
        if not 1 <= self.decryption_minutes <= 24 * 60:
            raise TenderInputInvalid("the decryption window is 1–1440 minutes")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class TenderDraft:
    """Everything an agency edits before publication."""

    title: str
    description: str = ""
    category: Category
    procedure: Procedure
    envelopes: int = 1
    consortia_allowed: bool = False
    opening_policy: OpeningPolicy = OpeningPolicy.STRICT
    tenderer_id: UUID
    department_id: UUID
    invitation_approval: str = ""  # approval reference for invited tendering (Reg. 8)
    schedule: Schedule = Schedule()
    lots: tuple[Lot, ...] = ()
    opening_fields: tuple[OpeningField, ...] = DEFAULT_OPENING_FIELDS
    signing_keys: SigningKeys = SigningKeys.ANY
    sealing: Sealing = Sealing.ANY

    def __post_init__(self) -> None:
        check_text(self.title, name="the title", limit=200)
        check_text(self.description, name="the description", limit=20_000, allow_empty=True)
        check_text(self.invitation_approval, name="the approval", limit=200, allow_empty=True)
        if self.envelopes not in (1, 2):
            raise TenderInputInvalid("a tender has one or two envelopes")
        if len(self.lots) > MAX_LOTS or len({lot.number for lot in self.lots}) != len(self.lots):
            raise TenderInputInvalid(f"lot numbers are unique, at most {MAX_LOTS} lots")
        names = [f.name for f in self.opening_fields]
        if len(set(names)) != len(names) or len(names) > 32:
            raise TenderInputInvalid("opening-form field names are unique, at most 32 fields")

    @property
    def parts(self) -> tuple[str, ...]:
        """The sealed parts of every bid (DESIGN.md, "Sealed bid")."""
        return ("main",) if self.envelopes == 1 else ("technical", "commercial")

    @property
    def estimated_total_fen(self) -> int:
        """The estimated price of all lots together."""
        return sum(lot.estimated_price_fen for lot in self.lots)

    def lot(self, number: str) -> Lot | None:
        """The lot with this number, if any."""
        return next((lot for lot in self.lots if lot.number == number), None)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Tender:
    """A tender as stored: its draft content, status and publication facts."""

    id: UUID
    code: str | None
    status: TenderStatus
    agency_id: UUID
    created_by: UUID
    content: TenderDraft
    lot_ids: Mapping[str, UUID]
    policies: Mapping[str, Any] | None  # the snapshot taken at publication
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    result_published_at: datetime | None = None
    # The centre hosting the tender and the city centre above it, if it is a county
    # sub-centre: their staff act on it (accounts/permissions.py, relation ``centre``).
    centres: frozenset[UUID] = frozenset()

    @property
    def deadline(self) -> datetime | None:
        """The bid deadline, which is also the opening time (Law 34)."""
        return self.content.schedule.deadline

    @property
    def is_public(self) -> bool:
        """Whether the notice has been published."""
        return self.status in PUBLIC_STATUSES

    def lot_id(self, number: str) -> UUID | None:
        """The database id of a lot, by number."""
        return self.lot_ids.get(number)
