"""The committee's arithmetic redone from the signed sheets' bytes, independently.

docs/formats/evaluation-method.md §3, written again here from the text (no production
function): integers only, each quotient rounded once half up, ⌊(2a + d) / 2d⌋.
The sheets are the parsed JSON of the exact bytes the members signed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def half_up(a: int, d: int) -> int:
    """§3.1 ½↑ of a / d (a ≥ 0, d > 0)."""
    return (2 * a + d) // (2 * d)


def latest(sheets: Sequence[Mapping[str, Any]], phase: str) -> dict[int, Mapping[str, Any]]:
    """Each seat's latest version of its sheet of ``phase``."""
    found: dict[int, Mapping[str, Any]] = {}
    for sheet in sheets:
        if sheet["phase"] != phase:
            continue
        seat = sheet["seat"]
        if seat not in found or sheet["version"] > found[seat]["version"]:
            found[seat] = sheet
    return found


def qualification(sheets: Mapping[int, Mapping[str, Any]], items: Sequence[str]) -> dict[str, bool]:
    """§3.2: a bid passes an item when passes × 2 > n, and passes when it passes every
    item. Bid id → passed."""
    n = len(sheets)
    passes: dict[tuple[str, str], int] = {}
    bids: set[str] = set()
    for sheet in sheets.values():
        for entry in sheet["entries"]:
            bids.add(entry["bid"])
            key = (entry["bid"], entry["item"])
            passes[key] = passes.get(key, 0) + (1 if entry["pass"] else 0)
    return {bid: all(passes.get((bid, item), 0) * 2 > n for item in items) for bid in bids}


def flagged(sheets: Mapping[int, Mapping[str, Any]], percent: int) -> set[tuple[int, str, str]]:
    """§3.4: (seat, bid, item) with |s × k − S| × 100 > percent × S."""
    values: dict[tuple[str, str], dict[int, int]] = {}
    for seat, sheet in sheets.items():
        for entry in sheet["entries"]:
            values.setdefault((entry["bid"], entry["item"]), {})[seat] = entry["points"]
    out = set()
    for (bid, item), by_seat in values.items():
        for seat, s in by_seat.items():
            others = [v for other, v in by_seat.items() if other != seat]
            total, k = sum(others), len(others)
            if k and abs(s * k - total) * 100 > percent * total:
                out.add((seat, bid, item))
    return out


def price_scores(prices: Mapping[str, int], points: int) -> dict[str, int]:
    """§3.3 lowest_price_base: ½↑(P × b / p), b the lowest valid price, P = points × 100."""
    base = min(prices.values())
    whole = points * 100
    return {bid: whole if p == 0 else half_up(whole * base, p) for bid, p in prices.items()}


def technical(sheets: Mapping[int, Mapping[str, Any]], bid: str, drop_extremes: bool) -> int:
    """§3.5: ½↑ of the mean of the members' technical sums, the lowest and the highest
    (ordered by (sum, seat)) left out when drop_extremes and n ≥ 5."""
    sums = sorted(
        (sum(e["points"] for e in sheet["entries"] if e["bid"] == bid), seat)
        for seat, sheet in sheets.items()
    )
    if drop_extremes and len(sums) >= 5:
        sums = sums[1:-1]
    return half_up(sum(s for s, _ in sums), len(sums))


def ranking(
    sheets: Mapping[int, Mapping[str, Any]],
    prices: Mapping[str, int],
    *,
    points: int,
    drop_extremes: bool,
) -> list[dict[str, int | str]]:
    """§3.5 and §3.7: {bid, technical, price_score, total}, the higher total first. The
    test's scores give distinct totals, so the tie rule never decides (asserted)."""
    scores = price_scores(prices, points)
    rows: list[dict[str, int | str]] = []
    for bid in prices:
        tech = technical(sheets, bid, drop_extremes)
        rows.append({"bid": bid, "technical": tech, "price_score": scores[bid],
                     "total": tech + scores[bid]})  # fmt: skip
    rows.sort(key=lambda r: -int(r["total"]))
    totals = [r["total"] for r in rows]
    assert len(set(totals)) == len(totals), "choose scores whose totals differ"
    return rows
