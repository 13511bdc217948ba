"""JSON forms of evaluation methods and opening-form fields (stored as jsonb, shown in
notices and OCDS), and their strict parsing back into the model (no I/O).

The evaluation method's form is docs/formats/evaluation-method.md §1: every member
exact, integers never booleans, unknown members refused (a misspelt ``tie_rule`` must
not silently become the default). The stored form before issue 11 —
``{"method", "criteria": [{"name", "max_points"}], "price", "drop_extremes"}`` — still
parses (method.py: a criterion without sub-items is one sub-item ``"1"``); what is
written is always the full form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from tender.errors import TenderInputInvalid
from tender.model import (
    AdjustmentItem,
    Criterion,
    Evaluation,
    EvaluationMethod,
    FieldKind,
    OpeningField,
    PriceFormula,
    PriceScore,
    QualificationItem,
    SubItem,
    TieRule,
)

T = TypeVar("T")


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """An evaluation method as a JSON object (the full form)."""
    price = evaluation.price
    return {
        "method": str(evaluation.method),
        "qualification": [
            {"id": q.id, "name": q.name, "guidance": q.guidance} for q in evaluation.qualification
        ],
        "criteria": [
            {"id": c.id, "name": c.name, "items": [_sub_item_json(s) for s in c.items]}
            for c in evaluation.criteria
        ],
        "price": None
        if price is None
        else {
            "points": price.points,
            "formula": str(price.formula),
            "above_per_percent": price.above_per_percent,
            "below_per_percent": price.below_per_percent,
        },
        "adjustments": [
            {
                "id": a.id,
                "name": a.name,
                "guidance": a.guidance,
                "min_fen": a.min_fen,
                "max_fen": a.max_fen,
            }
            for a in evaluation.adjustments
        ],
        "tie_rule": str(evaluation.tie_rule),
        "drop_extremes": evaluation.drop_extremes,
    }


def _sub_item_json(item: SubItem) -> dict[str, Any]:
    head = {"id": item.id, "name": item.name, "guidance": item.guidance}
    if item.steps:
        return head | {"steps": list(item.steps)}
    return head | {"min_hundredths": item.min_hundredths, "max_hundredths": item.max_hundredths}


# --- parsing --------------------------------------------------------------------------


def _refuse(where: str, message: str) -> TenderInputInvalid:
    return TenderInputInvalid(f"{where}: {message}", details={"path": where})


def _object(value: object, where: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _refuse(where, "is an object")
    missing, unknown = required - value.keys(), value.keys() - required - optional
    if missing:
        raise _refuse(where, f"lacks {', '.join(sorted(missing))}")
    if unknown:
        raise _refuse(where, f"has no member {', '.join(sorted(unknown))}")
    return dict(value)


def _typed(value: object, kind: type[T], where: str) -> T:
    # type() and not isinstance(): JSON true is never a number here.
    if type(value) is not kind:
        raise _refuse(where, f"is {'a whole number' if kind is int else kind.__name__}")
    return value


def _list(value: object, where: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
    if not isinstance(value, list):
        raise _refuse(where, "is an array")
    return tuple(parse(item, f"{where}[{i}]") for i, item in enumerate(value))


def _built(where: str, build: Callable[[], T]) -> T:
    """The model object, its own format errors prefixed with where they are."""
    try:
        return build()
    except TenderInputInvalid as exc:
        if exc.details is not None:  # already says where (a member inside ``where``)
            raise
        raise _refuse(where, exc.message) from None


def _qualification(value: object, where: str) -> QualificationItem:
    d = _object(value, where, {"id", "name"}, {"guidance"})
    return _built(
        where,
        lambda: QualificationItem(
            id=_typed(d["id"], str, f"{where}.id"),
            name=_typed(d["name"], str, f"{where}.name"),
            guidance=_typed(d.get("guidance", ""), str, f"{where}.guidance"),
        ),
    )


def _sub_item(value: object, where: str) -> SubItem:
    ranged = {"min_hundredths", "max_hundredths"}
    d = _object(value, where, {"id", "name"}, {"guidance", "steps", *ranged})
    if ("steps" in d) == bool(ranged & d.keys()) or ("steps" not in d and ranged - d.keys()):
        raise _refuse(where, "has steps, or min_hundredths and max_hundredths")
    steps = _list(d.get("steps", []), f"{where}.steps", lambda v, w: _typed(v, int, w))
    return _built(
        where,
        lambda: SubItem(
            id=_typed(d["id"], str, f"{where}.id"),
            name=_typed(d["name"], str, f"{where}.name"),
            guidance=_typed(d.get("guidance", ""), str, f"{where}.guidance"),
            min_hundredths=_typed(d.get("min_hundredths", 0), int, f"{where}.min_hundredths"),
            max_hundredths=_typed(d.get("max_hundredths", 0), int, f"{where}.max_hundredths"),
            steps=steps,
        ),
    )


def _criterion(value: object, where: str) -> Criterion:
    d = _object(value, where, {"name"}, {"id", "items", "max_points"})
    if ("items" in d) == ("max_points" in d):
        raise _refuse(where, "has items, or (the form before issue 11) max_points")
    if "max_points" in d:  # the stored form before issue 11: one sub-item "1"
        max_points = _typed(d["max_points"], int, f"{where}.max_points")
        return _built(
            where,
            lambda: Criterion(
                id=_typed(d.get("id", ""), str, f"{where}.id"),
                name=_typed(d["name"], str, f"{where}.name"),
                max_points=max_points,
            ),
        )
    items = _list(d["items"], f"{where}.items", _sub_item)
    return _built(
        where,
        lambda: Criterion(
            id=_typed(d.get("id", ""), str, f"{where}.id"),
            name=_typed(d["name"], str, f"{where}.name"),
            items=items,
        ),
    )


def _price(value: object, where: str) -> PriceScore:
    d = _object(value, where, {"points", "formula"}, {"above_per_percent", "below_per_percent"})
    return _built(
        where,
        lambda: PriceScore(
            points=_typed(d["points"], int, f"{where}.points"),
            formula=_enum(PriceFormula, d["formula"], f"{where}.formula"),
            above_per_percent=_typed(
                d.get("above_per_percent", 0), int, f"{where}.above_per_percent"
            ),
            below_per_percent=_typed(
                d.get("below_per_percent", 0), int, f"{where}.below_per_percent"
            ),
        ),
    )


def _adjustment(value: object, where: str) -> AdjustmentItem:
    d = _object(value, where, {"id", "name", "min_fen", "max_fen"}, {"guidance"})
    return _built(
        where,
        lambda: AdjustmentItem(
            id=_typed(d["id"], str, f"{where}.id"),
            name=_typed(d["name"], str, f"{where}.name"),
            guidance=_typed(d.get("guidance", ""), str, f"{where}.guidance"),
            min_fen=_typed(d["min_fen"], int, f"{where}.min_fen"),
            max_fen=_typed(d["max_fen"], int, f"{where}.max_fen"),
        ),
    )


E = TypeVar("E", EvaluationMethod, PriceFormula, TieRule)


def _enum(kind: type[E], value: object, where: str) -> E:
    try:
        return kind(_typed(value, str, where))
    except ValueError:
        raise _refuse(where, f"is one of {', '.join(kind)}") from None


def evaluation_from_json(data: object) -> Evaluation:
    """Parse what :func:`evaluation_to_json` wrote, or the form before issue 11."""
    optional = {"qualification", "criteria", "price", "adjustments", "tie_rule", "drop_extremes"}
    d = _object(data, "evaluation", {"method"}, optional)
    price = d.get("price")
    return _built(
        "evaluation",
        lambda: Evaluation(
            method=_enum(EvaluationMethod, d["method"], "method"),
            qualification=_list(d.get("qualification", []), "qualification", _qualification),
            criteria=_list(d.get("criteria", []), "criteria", _criterion),
            price=None if price is None else _price(price, "price"),
            adjustments=_list(d.get("adjustments", []), "adjustments", _adjustment),
            tie_rule=_enum(TieRule, d.get("tie_rule", "lower_price"), "tie_rule"),
            drop_extremes=_typed(d.get("drop_extremes", False), bool, "drop_extremes"),
        ),
    )


def fields_to_json(fields: Sequence[OpeningField]) -> list[dict[str, Any]]:
    """Opening-form fields as a JSON array."""
    return [
        {"name": f.name, "label": f.label, "kind": str(f.kind), "required": f.required}
        for f in fields
    ]


def fields_from_json(data: Sequence[Mapping[str, Any]]) -> tuple[OpeningField, ...]:
    """Parse what :func:`fields_to_json` wrote."""
    try:
        return tuple(
            OpeningField(
                name=f["name"],
                label=f["label"],
                kind=FieldKind(f["kind"]),
                required=bool(f.get("required", True)),
            )
            for f in data
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TenderInputInvalid(f"not an opening form: {exc}") from None
