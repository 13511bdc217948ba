"""Pure detectors of expert outliers, related bidders (Reg. 34) and agency conflicts.

Experts (DOMAIN.md "Monitoring and supervision"): one who often scores far from the
rest of the committee, two who sit together far more often than the draw makes likely,
one who keeps meeting the same agency or tenderer more often than a random draw from
the pool explains (a hypergeometric tail, Benjamini–Hochberg over every pair). A pattern
across tenders is filed on the latest tender of its evidence. Related bidders (Reg. 34):
bidders of one lot under one legal representative or principal, or in a controlling or
management relation.
Agency conflicts (Law 50, Reg. 34): an agency, or its staff, bidding on or advising a
bidder in a project it runs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from signing.canonical import sha256_hex
from supervision.monitoring.model import Facts, Finding
from supervision.monitoring.rules import Rule


def deviation_frequency(rule: Rule, facts: Facts) -> list[Finding]:
    """An expert whose share of scores ≥ ``deviation`` percent away from the rest of the
    committee is at least ``share`` over at least ``min_scores`` scores."""
    by_expert: dict[str, list[Any]] = defaultdict(list)
    for score in facts.expert_scores:
        by_expert[score.expert].append(score)
    findings = []
    for expert, scores in sorted(by_expert.items()):
        large = [s for s in scores if s.deviation >= rule.params["deviation"]]
        share = len(large) / len(scores)
        if len(scores) < rule.params["min_scores"] or share < rule.params["share"]:
            continue
        latest = max(large, key=lambda s: (s.at, s.tender))
        evidence = {
            "expert": expert, "scores": len(scores), "large": len(large),
            "share": round(share, 4), "deviation": rule.params["deviation"],
            "tenders": sorted({s.tender for s in large}),
        }  # fmt: skip
        findings.append(Finding(rule.name, rule.alert, latest.tender, f"expert|{expert}", evidence))
    return findings


def pair_frequency(rule: Rule, facts: Facts) -> list[Finding]:
    """Two experts together on at least ``min_together`` tenders, ``min_lift`` times more
    often than their separate frequencies in their pool make likely (a random draw)."""
    panels: dict[str, set[str]] = defaultdict(set)
    pool_of: dict[str, str] = {}
    last: dict[str, Any] = {}
    for sitting in facts.sittings:
        panels[sitting.tender].add(sitting.expert)
        pool_of[sitting.tender] = sitting.pool
        last[sitting.tender] = max(last.get(sitting.tender, sitting.at), sitting.at)
    totals = Counter(pool_of.values())
    seats = Counter((pool_of[t], e) for t, panel in panels.items() for e in panel)
    together: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for tender, panel in panels.items():
        for a, b in combinations(sorted(panel), 2):
            together[(pool_of[tender], a, b)].append(tender)
    findings = []
    for (pool, a, b), tenders in sorted(together.items()):
        if len(tenders) < rule.params["min_together"]:
            continue
        lift = len(tenders) * totals[pool] / (seats[(pool, a)] * seats[(pool, b)])
        if lift < rule.params["min_lift"]:
            continue
        latest = max(tenders, key=lambda t: (last[t], t))
        evidence = {
            "experts": [a, b], "pool": pool, "together": len(tenders),
            "seats": [seats[(pool, a)], seats[(pool, b)]], "tenders_in_pool": totals[pool],
            "lift": round(lift, 3), "tenders": sorted(tenders),
        }  # fmt: skip
        findings.append(Finding(rule.name, rule.alert, latest, f"pair|{a}|{b}", evidence))
    return findings


@dataclass(frozen=True, slots=True)
class _Meeting:
    """One expert's meetings with one counterpart in a pool, against a random draw."""

    pool: str
    expert: str
    party: str
    met: tuple[Any, ...]  # the sittings at the counterpart's tenders
    sittings: int  # the expert's tenders in the pool
    tenders: int  # the pool's tenders
    runs: int  # the counterpart's tenders in the pool
    p_value: float


