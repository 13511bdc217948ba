"""What each of the seven members finds: the entries of their sheets.

Bids are named by the bidder's index in the scenario (0, 1, 2: prices 100 000, 90 000
and 80 000 CNY); the tests map them to the bid ids the committee's briefing lists.

- Qualification: seats 1–5 refuse bid 2's licence (Reg. 51 ``not_qualified``, each in
  its own words); seat 7 alone refuses bid 0's bond (a minority: bid 0 passes). Bid 2
  fails, so its commercial part stays sealed.
- Scoring (bids 0 and 1 only): every value is a distinctive integer (hundredths) found
  nowhere else, so the blind test can look for it in every frame and every row. Seat
  7's plan score of bid 0 is far below the others' (deviation review: flagged; seat 7
  explains it in writing).
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from signing import sheets

SEATS = range(1, 8)
QUALIFICATION_ITEMS = ("licence", "bond")
SCORE_ITEMS = ("tech.plan", "tech.team")
PASSED = (0, 1)  # the bids the committee's majority passes
FAILED = 2

# Refusals: (seat, bid, item) → (reason, explanation). Each explanation is distinctive
# text the blind test looks for before the qualification reveal.
REFUSALS: Mapping[tuple[int, int, str], tuple[str, str]] = {
    **{
        (seat, FAILED, "licence"): ("not_qualified", f"营业执照已于三月过期，专家{seat}核验原件")
        for seat in range(1, 6)
    },
    (7, 0, "bond"): ("no_signature", "保证金凭证未加盖投标人公章，专家7复核"),
}

# SCORES[item][bid][seat - 1]: hundredths of a point, each value once in the whole table.
SCORES: Mapping[str, Mapping[int, tuple[int, ...]]] = {
    "tech.plan": {
        0: (2713, 2687, 2741, 2659, 2722, 2698, 1473),
        1: (2381, 2417, 2369, 2433, 2391, 2406, 2427),
    },
    "tech.team": {
        0: (1613, 1587, 1629, 1571, 1601, 1643, 1559),
        1: (1837, 1819, 1853, 1807, 1861, 1829, 1843),
    },
}
DEVIANT = (7, 0, "tech.plan")  # the one score the review must flag
EXPLANATION = "该投标人施工方案缺少冬季施工和雨季排水措施，本人评分较低，坚持原评分。"


def score_values() -> list[int]:
    """Every score any member gives."""
    return [v for by_bid in SCORES.values() for values in by_bid.values() for v in values]


def qualification(seat: int, bids: Mapping[int, UUID]) -> tuple[sheets.QualificationEntry, ...]:
    """A seat's qualification entries for every bid and item."""
    out = []
    for index, bid in bids.items():
        for item in QUALIFICATION_ITEMS:
            refusal = REFUSALS.get((seat, index, item))
            if refusal is None:
                out.append(sheets.QualificationEntry(bid=bid, item=item, passed=True))
            else:
                reason, explanation = refusal
                out.append(
                    sheets.QualificationEntry(
                        bid=bid, item=item, passed=False, reason=reason, explanation=explanation
                    )
                )
    return tuple(out)


def scoring(seat: int, bids: Mapping[int, UUID]) -> tuple[sheets.ScoreEntry, ...]:
    """A seat's scoring entries for the bids that passed."""
    return tuple(
        sheets.ScoreEntry(bid=bids[index], item=item, points=SCORES[item][index][seat - 1])
        for index in PASSED
        for item in SCORE_ITEMS
    )
