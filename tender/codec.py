"""JSON forms of evaluation methods and opening-form fields (stored as jsonb, shown in
notices and OCDS), and their strict parsing back into the model (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tender.errors import TenderInputInvalid
from tender.model import (
    Criterion,
    Evaluation,
    EvaluationMethod,
    FieldKind,
    OpeningField,
    PriceFormula,
    PriceScore,
)


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """An evaluation method as a JSON object."""
    price = evaluation.price
    return {
        "method": str(evaluation.method),
        "criteria": [{"name": c.name, "max_points": c.max_points} for c in evaluation.criteria],
        "price": None
        if price is None
        else {
            "points": price.points,
            "formula": str(price.formula),
            "above_per_percent": price.above_per_percent,
            "below_per_percent": price.below_per_percent,
        },
        "drop_extremes": evaluation.drop_extremes,
    }


def evaluation_from_json(data: Mapping[str, Any]) -> Evaluation:
    """Parse what :func:`evaluation_to_json` wrote (model checks apply)."""
    try:
        price = data.get("price")
        return Evaluation(
            method=EvaluationMethod(data["method"]),
            criteria=tuple(
                Criterion(name=c["name"], max_points=int(c["max_points"]))
                for c in data.get("criteria", ())
            ),
            price=None
            if price is None
            else PriceScore(
                points=int(price["points"]),
                formula=PriceFormula(price["formula"]),
                above_per_percent=int(price.get("above_per_percent", 0)),
                below_per_percent=int(price.get("below_per_percent", 0)),
            ),
            drop_extremes=bool(data.get("drop_extremes", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TenderInputInvalid(f"not an evaluation method: {exc}") from None


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
