"""docs/formats/evaluation-method.md's method (§1.1) and worked examples (§4) are true.

The inputs are read from the doc's own tables; the sheets are built as JSON and
validated by evaluation.method.model; every output table is rendered from what
evaluation/method computes and must appear in the doc character for character. A
changed input fails here until the numbers follow.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any
from uuid import UUID

from evaluation.method.committee import BidScore, aggregate, deviations, qualification_majority
from evaluation.method.model import validate_adjustments, validate_qualification, validate_scores
from evaluation.method.price import evaluated_prices, price_scores
from evaluation.method.rank import rank
from evaluation.method.rounding import div_half_up
from tender.codec import evaluation_from_json, evaluation_to_json
from tender.model import Evaluation
from tests.docs.markdown import code_blocks, found, read, section

DOC = read("formats/evaluation-method.md")
COMPREHENSIVE = section(DOC, "### 4.1 Comprehensive scoring")
LOWEST = section(DOC, "### 4.2 Lowest evaluated price")


def rows(text: str, header: str) -> list[list[str]]:
    """The cells of the table whose header line starts with ``header``."""
    start = text.index(header)
    lines = text[start:].split("\n\n")[0].splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def table(header: str, body: Sequence[Sequence[object]]) -> str:
    """A markdown table as the doc writes it."""
    columns = header.count("|") - 1
    lines = [header, "|" + "---|" * columns]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines)


def show(value: Fraction) -> str:
    """A quotient as the doc shows it: exact to two decimals, else rounded and "…"."""
    if (value * 100).denominator == 1:
        return (
            f"{value.numerator // value.denominator}"
            if value.denominator == 1
            else (f"{float(value):.2f}".rstrip("0"))
        )
    return f"{div_half_up(value.numerator * 100, value.denominator) / 100:.2f}…"


def method(text: str) -> Evaluation:
    stated = json.loads(code_blocks(text, "json")[0])
    parsed = evaluation_from_json(stated)
    assert evaluation_to_json(parsed) == stated  # the doc shows the full form
    return parsed


def value(name: str, text: str) -> int:
    return int(found(rf"`{name}` =\s+`(-?\d+)`", text)[1])


def bids() -> tuple[dict[str, UUID], dict[str, int], dict[UUID, dt.datetime]]:
    """§4.1's bids: letter → id, letter → opened price, id → received."""
    table_rows = rows(COMPREHENSIVE, "| bid | id |")
    ids = {r[0]: UUID(r[1].strip("`")) for r in table_rows}
    prices = {r[0]: int(r[2]) for r in table_rows}
    received = {ids[r[0]]: dt.datetime.fromisoformat(r[3]) for r in table_rows}
    return ids, prices, received


def test_the_method_example_is_the_full_form() -> None:
    """§1.1 parses, totals 100 points and is written back member for member."""
    assert method(section(DOC, "### 1.1 Example")).total_hundredths == 10_000


def test_the_comprehensive_example_is_recomputed() -> None:
    """§4.1: qualification, price scores, deviations, aggregation and ranking."""
    m = method(section(DOC, "### 1.1 Example"))
    ids, prices, received = bids()
    letter = {bid: name for name, bid in ids.items()}
    seats = [int(r[0]) for r in rows(COMPREHENSIVE, "| seat | A | B | C |")]

    refusals = {
        (int(r[0]), r[1], r[2]): (r[3], r[4])
        for r in rows(COMPREHENSIVE, "| seat | bid | item | reason |")
    }
    qualification = {}
    for seat in seats:
        entries: list[dict[str, Any]] = []
        for name, bid in ids.items():
            for item in (q.id for q in m.qualification):
                refusal = refusals.get((seat, name, item))
                entry: dict[str, Any] = {"bid": str(bid), "item": item, "pass": refusal is None}
                if refusal:
                    entry |= {"reason": refusal[0], "explanation": refusal[1]}
                entries.append(entry)
        qualification[seat] = validate_qualification(m, ids.values(), entries)
    verdicts = qualification_majority(m, ids.values(), qualification)
    assert (
        table(
            "| bid | licence | bond | result | reasons |",
            [
                [
                    letter[v.bid],
                    *(f"{i.passes}–{i.fails}" for i in v.items),
                    "passed" if v.passed else "failed",
                    ", ".join(v.reasons) or "—",
                ]
                for v in verdicts
            ],
        )
        in COMPREHENSIVE
    )
    passed = [v.bid for v in verdicts if v.passed]

    score_rows = rows(COMPREHENSIVE, "| seat | A | B | C |")
    sheets = {}
    for row in score_rows:
        entries = [
            {"bid": str(ids[name]), "item": item, "points": int(points)}
            for name, cell in zip("ABC", row[1:], strict=True)
            for item, points in zip(m.scored_items, cell.split(" / "), strict=True)
        ]
        sheets[int(row[0])] = validate_scores(m, passed, entries)

    ceiling = value("price_ceiling_fen", COMPREHENSIVE)
    scores = price_scores(m, {bid: prices[letter[bid]] for bid in passed}, ceiling)
    assert m.price is not None
    full = m.price.points * 100
    assert f"*P* = {full}, base = {scores.base_fen})" in COMPREHENSIVE
    assert (
        table(
            "| bid | price (fen) | computation | price score |",
            [
                [
                    letter[bid],
                    price,
                    f"{full} × {scores.base_fen} / {price} = "
                    f"{show(Fraction(full * (scores.base_fen or 0), price))}",
                    scores.scores[bid],
                ]
                for bid, price in scores.prices.items()
            ],
        )
        in COMPREHENSIVE
    )

    percent = value("percent", COMPREHENSIVE)
    flagged = deviations(m, sheets, percent)
    assert (
        table(
            "| seat | bid | item | points | others | test |",
            [
                [
                    d.seat,
                    letter[d.bid],
                    d.item,
                    d.points,
                    f"{d.others_sum} / {d.others_count} = "
                    f"{show(Fraction(d.others_sum, d.others_count))} → {d.others_mean}",
                    f"\\|{d.points} × {d.others_count} − {d.others_sum}\\| × 100 = "
                    f"{abs(d.points * d.others_count - d.others_sum) * 100} > "
                    f"{percent} × {d.others_sum} = {percent * d.others_sum}",
                ]
                for d in flagged
            ],
        )
        in COMPREHENSIVE
    )

    results = aggregate(m, passed, sheets, scores)
    assert (
        table(
            "| bid | "
            + " | ".join(f"seat {seat}" for seat in seats)
            + " | dropped | technical | price | total |",
            [_aggregate_row(letter[s.bid], s) for s in results],
        )
        in COMPREHENSIVE
    )

    ranking = rank(m, results, received)
    totals = {s.bid: s.total for s in results}
    assert (
        table(
            "| rank | bid | total | decided by | candidate |",
            [
                [
                    r.rank,
                    letter[r.bid],
                    totals[r.bid],
                    r.decided_by or "—",
                    "yes" if r.candidate else "no",
                ]
                for r in ranking.order
            ],
        )
        in COMPREHENSIVE
    )


