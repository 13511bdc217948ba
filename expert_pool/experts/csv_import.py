"""Import experts from a CSV file: all rows or none (docs/formats/draw.md, "Expert CSV").

UTF-8, with or without a byte-order mark; a header row naming the columns (any order):

    id, name, id_card, phone, specialties, title, years_of_practice, birth_date,
    region, employer_credit_code [, status]

`specialties` holds codes separated by ``;``. Every row is checked; if any problem is
found the whole file is refused with `CsvRowsInvalid`, whose `problems` list every
(record number, column, message) — the header is record 1, as a spreadsheet numbers
rows. The identity card number is turned into a keyed `IdCardRef` and then dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from accounts import credit_code
from expert_pool.errors import CsvProblem, CsvRowsInvalid, ExpertPoolError, ExpertRecordInvalid
from expert_pool.id_card import id_card_ref, validate_id_card
from expert_pool.model import Expert, ExpertStatus, Title, validate_id
from expert_pool.regions import DEFAULT_REGIONS, RegionCatalogue
from expert_pool.specialties import SpecialtyTree, default_specialties

REQUIRED_COLUMNS = (
    "id",
    "name",
    "id_card",
    "phone",
    "specialties",
    "title",
    "years_of_practice",
    "birth_date",
    "region",
    "employer_credit_code",
)
OPTIONAL_COLUMNS = ("status",)
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}")
_YEARS = re.compile(r"[0-9]{1,2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NAME_MAX = 64
_T = TypeVar("_T")
_E = TypeVar("_E", Title, ExpertStatus)

# GB 32100-2015 unified social credit code: 18 characters from a 31-character alphabet
# (no I, O, S, V, Z); the last is a check character, weights 3^i mod 31.
# The lead may move this to a shared module of organisation rules.
_CREDIT_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def credit_code_valid(code: str) -> bool:
    """Whether `code` is a well-formed unified social credit code (GB 32100-2015)."""
    # One implementation of the check character for the whole platform; the shape
    # adds GB 32100's six-digit administrative-division code in positions 3–8.
    return _CREDIT_SHAPE.fullmatch(code) is not None and credit_code.is_valid(code)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Context:
    key: bytes
    specialties: SpecialtyTree
    regions: RegionCatalogue


class _Row:
    """One record being checked: collects problems, yields parsed values."""

    def __init__(self, number: int, values: Mapping[str, str]) -> None:
        self.number = number
        self.values = values
        self.problems: list[CsvProblem] = []

    def field(self, column: str, parse: Callable[[str], _T]) -> _T | None:
        """Parse one column; record a problem and return None when it fails."""
        try:
            return parse(self.values.get(column, "").strip())
        except (ExpertPoolError, ValueError) as exc:
            message = exc.message if isinstance(exc, ExpertPoolError) else str(exc)
            self.problems.append(CsvProblem(self.number, column, message))
            return None


def _name(value: str) -> str:
    if not value or len(value) > _NAME_MAX or not value.isprintable():
        raise ValueError(f"a name is 1-{_NAME_MAX} printable characters")
    return value


def _phone(value: str) -> str:
    if _PHONE.fullmatch(value) is None:
        raise ValueError("a phone is a mobile number 1xxxxxxxxxx or a landline 0xxx-xxxxxxx")
    return value


def _years(value: str) -> int:
    if _YEARS.fullmatch(value) is None:
        raise ValueError("years_of_practice is a whole number 0-99")
    return int(value)


def _date(value: str) -> date:
    if _DATE.fullmatch(value) is None:
        raise ValueError("a date is written YYYY-MM-DD")
    return date.fromisoformat(value)


def _credit_code(value: str) -> str:
    if not credit_code_valid(value):
        raise ExpertRecordInvalid("not a valid unified social credit code (GB 32100-2015)")
    return value


def _choice(kind: type[_E], default: _E | None) -> Callable[[str], _E]:
    def parse(value: str) -> _E:
        if not value and default is not None:
            return default
        if value not in {m.value for m in kind}:
            raise ValueError(f"must be one of {', '.join(m.value for m in kind)}")
        return kind(value)

    return parse


def _specialties(tree: SpecialtyTree) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        codes = tuple(c.strip() for c in value.split(";"))
        if not value or any(not c for c in codes):
            raise ValueError("specialties are codes separated by ';'")
        if len(set(codes)) != len(codes):
            raise ValueError("a specialty code is listed twice")
        return tuple(tree.validate(c) for c in codes)

    return parse


def _expert(row: _Row, ctx: _Context) -> Expert | None:
    """Check every column of a record; an Expert when all of them pass."""
    born = row.field("birth_date", _date)
    card_born = row.field("id_card", validate_id_card)
    if born is not None and card_born is not None and born != card_born:
        row.problems.append(CsvProblem(row.number, "birth_date", "differs from the id card"))
    values: dict[str, Any] = {
        "id": row.field("id", validate_id),
        "name": row.field("name", _name),
        "phone": row.field("phone", _phone),
        "specialties": row.field("specialties", _specialties(ctx.specialties)),
        "title": row.field("title", _choice(Title, None)),
        "years_of_practice": row.field("years_of_practice", _years),
        "region": row.field("region", ctx.regions.validate),
        "employer_credit_code": row.field("employer_credit_code", _credit_code),
        "status": row.field("status", _choice(ExpertStatus, ExpertStatus.ACTIVE)),
    }
    if row.problems or card_born is None or born is None:
        return None
    ref = id_card_ref(row.values["id_card"].strip(), ctx.key)
    return Expert(id_card=ref, birth_date=born, **values)


def _header(header: Sequence[str]) -> tuple[list[str], list[CsvProblem]]:
    names = [h.strip() for h in header]
    problems = [
        CsvProblem(1, name, "unknown column")
        for name in names
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS
    ]
    problems += [CsvProblem(1, n, "column appears twice") for n in set(names) if names.count(n) > 1]
    problems += [CsvProblem(1, n, "missing column") for n in REQUIRED_COLUMNS if n not in names]
    return names, problems


def _records(data: bytes | str) -> list[list[str]]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CsvRowsInvalid(
                [CsvProblem(0, "", f"the file is not UTF-8: {exc.reason}")]
            ) from None
    else:
        data = data.removeprefix("\ufeff")
    try:
        return list(csv.reader(io.StringIO(data, newline=""), strict=True))
    except csv.Error as exc:
        raise CsvRowsInvalid([CsvProblem(0, "", f"the file is not valid CSV: {exc}")]) from None


def _duplicates(rows: Sequence[tuple[int, Expert]]) -> list[CsvProblem]:
    problems: list[CsvProblem] = []
    seen_id: dict[str, int] = {}
    seen_card: dict[str, int] = {}
    for number, expert in rows:
        if expert.id in seen_id:
            problems.append(CsvProblem(number, "id", f"same id as row {seen_id[expert.id]}"))
        if expert.id_card.digest in seen_card:
            first = seen_card[expert.id_card.digest]
            problems.append(CsvProblem(number, "id_card", f"same identity card as row {first}"))
        seen_id.setdefault(expert.id, number)
        seen_card.setdefault(expert.id_card.digest, number)
    return problems


def parse_experts_csv(
    data: bytes | str,
    *,
    id_card_key: bytes,
    specialties: SpecialtyTree | None = None,
    regions: RegionCatalogue = DEFAULT_REGIONS,
) -> tuple[tuple[int, Expert], ...]:
    """Every (record number, expert) of the file, or CsvRowsInvalid listing every problem."""
    records = _records(data)
    if not records or not any(f.strip() for f in records[0]):
        raise CsvRowsInvalid([CsvProblem(1, "", "the file has no header row")])
    names, problems = _header(records[0])
    if problems:
        raise CsvRowsInvalid(_in_order(problems))
    ctx = _Context(
        key=id_card_key, specialties=specialties or default_specialties(), regions=regions
    )
    parsed: list[tuple[int, Expert]] = []
    for number, fields in enumerate(records[1:], start=2):
        if not any(f.strip() for f in fields):
            continue  # blank line
        if len(fields) != len(names):
            problems.append(
                CsvProblem(number, "", f"{len(fields)} fields, header has {len(names)}")
            )
            continue
        row = _Row(number, dict(zip(names, fields, strict=True)))
        expert = _expert(row, ctx)
        problems += row.problems
        if expert is not None:
            parsed.append((number, expert))
    problems += _duplicates(parsed)
    if problems:
        raise CsvRowsInvalid(_in_order(problems))
    return tuple(parsed)


def import_experts_csv(
    data: bytes | str,
    *,
    id_card_key: bytes,
    specialties: SpecialtyTree | None = None,
    regions: RegionCatalogue = DEFAULT_REGIONS,
) -> tuple[Expert, ...]:
    """Every expert of the file, or CsvRowsInvalid listing every problem of every row."""
    rows = parse_experts_csv(
        data, id_card_key=id_card_key, specialties=specialties, regions=regions
    )
    return tuple(expert for _, expert in rows)


def expert_from_fields(
    values: Mapping[str, str],
    *,
    id_card_key: bytes,
    specialties: SpecialtyTree | None = None,
    regions: RegionCatalogue = DEFAULT_REGIONS,
) -> Expert:
    """One expert from the CSV columns as text (the JSON API), by the same rules.

    Problems are reported like a one-row file: record 1, by column.
    """
    unknown = [k for k in values if k not in REQUIRED_COLUMNS and k not in OPTIONAL_COLUMNS]
    ctx = _Context(
        key=id_card_key, specialties=specialties or default_specialties(), regions=regions
    )
    row = _Row(1, values)
    row.problems += [CsvProblem(1, k, "unknown field") for k in unknown]
    row.problems += [CsvProblem(1, k, "missing field") for k in REQUIRED_COLUMNS if k not in values]
    expert = None if row.problems else _expert(row, ctx)
    if expert is None:
        raise CsvRowsInvalid(_in_order(row.problems))
    return expert


def _in_order(problems: Sequence[CsvProblem]) -> list[CsvProblem]:
    """Problems by record, then in documented column order (unknown columns last)."""
    order = ("", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    return sorted(
        problems, key=lambda p: (p.row, order.index(p.column) if p.column in order else len(order))
    )