def repeat_counterpart(rule: Rule, facts: Facts) -> list[Finding]:
    """An expert meeting one agency (or tenderer) at least ``min_times``, ``min_lift``
    times more often than a random draw from the expert's pool makes likely, and among
    the discoveries at ``false_discovery_rate`` (Benjamini–Hochberg over every
    expert–counterpart pair the pools hold): chance explains at most that share of
    the findings, whatever the pool's size or the counterpart's share of it."""
    key = rule.params["counterpart"]
    meetings, pairs = _meetings(facts, key)
    q_values = _q_values([m.p_value for m in meetings], pairs)
    findings = []
    for meeting, q_value in zip(meetings, q_values, strict=True):
        times = len(meeting.met)
        expected = meeting.sittings * meeting.runs / meeting.tenders
        rate = rule.params["false_discovery_rate"]
        if (
            times < rule.params["min_times"]
            or times < rule.params["min_lift"] * expected
            or (rate is not None and q_value > rate)
        ):
            continue
        latest = max(meeting.met, key=lambda s: (s.at, s.tender))
        evidence = {
            "expert": meeting.expert, key: meeting.party, "pool": meeting.pool,
            "times": times, "sittings": meeting.sittings,
            "tenders_in_pool": meeting.tenders, f"{key}_tenders": meeting.runs,
            "expected": round(expected, 3), "lift": round(times / expected, 3),
            "p_value": float(f"{meeting.p_value:.4g}"), "q_value": float(f"{q_value:.4g}"),
            "pairs_tested": pairs, "tenders": sorted(s.tender for s in meeting.met),
        }  # fmt: skip
        subject = f"{key}|{meeting.expert}|{meeting.party}"
        findings.append(
            Finding(rule.name, rule.alert, latest.tender, subject, evidence, (meeting.party,))
        )
    return findings


def _meetings(facts: Facts, key: str) -> tuple[list[_Meeting], int]:
    """Every expert–counterpart pair that met at least once, by pool, expert and party,
    and the number of pairs the pools hold (experts × counterparts of each pool)."""
    seats: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    runs: dict[str, tuple[str, str]] = {}
    for sitting in facts.sittings:
        seats[(sitting.pool, sitting.expert)][sitting.tender] = sitting
        runs[sitting.tender] = (sitting.pool, getattr(sitting, key))
    pool_tenders = Counter(pool for pool, _ in runs.values())
    party_tenders = Counter(runs.values())
    parties = Counter(pool for pool, _ in party_tenders)
    experts = Counter(pool for pool, _ in seats)
    meetings = []
    for (pool, expert), sat in sorted(seats.items()):
        by_party: dict[str, list[Any]] = defaultdict(list)
        for s in sat.values():
            by_party[getattr(s, key)].append(s)
        for party, met in sorted(by_party.items()):
            tenders, party_runs = pool_tenders[pool], party_tenders[(pool, party)]
            p_value = upper_tail(len(met), tenders, party_runs, len(sat))
            meetings.append(
                _Meeting(pool, expert, party, tuple(met), len(sat), tenders, party_runs, p_value)
            )
    return meetings, sum(experts[pool] * parties[pool] for pool in experts)


def _q_values(p_values: list[float], tests: int) -> list[float]:
    """Benjamini–Hochberg adjusted p-values over ``tests`` hypotheses (those not listed
    have p = 1): a finding with q ≤ α is among the discoveries at false discovery rate α."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    q_values = [1.0] * len(p_values)
    running = 1.0
    for rank in range(len(order), 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * tests / rank)
        q_values[i] = running
    return q_values


def upper_tail(times: int, tenders: int, runs: int, sittings: int) -> float:
    """P(X ≥ ``times``), X hypergeometric: an expert seated on ``sittings`` of a pool's
    ``tenders`` regardless of who runs them meets X of the ``runs`` tenders one
    counterpart runs (the null of a random draw from the pool)."""
    top = min(runs, sittings)
    base = _log_comb(tenders, sittings)
    tail = sum(
        math.exp(_log_comb(runs, i) + _log_comb(tenders - runs, sittings - i) - base)
        for i in range(max(times, 0), top + 1)
    )
    return min(1.0, tail)


def _log_comb(n: int, k: int) -> float:
    if k < 0 or k > n:
        return -math.inf
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _links(rule: Rule, facts: Facts, orgs: set[str]) -> dict[tuple[str, str], list[str]]:
    """Reasons two of ``orgs`` are related: a relation of the rule's kinds, or one person
    (by ID hash) in a role of the rule's roles at both."""
    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel in facts.party_relations:
        related = {rel.from_org, rel.to_org}
        if rel.kind in rule.params["kinds"] and related <= orgs and len(related) == 2:
            a, b = sorted(related)
            reasons[(a, b)].append(rel.kind)
    holders: dict[str, set[str]] = defaultdict(set)
    for person in facts.party_people:
        if person.role in rule.params["roles"] and person.organisation in orgs:
            holders[person.id_hash].add(person.organisation)
    for id_hash, held in holders.items():
        for a, b in combinations(sorted(held), 2):
            reasons[(a, b)].append(f"person:{id_hash[:12]}")
    return {pair: sorted(set(why)) for pair, why in reasons.items()}


