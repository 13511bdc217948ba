"""The synthetic history is deterministic from its seed and holds the benign look-alikes
docs/monitoring.md names, unlabelled (issue 14, item 5)."""

from __future__ import annotations

from collections import defaultdict

from supervision.monitoring.synthetic import generate

HISTORY = generate(11, 300)


def test_one_seed_gives_one_history_and_another_seed_another() -> None:
    assert generate(11, 40) == generate(11, 40)
    assert generate(11, 40).facts != generate(12, 40).facts


def test_honest_office_neighbours_share_an_address_in_unlabelled_lots() -> None:
    labelled = {k[1] for k in HISTORY.labels["bids_same_address"]}
    shared = defaultdict(set)
    for o in HISTORY.facts.upload_origins:
        shared[(o.tender, o.address)].add(o.bidder)
    benign = [t for (t, _), bidders in shared.items() if len(bidders) > 1 and t not in labelled]
    assert benign


def test_honest_bidders_keep_the_templates_metadata_in_unlabelled_lots() -> None:
    labelled = {k[1] for k in HISTORY.labels["files_metadata_identical"]}
    templated = defaultdict(int)
    for m in HISTORY.facts.file_metas:
        if m.bidder is not None and m.author == "招标文件模板" and m.tender not in labelled:
            templated[m.tender] += 1
    assert any(count >= 2 for count in templated.values())


def test_honest_prices_bunch_under_a_low_ceiling_in_unlabelled_lots() -> None:
    labelled = {k[1] for k in HISTORY.labels.get("prices_band", set())}
    lots = defaultdict(list)
    for p in HISTORY.facts.bid_prices:
        lots[p.tender].append(p)
    bunched = [
        t for t, prices in lots.items()
        if t not in labelled and all(0 < 1 - p.price_fen / p.ceiling_fen <= 0.04 for p in prices)
    ]  # fmt: skip
    assert bunched
