"""Builders of tenders, committees and policies for the tender tests (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from uuid import UUID, uuid4

from signing.age import X25519Identity
from signing.certs import Identity, cert_sha256
from signing.statements.recipient import RecipientStatement
from tender.calendar import SHANGHAI, load_calendar
from tender.committee.model import Roster, Seat
from tender.model import (
    Category,
    Criterion,
    Evaluation,
    EvaluationMethod,
    Lot,
    PriceFormula,
    PriceScore,
    Procedure,
    Schedule,
    Tender,
    TenderDraft,
    TenderStatus,
)
from tender.policy import Policies
from tender.setup import Context

CALENDAR = load_calendar()
AGENCY_ID = UUID("00000000-0000-4000-8000-00000000a001")
TENDERER_ID = UUID("00000000-0000-4000-8000-00000000a002")
DEPARTMENT_ID = UUID("00000000-0000-4000-8000-00000000a003")
OFFICIAL_ORGS = (
    UUID("00000000-0000-4000-8000-00000000b001"),
    UUID("00000000-0000-4000-8000-00000000b002"),
)


def cst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment in Asia/Shanghai, as an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


# Monday 2 March 2026, 09:00 in Shanghai: "now" for the rule tests.
NOW = cst(2026, 3, 2, 9)


def scoring(price_points: int = 60, *criteria: tuple[str, int]) -> Evaluation:
    """Comprehensive scoring: the criteria plus a price score."""
    items = criteria or (("技术", 30), ("商务", 10))
    return Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=tuple(Criterion(name=name, max_points=points) for name, points in items),
        price=PriceScore(points=price_points, formula=PriceFormula.LOWEST_PRICE_BASE),
    )


def lowest_price() -> Evaluation:
    """Lowest evaluated price: nothing scored."""
    return Evaluation(method=EvaluationMethod.LOWEST_PRICE)


def a_lot(number: str = "1", **changes: object) -> Lot:
    """A lot of 5,000,000 CNY with a bond of exactly 2 %."""
    values: dict[str, object] = {
        "number": number,
        "title": f"第{number}标段",
        "estimated_price_fen": 500_000_000,
        "price_ceiling_fen": 480_000_000,
        "bond_fen": 10_000_000,
        "evaluation": scoring(),
    }
    return Lot(**(values | changes))  # type: ignore[arg-type]


def a_schedule(**changes: object) -> Schedule:
    """A schedule that keeps every default period, counted from NOW."""
    values: dict[str, object] = {
        "documents_from": cst(2026, 3, 3, 9),
        "documents_until": cst(2026, 3, 10, 17),
        "clarification_cutoff": cst(2026, 3, 10, 17),
        "deadline": cst(2026, 3, 31, 9, 30),
        "decryption_minutes": 30,
    }
    return Schedule(**(values | changes))  # type: ignore[arg-type]


def a_draft(**changes: object) -> TenderDraft:
    """A valid draft: one lot, open tendering, default opening form."""
    values: dict[str, object] = {
        "title": "宣城市城南道路改造工程",
        "description": "道路、排水和照明改造。",
        "category": Category.WORKS,
        "procedure": Procedure.OPEN,
        "tenderer_id": TENDERER_ID,
        "department_id": DEPARTMENT_ID,
        "schedule": a_schedule(),
        "lots": (a_lot(),),
    }
    return TenderDraft(**(values | changes))  # type: ignore[arg-type]


def a_tender(draft: TenderDraft | None = None, **changes: object) -> Tender:
    """A tender as stored, around a draft."""
    content = draft or a_draft()
    values: dict[str, object] = {
        "id": UUID("00000000-0000-4000-8000-0000000000c1"),
        "code": None,
        "status": TenderStatus.DRAFT,
        "agency_id": AGENCY_ID,
        "created_by": uuid4(),
        "content": content,
        "lot_ids": {lot.number: uuid4() for lot in content.lots},
        "policies": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Tender(**(values | changes))  # type: ignore[arg-type]


def a_seat(x: int, person: Identity, at: dt.datetime, organisation_id: UUID) -> Seat:
    """A seat with a fresh age identity and a statement signed by the person's certificate."""
    recipient = X25519Identity.generate().recipient().encode()
    statement = RecipientStatement.for_certificate(recipient, person.certificate, at)
    return Seat(
        x=x,
        user_id=uuid4(),
        organisation_id=organisation_id,
        recipient=recipient,
        certificate=person.certificate,
        cert_sha256=cert_sha256(person.certificate),
        statement=statement.sign(person.certificate, person.key, chain=person.chain),
    )


def a_roster(
    people: Sequence[Identity],
    *,
    at: dt.datetime,
    lot: str = "1",
    k: int = 2,
    organisations: Sequence[UUID] = OFFICIAL_ORGS,
    approved: bool = True,
) -> Roster:
    """A roster of the people, alternating between the organisations."""
    seats = tuple(
        a_seat(x, person, at, organisations[(x - 1) % len(organisations)])
        for x, person in enumerate(people, start=1)
    )
    return Roster(
        tender_id=UUID("00000000-0000-4000-8000-0000000000c1"),
        lot=lot,
        k=k,
        seats=seats,
        appointed_by=uuid4(),
        appointed_at=at,
        approved_by=uuid4() if approved else None,
        approved_at=at if approved else None,
    )


def context(
    policies: Policies | None = None, *, now: dt.datetime = NOW, trust: object = None
) -> Context:
    """The rules' context at NOW with the default (or given) policies."""
    return Context(
        policies=policies or Policies(),
        calendar=CALENDAR,
        trust=trust,  # type: ignore[arg-type]
        now=now,
    )


def replace(draft: TenderDraft, **changes: object) -> TenderDraft:
    """The draft with some fields replaced."""
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]
