"""The service-quality assessment of agencies: a formula as policy data (issue 14,
item 1; DOMAIN.md "Monitoring and supervision"). Pure: text in, a score out.

The formula is a JSON object (``assessment.json`` beside this module is the platform's;
``<data dir>/policies/agency-assessment.json`` replaces it), checked when loaded:

    {"version": "...", "base": 100, "min": 0, "max": 100,
     "terms": [{"fact": "<a FACTS name>", "weight": -4, "per": "count" | "tender"}, ...],
     "grades": [{"at_least": 90, "grade": "A"}, ..., {"at_least": <= min, "grade": "D"}]}

score = clamp(base + Σ weight × value, min, max), where value is the fact's count
(``per: count``) or its count per tender handled in the period (``per: tender``; 0 when
the agency handled none), rounded half-up to 2 places; the grade is the first whose
``at_least`` the score reaches. A formula naming a fact outside :data:`FACTS`, a key
outside the shape, or grades that leave a score without one is refused with
``agency_formula_invalid`` naming what is wrong — the application does not start with it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from supervision.agencies.errors import AssessmentFormulaInvalid

# The facts an assessment reads from the platform (supervision/agencies/queries.py).
FACTS = (
    "tenders_handled",  # tenders of the agency published in the period
    "overdue_alerts",  # alerts of kinds *_overdue on its tenders: time limits not kept
    "objections_upheld",  # objections to candidates answered as upheld (Reg. 54)
    "complaints_upheld",  # complaints decided as upheld (Reg. 60-62)
    "documents_amended",  # amendments (修改) of tender documents (Reg. 21)
    "failed_tenders",  # tenders that failed (too few bids, all rejected, re-tendered)
    "findings_observation",  # inspection findings, by severity
    "findings_minor",
    "findings_major",
)
PER = ("count", "tender")
SHIPPED = Path(__file__).with_name("assessment.json")
_TOP = {"version", "base", "min", "max", "terms", "grades"}
_CENT = Decimal("0.01")
_VERSION = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Term:
    """One weighted fact of the formula."""

    fact: str
    weight: Decimal
    per: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Formula:
    """A checked assessment formula."""

    version: str
    base: Decimal
    minimum: Decimal
    maximum: Decimal
    terms: tuple[Term, ...]
    grades: tuple[tuple[Decimal, str], ...]  # (at_least, grade), highest first

    def score(self, facts: Mapping[str, int]) -> Decimal:
        """The score of an agency with these facts (every term's fact must be given)."""
        handled = facts.get("tenders_handled", 0)
        total = self.base
        for term in self.terms:
            value = Decimal(facts[term.fact])
            if term.per == "tender":
                value = value / handled if handled else Decimal(0)
            total += term.weight * value
        clamped = min(max(total, self.minimum), self.maximum)
        return clamped.quantize(_CENT, rounding=ROUND_HALF_UP)

    def as_json(self) -> dict[str, Any]:
        """The formula in its JSON shape (numbers as JSON numbers), as published."""

        def number(value: Decimal) -> int | float:
            return int(value) if value == value.to_integral_value() else float(value)

        return {
            "version": self.version, "base": number(self.base),
            "min": number(self.minimum), "max": number(self.maximum),
            "terms": [
                {"fact": t.fact, "weight": number(t.weight), "per": t.per} for t in self.terms
            ],
            "grades": [{"at_least": number(a), "grade": g} for a, g in self.grades],
        }  # fmt: skip

    def grade(self, score: Decimal) -> str:
        """The grade of a score (the grades cover every score from ``minimum``)."""
        return next(grade for at_least, grade in self.grades if score >= at_least)


def _invalid(message: str, **details: object) -> AssessmentFormulaInvalid:
    return AssessmentFormulaInvalid(message, details=details)


def _number(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(f"{where} must be a number", field=where)
    return Decimal(str(value))


def _term(raw: object, index: int) -> Term:
    where = f"terms[{index}]"
    if not isinstance(raw, dict) or set(raw) != {"fact", "weight", "per"}:
        raise _invalid(f"{where} has exactly fact, weight and per", field=where)
    fact, per = raw["fact"], raw["per"]
    if fact not in FACTS:
        raise _invalid(
            f"{where} names an unknown term {str(fact)[:64]!r}; the terms are {', '.join(FACTS)}",
            field=where, term=str(fact)[:64],
        )  # fmt: skip
    if per not in PER:
        raise _invalid(f"{where}.per is count or tender", field=f"{where}.per")
    return Term(fact=fact, weight=_number(raw["weight"], f"{where}.weight"), per=per)


def _grades(raw: object, minimum: Decimal) -> tuple[tuple[Decimal, str], ...]:
    if not isinstance(raw, list) or not raw:
        raise _invalid("grades is a non-empty list", field="grades")
    grades = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != {"at_least", "grade"}:
            raise _invalid(f"grades[{index}] has exactly at_least and grade", field="grades")
        grade = item["grade"]
        if not isinstance(grade, str) or not 1 <= len(grade) <= 16:
            raise _invalid(f"grades[{index}].grade is 1-16 characters", field="grades")
        grades.append((_number(item["at_least"], f"grades[{index}].at_least"), grade))
    bounds = [at_least for at_least, _ in grades]
    if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
        raise _invalid("grades go from the highest at_least down", field="grades")
    if bounds[-1] > minimum:
        raise _invalid("the last grade must cover the minimum score", field="grades")
    return tuple(grades)


def parse_formula(raw: Any) -> Formula:
    """Check a formula (decoded JSON) and build it; ``agency_formula_invalid`` else."""
    if not isinstance(raw, dict):
        raise _invalid("the formula is a JSON object", field="")
    if set(raw) != _TOP:
        unknown = sorted(set(raw) - _TOP) or sorted(_TOP - set(raw))
        raise _invalid(f"the formula has exactly {', '.join(sorted(_TOP))}", field=unknown[0])
    version = raw["version"]
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise _invalid("version is 1-64 of A-Z a-z 0-9 . _ -", field="version")
    base, low, high = (_number(raw[k], k) for k in ("base", "min", "max"))
    if low > high:
        raise _invalid("min is at most max", field="min")
    if not isinstance(raw["terms"], list) or not raw["terms"]:
        raise _invalid("terms is a non-empty list", field="terms")
    terms = tuple(_term(item, i) for i, item in enumerate(raw["terms"]))
    facts = [t.fact for t in terms]
    if len(set(facts)) != len(facts):
        raise _invalid("each fact is weighted once", field="terms")
    return Formula(
        version=version, base=base, minimum=low, maximum=high, terms=terms,
        grades=_grades(raw["grades"], low),
    )  # fmt: skip


def load_formula(text: str) -> Formula:
    """A formula from its JSON text (duplicate keys and bad JSON refused)."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise _invalid("the formula repeats a key", field="")
        return dict(pairs)

    try:
        raw = json.loads(text, object_pairs_hook=unique)
    except ValueError as bad:  # json.JSONDecodeError is a ValueError
        raise _invalid(f"the formula is not JSON: {bad}", field="") from None
    return parse_formula(raw)
