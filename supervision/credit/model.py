"""The credit record's pure parts: violations, sanctions, list entries, appeals, the formula.

DOMAIN.md "Monitoring and supervision" and issue 14, item 2: a violation rests on a
finding; a sanction rests on a violation; the black list (失信惩戒) refuses a party while
an entry runs; the credit score is computed from counted facts by a formula that is data
(policy.json), validated when it is loaded.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from supervision.credit.errors import (
    CreditEntryBasisMissing,
    CreditEntryTermInvalid,
    CreditInputInvalid,
    CreditPolicyInvalid,
    ViolationFindingMissing,
)
from supervision.parties import model as parties

E = TypeVar("E", bound=enum.StrEnum)


class FindingSource(enum.StrEnum):
    """What a violation was found by (issue 14: no violation without a finding)."""

    INSPECTION = "inspection"
    COMPLAINT = "complaint"
    SUPERVISION_RECORD = "supervision_record"
    AUTHORITY = "authority"


class SanctionKind(enum.StrEnum):
    WARNING = "warning"
    FINE = "fine"
    SUSPENSION = "suspension"
    DEBARMENT = "debarment"


class ListKind(enum.StrEnum):
    RED = "red"
    BLACK = "black"


class AppealState(enum.StrEnum):
    NONE = "none"
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class AppealDecision(enum.StrEnum):
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Gate(enum.StrEnum):
    """The three acts a blacklisted party is refused (issue 14, item 2)."""

    REGISTER = "register"
    DOWNLOAD_DOCUMENTS = "download_documents"
    SUBMIT_BID = "submit_bid"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Violation:
    id: UUID
    organisation_id: UUID
    kind: str
    description: str
    finding_source: FindingSource
    finding_ref: str
    tender_id: UUID | None
    found_at: datetime
    department_id: UUID
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Sanction:
    id: UUID
    violation_id: UUID
    kind: SanctionKind
    detail: str
    amount_fen: int | None
    starts_at: datetime
    ends_at: datetime | None
    department_id: UUID
    decided_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ListEntry:
    id: UUID
    organisation_id: UUID | None
    credit_code: str
    party_name: str | None
    list: ListKind
    source: FindingSource
    violation_id: UUID | None
    basis: str
    basis_ref: str
    starts_at: datetime
    ends_at: datetime
    department_id: UUID
    entered_at: datetime
    appeal_state: AppealState
    revoked_at: datetime | None

    def runs_at(self, now: datetime) -> bool:
        """In force: begun, not ended, not revoked by an upheld appeal."""
        return self.revoked_at is None and self.starts_at <= now < self.ends_at


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Appeal:
    id: UUID
    entry_id: UUID
    organisation_id: UUID
    grounds: str
    filed_at: datetime
    decision: AppealDecision | None
    reasons: str | None
    decided_at: datetime | None


# --- checks --------------------------------------------------------------------------


def text(name: str, value: str, *, most: int, least: int = 1) -> str:
    """A stripped text of ``least``..``most`` characters, or ``credit_input_invalid``."""
    return parties.text(name, value, most=most, least=least, error=CreditInputInvalid)


def choice(kind: type[E], name: str, value: str) -> E:
    """``value`` as a member of ``kind``, or ``credit_input_invalid`` naming the choices."""
    return parties.choice(kind, name, value, error=CreditInputInvalid)


def finding(source: str | None, ref: str | None) -> tuple[FindingSource, str]:
    """A violation's finding: its source and reference, both required (issue 14)."""
    if not source or not ref or not ref.strip():
        raise ViolationFindingMissing(
            "a violation rests on a finding: name its source (inspection, complaint,"
            " supervision_record or authority) and its reference",
            details={"field": "finding_ref" if source else "finding_source"},
        )
    return choice(FindingSource, "finding_source", source), text("finding_ref", ref, most=200)


