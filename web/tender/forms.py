"""HTML forms of the agency's tender pages, parsed into the draft model.

People enter amounts in yuan (two decimals at most) and dates in Beijing time
(``datetime-local`` inputs); the model keeps fen and UTC. Criteria are lines of
``name=points``; the opening form is lines of ``name|kind|label``. Anything that does
not parse is ``tender_input_invalid`` with the field named.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from starlette.datastructures import FormData

from tender.calendar import SHANGHAI
from tender.checks import yuan_fen
from tender.errors import TenderInputInvalid
from tender.model import (
    Category,
    Criterion,
    Evaluation,
    EvaluationMethod,
    FieldKind,
    Lot,
    OpeningField,
    OpeningPolicy,
    PriceFormula,
    PriceScore,
    Procedure,
    Schedule,
    Sealing,
    TenderDraft,
)

E = TypeVar("E", bound=enum.StrEnum)


def text(form: FormData, name: str) -> str:
    """A text field, stripped (missing is empty)."""
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _choice(form: FormData, name: str, kind: type[E]) -> E:
    try:
        return kind(text(form, name))
    except ValueError:
        raise TenderInputInvalid(f"choose a {name}", details={"field": name}) from None


def _uuid(form: FormData, name: str) -> UUID:
    try:
        return UUID(text(form, name))
    except ValueError:
        raise TenderInputInvalid(f"choose the {name}", details={"field": name}) from None


def _int(form: FormData, name: str, default: int = 0) -> int:
    raw = text(form, name)
    if not raw:
        return default
    if not raw.isdigit():
        raise TenderInputInvalid(f"{name} is a whole number", details={"field": name})
    return int(raw)


def yuan_to_fen(raw: str, name: str) -> int:
    """``1,234,567.89`` yuan → 123456789 fen (blank: 0); anything but digits, commas in
    threes and two decimals is refused — ``inf`` answered 500 and ``1e999999999`` asked
    for an integer of a billion digits (breaker F3, tender.checks.yuan_fen)."""
    fen = yuan_fen(raw or "0")
    if fen is None:
        raise TenderInputInvalid(
            f"{name} is an amount in yuan: digits (commas in threes allowed), at most two "
            "decimals after a '.'",
            details={"field": name},
        )
    return fen


def parse_local(raw: str, name: str) -> datetime | None:
    """A ``datetime-local`` value in Beijing time as an aware UTC datetime (or None)."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise TenderInputInvalid(f"{name} is a date and time", details={"field": name}) from None
    if moment.tzinfo is not None:
        raise TenderInputInvalid(f"{name} is Beijing time without a zone", details={"field": name})
    return moment.replace(tzinfo=SHANGHAI, microsecond=0).astimezone(UTC)


def local_input(moment: datetime | None) -> str:
    """A UTC moment as the value of a ``datetime-local`` input in Beijing time."""
    return "" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def new_draft(form: FormData) -> TenderDraft:
    """The first save of a draft: title, category, procedure and the two parties."""
    return TenderDraft(
        title=text(form, "title"),
        category=_choice(form, "category", Category),
        procedure=_choice(form, "procedure", Procedure),
        tenderer_id=_uuid(form, "tenderer_id"),
        department_id=_uuid(form, "department_id"),
    )


def draft_with_general(draft: TenderDraft, form: FormData) -> TenderDraft:
    """The general form: description, parties, procedure, envelopes, dates."""
    schedule = Schedule(
        documents_from=parse_local(text(form, "documents_from"), "documents_from"),
        documents_until=parse_local(text(form, "documents_until"), "documents_until"),
        clarification_cutoff=parse_local(
            text(form, "clarification_cutoff"), "clarification_cutoff"
        ),
        deadline=parse_local(text(form, "deadline"), "deadline"),
        decryption_minutes=_int(form, "decryption_minutes", 30),
    )
    return dataclasses.replace(
        draft,
        title=text(form, "title"),
        description=text(form, "description"),
        category=_choice(form, "category", Category),
        procedure=_choice(form, "procedure", Procedure),
        envelopes=_int(form, "envelopes", 1),
        consortia_allowed=text(form, "consortia_allowed") == "yes",
        opening_policy=_choice(form, "opening_policy", OpeningPolicy),
        sealing=_choice(form, "sealing", Sealing),
        tenderer_id=_uuid(form, "tenderer_id"),
        department_id=_uuid(form, "department_id"),
        invitation_approval=text(form, "invitation_approval"),
        schedule=schedule,
    )


def _criteria(raw: str) -> tuple[Criterion, ...]:
    items = []
    for line in filter(None, (line.strip() for line in raw.splitlines())):
        name, sep, points = line.rpartition("=")
        if not sep or not points.strip().isdigit():
            raise TenderInputInvalid(f"a criterion is name=points, not {line[:40]!r}")
        items.append(Criterion(name=name.strip(), max_points=int(points)))
    return tuple(items)


def _evaluation(form: FormData) -> Evaluation:
    method = _choice(form, "method", EvaluationMethod)
    if method is EvaluationMethod.LOWEST_PRICE:
        return Evaluation(method=EvaluationMethod.LOWEST_PRICE)
    price = PriceScore(
        points=_int(form, "price_points", 0), formula=_choice(form, "formula", PriceFormula)
    )
    return Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=_criteria(text(form, "criteria")),
        price=price,
    )


def draft_with_lot(draft: TenderDraft, form: FormData) -> TenderDraft:
    """Add a lot, or replace the lot of the same number."""
    lot = Lot(
        number=text(form, "number"),
        title=text(form, "lot_title"),
        estimated_price_fen=yuan_to_fen(text(form, "estimate"), "estimate"),
        price_ceiling_fen=yuan_to_fen(text(form, "ceiling"), "ceiling"),
        bond_fen=yuan_to_fen(text(form, "bond"), "bond"),
        evaluation=_evaluation(form),
    )
    others = [existing for existing in draft.lots if existing.number != lot.number]
    lots = tuple(sorted([*others, lot], key=lambda item: int(item.number)))
    return dataclasses.replace(draft, lots=lots)


def draft_without_lot(draft: TenderDraft, number: str) -> TenderDraft:
    """The draft without one lot."""
    return dataclasses.replace(draft, lots=tuple(x for x in draft.lots if x.number != number))


def fields_text(fields: Sequence[OpeningField]) -> str:
    """The opening form as the textarea shows it."""
    return "\n".join(f"{f.name}|{f.kind}|{f.label}" for f in fields)


def draft_with_fields(draft: TenderDraft, form: FormData) -> TenderDraft:
    """The opening form from lines of ``name|kind|label``."""
    fields = []
    for line in filter(None, (line.strip() for line in text(form, "fields").splitlines())):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or parts[1] not in set(FieldKind):
            raise TenderInputInvalid(f"a field is name|kind|label, not {line[:40]!r}")
        fields.append(OpeningField(name=parts[0], kind=FieldKind(parts[1]), label=parts[2]))
    return dataclasses.replace(draft, opening_fields=tuple(fields))
