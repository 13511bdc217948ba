"""Pure detectors of expert outliers, related bidders (Reg. 34) and agency conflicts.

Experts (DOMAIN.md "Monitoring and supervision"): one who often scores far from the
rest of the committee, two who sit together far more often than the draw makes likely,
one who keeps meeting the same agency or tenderer. A pattern across tenders is filed on
the latest tender of its evidence. Related bidders (Reg. 34): bidders of one lot under
one legal representative or principal, or in a controlling or management relation.
Agency conflicts (Law 50, Reg. 34): an agency, or its staff, bidding on or advising a
bidder in a project it runs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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


def repeat_counterpart(rule: Rule, facts: Facts) -> list[Finding]:
    """An expert meeting one agency (or tenderer) at least ``min_times``, ``min_lift``
    times more often than that counterpart's share of its pool's sittings makes likely."""
    key = rule.params["counterpart"]
    per_expert: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for sitting in facts.sittings:
        per_expert[(sitting.pool, sitting.expert)].append(sitting)
    overall = Counter((s.pool, getattr(s, key)) for s in facts.sittings)
    totals = Counter(s.pool for s in facts.sittings)
    findings = []
    for (pool, expert), sittings in sorted(per_expert.items()):
        counts = Counter(getattr(s, key) for s in sittings)
        for party, times in sorted(counts.items()):
            if times < rule.params["min_times"]:
                continue
            lift = (times / len(sittings)) / (overall[(pool, party)] / totals[pool])
            if lift < rule.params["min_lift"]:
                continue
            met = [s for s in sittings if getattr(s, key) == party]
            latest = max(met, key=lambda s: (s.at, s.tender))
            evidence = {
                "expert": expert, key: party, "pool": pool, "times": times,
                "sittings": len(sittings), "lift": round(lift, 3),
                "tenders": sorted(s.tender for s in met),
            }  # fmt: skip
            subject = f"{key}|{expert}|{party}"
            findings.append(
                Finding(rule.name, rule.alert, latest.tender, subject, evidence, (party,))
            )
    return findings


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