def related_parties(rule: Rule, facts: Facts) -> list[Finding]:
    """Reg. 34: bidders of one lot related by control, management or one person."""
    lots: dict[tuple[str, str], set[str]] = defaultdict(set)
    for bid in facts.lot_bidders:
        lots[(bid.tender, bid.lot)].add(bid.bidder)
    findings = []
    for (tender, lot), bidders in sorted(lots.items()):
        links = _links(rule, facts, bidders)
        if not links:
            continue
        pairs = [{"bidders": list(pair), "reasons": why} for pair, why in sorted(links.items())]
        involved = sorted({b for pair in links for b in pair})
        subject = f"{lot}|" + sha256_hex("|".join(involved).encode())
        evidence = {"lot": lot, "pairs": pairs}
        findings.append(Finding(rule.name, rule.alert, tender, subject, evidence, tuple(involved)))
    return findings


def agency_conflict(rule: Rule, facts: Facts) -> list[Finding]:
    """An agency bidding in a tender it runs, or related to one of its bidders (advising,
    control, one legal representative, one of its staff at the bidder)."""
    bidders: dict[str, set[str]] = defaultdict(set)
    for bid in facts.lot_bidders:
        bidders[bid.tender].add(bid.bidder)
    findings = []
    for run in sorted(facts.tender_parties, key=lambda t: t.tender):
        agency = run.agency
        reasons: list[dict[str, Any]] = []
        for bidder in sorted(bidders[run.tender]):
            if bidder == agency:
                reasons.append({"bidder": bidder, "reason": "agency_bids"})
                continue
            a, b = sorted((agency, bidder))
            links = _links(rule, facts, {agency, bidder}).get((a, b))
            if links:
                reasons.append({"bidder": bidder, "reason": "related", "links": links})
        if not reasons:
            continue
        involved = sorted({agency} | {r["bidder"] for r in reasons})
        evidence = {"agency": agency, "conflicts": reasons}
        subject = "agency|" + sha256_hex("|".join(involved).encode())
        findings.append(
            Finding(rule.name, rule.alert, run.tender, subject, evidence, tuple(involved))
        )
    return findings


def repeated_exceptions(rule: Rule, facts: Facts) -> list[Finding]:
    """An agency whose tenders needed an approved exception (of the rule's kinds) at
    least ``min_count`` times and in at least ``min_share`` of its tenders."""
    runs = Counter(t.agency for t in facts.tender_parties)
    tenders: dict[str, set[str]] = defaultdict(set)
    latest: dict[str, Any] = {}
    for e in facts.procedure_exceptions:
        if e.kind in rule.params["kinds"]:
            tenders[e.agency].add(e.tender)
            latest[e.agency] = max(latest.get(e.agency, (e.at, e.tender)), (e.at, e.tender))
    findings = []
    for agency, hit in sorted(tenders.items()):
        share = len(hit) / max(runs[agency], len(hit))
        if len(hit) < rule.params["min_count"] or share < rule.params["min_share"]:
            continue
        evidence = {
            "agency": agency, "tenders_with_exceptions": len(hit),
            "tenders": max(runs[agency], len(hit)), "share": round(share, 4),
            "kinds": sorted(rule.params["kinds"]), "examples": sorted(hit)[-10:],
        }  # fmt: skip
        tender = latest[agency][1]
        findings.append(
            Finding(rule.name, rule.alert, tender, f"exceptions|{agency}", evidence, (agency,))
        )
    return findings
