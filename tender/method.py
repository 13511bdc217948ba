"""A lot's evaluation method as the tender documents state it (no I/O).

Reg. 49: the committee uses only the criteria and method the documents state. A method
(docs/formats/evaluation-method.md §1) has

- qualification items, each found pass or fail by every member (a fail names one of
  the Reg. 51 reasons: evaluation/method/model.py);
- for comprehensive scoring (综合评估法), criteria with sub-items, each scored within a
  range or on discrete steps, and the price score computed from the opened prices;
- for lowest evaluated price (经评审的最低投标价法), adjustment items: amounts in fen
  added to (or taken from) the opened price;
- the tie rule and whether the highest and lowest totals are dropped.

Points are integers in **hundredths of a point** (100 points = 10000), amounts in fen.
The format of every field is checked here (``tender_input_invalid``); whether a method
fits its kind (100 points, no criteria for lowest price, …) is checked before
publication (rules.py), so a draft may be saved half-done.

Before issue 11 a criterion was only ``{name, max_points}``: such a criterion is still
accepted and becomes one sub-item ``"1"`` scored 0…max_points × 100; a criterion
without an id gets ``c<n>`` (its position, from 1).
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import re

from tender.checks import MAX_AMOUNT_FEN, check_text
from tender.errors import TenderInputInvalid

FULL_MARKS = 10_000  # 100 points in hundredths: the whole of comprehensive scoring
MAX_QUALIFICATION_ITEMS = 64
MAX_CRITERIA = 32
MAX_SUB_ITEMS = 32  # per criterion
MAX_STEPS = 64
MAX_ADJUSTMENTS = 32
NAME_LIMIT = 100
GUIDANCE_LIMIT = 2000
ITEM_ID = re.compile(r"[a-z0-9_]{1,32}")


class EvaluationMethod(enum.StrEnum):
    """The two methods of Reg. 49 / DOMAIN.md "Evaluation"."""

    COMPREHENSIVE = "comprehensive_scoring"  # 综合评估法
    LOWEST_PRICE = "lowest_evaluated_price"  # 经评审的最低投标价法


class PriceFormula(enum.StrEnum):
    """How the price score of comprehensive scoring is computed."""

    # score = points × lowest valid price / price (低价优先法)
    LOWEST_PRICE_BASE = "lowest_price_base"
    # benchmark = mean of the valid prices; points lost per 1 % above / below it (基准价法)
    BENCHMARK_DEVIATION = "benchmark_deviation"


class TieRule(enum.StrEnum):
    """What orders two bids the method ranks equal (stated in the documents)."""

    LOWER_PRICE = "lower_price"  # the lower opened price first
    HIGHER_TECHNICAL = "higher_technical"  # the higher committee technical score first
    EARLIER_SUBMISSION = "earlier_submission"  # the bid received first


def check_id(value: str, *, name: str) -> str:
    """An item id: 1–32 of ``a-z 0-9 _`` (sheets address items by it)."""
    if type(value) is not str or not ITEM_ID.fullmatch(value):
        raise TenderInputInvalid(f"{name} is 1–32 characters of a-z, 0-9 and _")
    return value


def _check_int(value: int, low: int, high: int, message: str) -> None:
    # type() and not isinstance(): True is an int to Python but never a number of points.
    if type(value) is not int or not low <= value <= high:
        raise TenderInputInvalid(message)


def _check_unique(ids: list[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise TenderInputInvalid(f"{what} ids are unique")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class QualificationItem:
    """One pass/fail requirement (资格/符合性审查), e.g. the licence or the bond."""

    id: str
    name: str
    guidance: str = ""

    def __post_init__(self) -> None:
        check_id(self.id, name="a qualification item id")
        check_text(self.name, name="a qualification item name", limit=NAME_LIMIT)
        check_text(self.guidance, name="guidance", limit=GUIDANCE_LIMIT, allow_empty=True)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SubItem:
    """One scored line of a criterion: a range of points, or discrete steps.

    Points in hundredths. With ``steps`` (strictly increasing), only those values may be
    given, and ``min_hundredths`` / ``max_hundredths`` are the first and last step.
    """

    id: str
    name: str
    guidance: str = ""
    min_hundredths: int = 0
    max_hundredths: int = 0
    steps: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        check_id(self.id, name="a sub-item id")
        check_text(self.name, name="a sub-item name", limit=NAME_LIMIT)
        check_text(self.guidance, name="guidance", limit=GUIDANCE_LIMIT, allow_empty=True)
        if self.steps:
            self._derive_bounds()
        for value in (self.min_hundredths, self.max_hundredths):
            _check_int(value, 0, FULL_MARKS, "sub-item points are 0–10000 hundredths")
        if self.min_hundredths >= self.max_hundredths:
            raise TenderInputInvalid("a sub-item's minimum is below its maximum")

    def _derive_bounds(self) -> None:
        steps = self.steps
        if type(steps) is not tuple or not 2 <= len(steps) <= MAX_STEPS:
            raise TenderInputInvalid(f"a sub-item has 2–{MAX_STEPS} steps")
        for value in steps:
            _check_int(value, 0, FULL_MARKS, "steps are 0–10000 hundredths")
        if any(a >= b for a, b in itertools.pairwise(steps)):
            raise TenderInputInvalid("steps are strictly increasing")
        bounds = (self.min_hundredths, self.max_hundredths)
        if bounds not in ((0, 0), (steps[0], steps[-1])):
            raise TenderInputInvalid("a sub-item with steps takes its range from them")
        object.__setattr__(self, "min_hundredths", steps[0])
        object.__setattr__(self, "max_hundredths", steps[-1])

    def allows(self, points: int) -> bool:
        """Whether a member may give ``points`` (hundredths) for this sub-item."""
        if self.steps:
            return points in self.steps
        return self.min_hundredths <= points <= self.max_hundredths


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Criterion:
    """One scored criterion of comprehensive scoring (technical, commercial, …).

    Its maximum is the sum of its sub-items' maxima. ``max_points`` is the form before
    issue 11 (whole points, no sub-items): it becomes the one sub-item ``"1"``. ``id``
    left empty is filled by the :class:`Evaluation` with ``c<n>``.
    """

    id: str = ""
    name: str
    items: tuple[SubItem, ...] = ()
    max_points: int | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.id:
            check_id(self.id, name="a criterion id")
        check_text(self.name, name="a criterion name", limit=NAME_LIMIT)
        if self.max_points is not None:
            self._implicit_item(self.max_points)
        if type(self.items) is not tuple or not 1 <= len(self.items) <= MAX_SUB_ITEMS:
            raise TenderInputInvalid(f"a criterion has 1–{MAX_SUB_ITEMS} sub-items")
        _check_unique([s.id for s in self.items], "sub-item")
        if self.max_hundredths > FULL_MARKS:
            raise TenderInputInvalid("a criterion's maximum is at most 100 points")

    def _implicit_item(self, max_points: int) -> None:
        if self.items:
            raise TenderInputInvalid("a criterion states its sub-items or max_points, not both")
        _check_int(max_points, 1, 100, "a criterion's maximum points are 1–100")
        item = SubItem(id="1", name=self.name, max_hundredths=max_points * 100)
        object.__setattr__(self, "items", (item,))

    @property
    def max_hundredths(self) -> int:
        """The most this criterion can give: the sum of its sub-items' maxima."""
        return sum(s.max_hundredths for s in self.items)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PriceScore:
    """The price part of comprehensive scoring: its points and formula."""

    points: int
    formula: PriceFormula
    # Hundredths of a point lost per 1 % above / below the benchmark (benchmark formula).
    above_per_percent: int = 0
    below_per_percent: int = 0

    def __post_init__(self) -> None:
        _check_int(self.points, 1, 100, "the price score has 1–100 points")
        if not isinstance(self.formula, PriceFormula):
            raise TenderInputInvalid("the price formula is one of PriceFormula")
        for value in (self.above_per_percent, self.below_per_percent):
            _check_int(value, 0, 10_000, "points lost per percent are 0–10000 hundredths")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AdjustmentItem:
    """One evaluated-price adjustment of lowest evaluated price (价格调整), in fen.

    Zero lies in the range: a bid with nothing to adjust is given 0.
    """

    id: str
    name: str
    guidance: str = ""
    min_fen: int
    max_fen: int

    def __post_init__(self) -> None:
        check_id(self.id, name="an adjustment id")
        check_text(self.name, name="an adjustment name", limit=NAME_LIMIT)
        check_text(self.guidance, name="guidance", limit=GUIDANCE_LIMIT, allow_empty=True)
        message = "an adjustment's bounds are whole fen within ±(2^53 − 1)"
        _check_int(self.min_fen, -MAX_AMOUNT_FEN, 0, message + ", the minimum at most 0")
        _check_int(self.max_fen, 0, MAX_AMOUNT_FEN, message + ", the maximum at least 0")
        if self.min_fen == self.max_fen:
            raise TenderInputInvalid("an adjustment's minimum is below its maximum")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Evaluation:
    """A lot's evaluation method (Reg. 49: only what the documents state may be used)."""

    method: EvaluationMethod
    qualification: tuple[QualificationItem, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    price: PriceScore | None = None
    adjustments: tuple[AdjustmentItem, ...] = ()
    tie_rule: TieRule = TieRule.LOWER_PRICE
    drop_extremes: bool = False  # drop the highest and lowest total (per tender)

    def __post_init__(self) -> None:
        if not isinstance(self.method, EvaluationMethod):
            raise TenderInputInvalid("the method is one of EvaluationMethod")
        if not isinstance(self.tie_rule, TieRule):
            raise TenderInputInvalid("the tie rule is one of TieRule")
        if type(self.drop_extremes) is not bool:
            raise TenderInputInvalid("drop_extremes is true or false")
        self._check_counts()
        named = tuple(
            c if c.id else dataclasses.replace(c, id=f"c{n}", max_points=None)
            for n, c in enumerate(self.criteria, start=1)
        )
        object.__setattr__(self, "criteria", named)
        _check_unique([q.id for q in self.qualification], "qualification item")
        _check_unique([c.id for c in self.criteria], "criterion")
        _check_unique([a.id for a in self.adjustments], "adjustment")
        if len({c.name for c in self.criteria}) != len(self.criteria):
            raise TenderInputInvalid("criterion names are unique within a lot")

    def _check_counts(self) -> None:
        limits = (
            ("qualification", MAX_QUALIFICATION_ITEMS),
            ("criteria", MAX_CRITERIA),
            ("adjustments", MAX_ADJUSTMENTS),
        )
        for name, limit in limits:
            if type(getattr(self, name)) is not tuple or len(getattr(self, name)) > limit:
                raise TenderInputInvalid(f"a lot's method has at most {limit} {name}")
        if self.price is not None and not isinstance(self.price, PriceScore):
            raise TenderInputInvalid("the price score is a PriceScore")

    @property
    def total_hundredths(self) -> int:
        """Criteria maxima plus price points, in hundredths (comprehensive: 10000)."""
        price = self.price.points * 100 if self.price else 0
        return sum(c.max_hundredths for c in self.criteria) + price

    @property
    def scored_items(self) -> dict[str, SubItem]:
        """Every sub-item by its sheet address ``<criterion id>.<sub-item id>``, in order."""
        return {f"{c.id}.{s.id}": s for c in self.criteria for s in c.items}
