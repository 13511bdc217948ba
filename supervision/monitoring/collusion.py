"""Pure detectors of the Reg. 40 collusion indicators (视为串通投标) within one lot.

Reg. 40 lists what is deemed collusion: documents made by one unit or person, one
person handling several bidders' matters, documents showing regular differences,
documents mixed up, bonds paid from one account. The platform sees these as shared
upload origins, identical sealed parts, identical file metadata, one project manager
in two bids, prices in a progression or in one narrow band, and one paying account.
Each detector takes a parsed rule and the facts and returns findings; none does I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from itertools import combinations
from typing import Any

from signing.canonical import sha256_hex
from signing.log.entry import format_time
from supervision.monitoring.model import BidPrice, Facts, FileMeta, Finding
from supervision.monitoring.rules import Rule


def _subject(rule: Rule, lot: str | None, value: str, bidders: Sequence[str]) -> str:
    # The freeze's and the bonds' alerts are folded in: the same subjects, so a finding
    # they raised already is not raised twice (alert_once is once per subject).
    if rule.facts[0] == "part_hashes":
        return f"{lot}|{value}"
    if rule.facts[0] == "bond_accounts" and lot is None:
        return sha256_hex(f"{value}|{'|'.join(bidders)}".encode())
    digest = sha256_hex(f"{rule.name}|{value}|{'|'.join(bidders)}".encode())
    return f"{lot}|{digest}" if lot is not None else digest


def _close_in_time(rows: Sequence[Any], minutes: int) -> set[str]:
    """Bidders with a row within ``minutes`` of another bidder's row."""
    ordered = sorted(rows, key=lambda r: r.at)
    window = timedelta(minutes=minutes)
    found: set[str] = set()
    for i, row in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.at - row.at > window:
                break
            if other.bidder != row.bidder:
                found |= {row.bidder, other.bidder}
    return found


def shared_value(rule: Rule, facts: Facts) -> list[Finding]:
    """One value (address, installation, hash, person, account) held by several bidders."""
    field, scope = rule.params["field"], rule.params["scope"]
    groups: dict[tuple[str, str | None, str], list[Any]] = defaultdict(list)
    for row in getattr(facts, rule.facts[0]):
        value = getattr(row, field)
        if value is None or value == "":
            continue
        lot = row.lot if scope == "lot" else None
        groups[(row.tender, lot, str(value))].append(row)
    findings = []
    for (tender, lot, value), rows in sorted(groups.items(), key=lambda item: str(item[0])):
        minutes = rule.params["within_minutes"]
        bidders = sorted(
            _close_in_time(rows, minutes) if minutes is not None else {r.bidder for r in rows}
        )
        if len(bidders) < rule.params["min_bidders"]:
            continue
        evidence: dict[str, Any] = {"field": field, "value": value, "bidders": bidders}
        if lot is not None:
            evidence["lot"] = lot
        if minutes is not None:
            evidence["within_minutes"] = minutes
            evidence["times"] = sorted(
                {f"{r.bidder} {format_time(r.at)}" for r in rows if r.bidder in bidders}
            )
        subject = _subject(rule, lot, value, bidders)
        findings.append(Finding(rule.name, rule.alert, tender, subject, evidence, tuple(bidders)))
    return findings


def _by_lot(rows: Iterable[Any]) -> dict[tuple[str, str], list[Any]]:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.tender, row.lot)].append(row)
    return dict(sorted(groups.items()))


def _meta_matches(
    rule: Rule, a: FileMeta, b: FileMeta, template: set[tuple[str, str]]
) -> dict[str, str]:
    matched: dict[str, str] = {}
    for name in rule.params["fields"]:
        if name == "created":
            if a.created is None or b.created is None:
                continue
            gap = abs(a.created - b.created)
            if gap <= timedelta(minutes=rule.params["created_within_minutes"]):
                matched["created"] = f"{format_time(a.created)} / {format_time(b.created)}"
            continue
        value = getattr(a, name)
        if not value or value != getattr(b, name):
            continue
        if rule.params["ignore_template"] and (name, value) in template:
            continue  # the tender's own template carries it: every bidder starts there
        matched[name] = value
    return matched