def term(starts_at: datetime, ends_at: datetime | None) -> None:
    """A term ends after it starts."""
    if ends_at is not None and ends_at <= starts_at:
        raise CreditEntryTermInvalid(
            "the term ends before it starts",
            details={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        )


def entry_basis(kind: ListKind, source: FindingSource, violation_id: UUID | None) -> None:
    """A black entry rests on a violation of the record, or on an authority's list; a red
    one on no violation."""
    if kind is ListKind.BLACK and violation_id is None and source is not FindingSource.AUTHORITY:
        raise CreditEntryBasisMissing(
            "a black-list entry rests on a recorded violation or on an authority's list",
            details={"field": "violation_id"},
        )
    if kind is ListKind.RED and violation_id is not None:
        raise CreditInputInvalid(
            "a red-list entry rests on no violation", details={"field": "violation_id"}
        )


def blocking(entries: Sequence[ListEntry], now: datetime) -> ListEntry | None:
    """The black entry that refuses the party now (the one ending last), if any."""
    running = [e for e in entries if e.list is ListKind.BLACK and e.runs_at(now)]
    return max(running, key=lambda e: (e.ends_at, str(e.id))) if running else None


# --- the formula (policy data) --------------------------------------------------------

FACTS = frozenset(
    {
        "violations",
        "sanctions",
        "complaints_upheld",
        "projects_won",
        "projects_performed",
        "red_entries",
        "black_entries",
    }
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Term:
    fact: str
    weight: float
    cap: int | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Grade:
    least: float
    grade: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CreditPolicy:
    """The credit formula: ``base + Σ weight × min(count, cap)``, clamped to
    [floor, ceiling], graded by the first grade whose ``least`` the score reaches."""

    version: str
    base: float
    floor: float
    ceiling: float
    window_days: int
    terms: tuple[Term, ...]
    grades: tuple[Grade, ...]


def _number(obj: Mapping[str, Any], key: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CreditPolicyInvalid(f"policy {key} is not a number", details={"field": key})
    return float(value)


def load_policy(obj: object) -> CreditPolicy:
    """The formula from its JSON object; an unknown fact or a bad number is refused."""
    if not isinstance(obj, dict):
        raise CreditPolicyInvalid("the credit policy is a JSON object")
    terms = []
    for item in obj.get("terms") or []:
        fact = item.get("fact") if isinstance(item, dict) else None
        if fact not in FACTS:
            raise CreditPolicyInvalid(
                f"the credit policy names an unknown fact {fact!r}",
                details={"fact": fact, "allowed": sorted(FACTS)},
            )
        cap = item.get("cap")
        if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
            raise CreditPolicyInvalid("a term's cap is a whole number", details={"fact": fact})
        terms.append(Term(fact=fact, weight=_number(item, "weight"), cap=cap))
    grades = [
        Grade(least=_number(g, "least"), grade=text("grade", str(g.get("grade", "")), most=8))
        for g in obj.get("grades") or []
        if isinstance(g, dict)
    ]
    least = [g.least for g in grades]
    if not grades or least != sorted(least, reverse=True):
        raise CreditPolicyInvalid("grades are listed from the highest threshold down")
    policy = CreditPolicy(
        version=text("version", str(obj.get("version", "")), most=32),
        base=_number(obj, "base"),
        floor=_number(obj, "floor"),
        ceiling=_number(obj, "ceiling"),
        window_days=int(_number(obj, "window_days")),
        terms=tuple(terms),
        grades=tuple(grades),
    )
    if not policy.floor <= policy.base <= policy.ceiling or policy.window_days < 1:
        raise CreditPolicyInvalid("the base lies between floor and ceiling; the window ≥ 1 day")
    return policy


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CreditScore:
    score: float
    grade: str
    facts: Mapping[str, int]
    policy_version: str


def score(policy: CreditPolicy, facts: Mapping[str, int]) -> CreditScore:
    """The party's score and grade under ``policy`` from its counted facts."""
    total = policy.base
    for t in policy.terms:
        count = facts.get(t.fact, 0)
        total += t.weight * (min(count, t.cap) if t.cap is not None else count)
    total = round(min(max(total, policy.floor), policy.ceiling), 2)
    grade = next((g.grade for g in policy.grades if total >= g.least), policy.grades[-1].grade)
    return CreditScore(score=total, grade=grade, facts=dict(facts), policy_version=policy.version)