def _aggregate_row(name: str, score: BidScore) -> list[object]:
    kept = [p for seat, p in score.members.items() if seat not in score.dropped]
    mean = Fraction(sum(kept), len(kept))
    return [
        name,
        *score.members.values(),
        ", ".join(map(str, score.dropped)) or "—",
        f"{sum(kept)} / {len(kept)} = {show(mean)} → {score.technical}",
        score.price,
        score.total,
    ]


def test_the_lowest_price_example_is_recomputed() -> None:
    """§4.2: the committee's adjustments (a half away from zero), the evaluated prices
    and the ranking."""
    m = method(LOWEST)
    ids, _, received = bids()
    sheet_rows = rows(LOWEST, "| seat | A (opened")
    header = found(r"\| seat \| A \(opened (\d+)\) \| B \(opened (\d+)\) \|", LOWEST)
    opened = {ids["A"]: int(header[1]), ids["B"]: int(header[2])}
    items = [a.id for a in m.adjustments]
    sheets = {
        int(row[0]): validate_adjustments(
            m,
            opened,
            [
                {"bid": str(ids[name]), "item": item, "fen": int(fen)}
                for name, cell in zip("AB", row[1:], strict=True)
                for item, fen in zip(items, cell.split(" / "), strict=True)
            ],
        )
        for row in sheet_rows
    }
    ceiling = value("price_ceiling_fen", LOWEST)
    found_prices = evaluated_prices(m, opened, sheets, opened, ceiling)
    letter = {bid: name for name, bid in ids.items()}
    n = len(sheets)
    body = []
    for p in found_prices.prices:
        given = {
            item: sum(
                e.fen for s in sheets.values() for e in s if e.bid == p.bid and e.item == item
            )
            for item in items
        }
        cells = [
            f"{given[item]} / {n} = {show(Fraction(given[item], n))} → {p.adjustments[item]}"
            for item in items
        ]
        terms = " ".join(f"{'-' if a < 0 else '+'} {abs(a)}" for a in p.adjustments.values())
        body.append([letter[p.bid], *cells, f"{p.price_fen} {terms} = {p.evaluated_fen}"])
    assert table("| bid | pay | time | evaluated price |", body) in LOWEST

    ranking = rank(m, found_prices.prices, received)
    evaluated = {p.bid: p.evaluated_fen for p in found_prices.prices}
    first, second = ranking.order
    assert (
        f"Ranking: {letter[first.bid]} ({evaluated[first.bid]}) first, then "
        f"{letter[second.bid]} ({evaluated[second.bid]}), both candidates."
    ) in LOWEST
    assert len(ranking.candidates) == 2


def test_show_matches_the_docs_notation() -> None:
    """Exact quotients as decimals, others rounded to the hundredth with an ellipsis."""
    assert [show(Fraction(a, b)) for a, b in ((9750, 3), (50001, 4), (-20002, 4))] == [
        "3250",
        "12500.25",
        "-5000.5",
    ]
    assert show(Fraction(11855, 3)) == "3951.67…"
    assert re.fullmatch(r"4722\.22…", show(Fraction(5000 * 8500000, 9000000)))


def test_the_api_docs_method_example_is_the_full_form() -> None:
    """docs/api-tenders.md's example is a complete method, written back as shown."""
    api = section(read("api-tenders.md"), "## The lot's evaluation method")
    assert method(api).total_hundredths == 10_000
