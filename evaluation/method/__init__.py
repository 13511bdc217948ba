"""The lot's evaluation method applied: sheets checked, findings combined, bids ranked.

Pure (no I/O), integers only — points in hundredths, money in fen — with every
rounding stated where it happens and in docs/formats/evaluation-method.md §3. The
sheets feature checks each revealed sheet with model.py's ``validate_*``; the report
feature combines the sheets with committee.py, price.py and rank.py:

- model.py — the Reg. 51 reasons, the entries of each sheet phase, their validation;
- price.py — the price score (comprehensive) and the evaluated price (lowest price);
- committee.py — the majority on qualification, the deviation review, the aggregation;
- rank.py — the ranking, the tie rule, the candidates (Reg. 53: at most three).
"""