def metadata_match(rule: Rule, facts: Facts) -> list[Finding]:
    """Opened files of different bidders sharing author, organisation, software, time."""
    templates: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for meta in facts.file_metas:
        if meta.bidder is None:
            for name in ("author", "organisation", "software"):
                if getattr(meta, name):
                    templates[meta.tender].add((name, getattr(meta, name)))
    findings = []
    bids = (m for m in facts.file_metas if m.bidder is not None)
    for (tender, lot), metas in _by_lot(bids).items():
        pairs: list[dict[str, Any]] = []
        for a, b in combinations(metas, 2):
            if a.bidder == b.bidder:
                continue
            matched = _meta_matches(rule, a, b, templates[tender])
            if len(matched) >= rule.params["min_fields"]:
                pair = sorted([(a.bidder or "", a.file), (b.bidder or "", b.file)])
                pairs.append({"bidders": [p[0] for p in pair], "files": [p[1] for p in pair],
                              "fields": matched})  # fmt: skip
        for group in _components([tuple(p["bidders"]) for p in pairs]):
            shown = [p for p in pairs if p["bidders"][0] in group]
            evidence = {"lot": lot, "bidders": group, "matches": shown}
            subject = _subject(rule, lot, "metadata", group)
            findings.append(Finding(rule.name, rule.alert, tender, subject, evidence, tuple(group)))
    return findings


def _components(pairs: Sequence[tuple[str, ...]]) -> list[list[str]]:
    """Connected groups of bidders linked by pairs, each sorted."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        groups[root(x)].add(x)
    return sorted(sorted(g) for g in groups.values())


def _prices(rows: Sequence[BidPrice]) -> list[BidPrice]:
    latest = {r.bidder: r for r in rows if r.price_fen > 0}
    return sorted(latest.values(), key=lambda r: (r.price_fen, r.bidder))


def _longest_progression(prices: Sequence[BidPrice], tolerance: float) -> list[BidPrice]:
    """The longest run of prices whose consecutive gaps are equal within ``tolerance``
    (a fraction of the gap): cover bids stepped from one number (Reg. 40 (2)
    "regular differences")."""
    best: list[BidPrice] = []
    for i, j in combinations(range(len(prices)), 2):
        step = prices[j].price_fen - prices[i].price_fen
        if step <= 0:
            continue
        chain = [prices[i], prices[j]]
        for k in range(j + 1, len(prices)):
            gap = prices[k].price_fen - chain[-1].price_fen
            if abs(gap - step) <= tolerance * step:
                chain.append(prices[k])
            elif gap > step * (1 + tolerance):
                break
        if len(chain) > len(best):
            best = chain
    return best


def price_progression(rule: Rule, facts: Facts) -> list[Finding]:
    """At least ``min_bids`` prices of a lot in an arithmetic progression."""
    findings = []
    for (tender, lot), rows in _by_lot(facts.bid_prices).items():
        chain = _longest_progression(_prices(rows), rule.params["tolerance"])
        if len(chain) < rule.params["min_bids"]:
            continue
        bidders = sorted(r.bidder for r in chain)
        evidence = {
            "lot": lot, "prices_fen": {r.bidder: r.price_fen for r in chain},
            "step_fen": chain[1].price_fen - chain[0].price_fen,
            "tolerance": rule.params["tolerance"],
        }  # fmt: skip
        subject = _subject(rule, lot, "progression", bidders)
        findings.append(Finding(rule.name, rule.alert, tender, subject, evidence, tuple(bidders)))
    return findings


def price_band(rule: Rule, facts: Facts) -> list[Finding]:
    """Every price of a lot within ``band`` of one another (a fraction of the ceiling) and
    within ``below_ceiling`` under the ceiling: bids bunched by agreement."""
    findings = []
    for (tender, lot), rows in _by_lot(facts.bid_prices).items():
        prices = _prices(rows)
        ceiling = next((r.ceiling_fen for r in prices if r.ceiling_fen), None)
        if ceiling is None or len(prices) < rule.params["min_bids"]:
            continue
        low, high = prices[0].price_fen, prices[-1].price_fen
        spread, below = (high - low) / ceiling, (ceiling - low) / ceiling
        if spread > rule.params["band"] or below > rule.params["below_ceiling"] or high > ceiling:
            continue
        bidders = sorted(r.bidder for r in prices)
        evidence = {
            "lot": lot, "ceiling_fen": ceiling,
            "prices_fen": {r.bidder: r.price_fen for r in prices},
            "spread": round(spread, 6), "below_ceiling": round(below, 6),
        }  # fmt: skip
        subject = _subject(rule, lot, "band", bidders)
        findings.append(Finding(rule.name, rule.alert, tender, subject, evidence, tuple(bidders)))
    return findings
