"""Expert outliers, related bidders (Reg. 34), agency conflicts and repeated exceptions:
each pattern found, its benign look-alike not."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from math import comb

import pytest

from supervision.monitoring import outliers
from supervision.monitoring.defaults import default_rules
from supervision.monitoring.model import (
    ExpertScore,
    Facts,
    LotBidder,
    PartyPerson,
    PartyRelation,
    ProcedureException,
    Sitting,
    TenderParties,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RULES = default_rules()


def _scores(expert: str, large: int, total: int) -> list[ExpertScore]:
    return [
        ExpertScore(f"t{i}", "1", expert, "b", 25.0 if i < large else 2.0, T0 + timedelta(days=i))
        for i in range(total)
    ]


def test_an_expert_often_far_from_the_committee_is_found_on_the_latest_tender() -> None:
    facts = Facts(expert_scores=[*_scores("e1", 6, 12), *_scores("e2", 1, 12)])
    [found] = outliers.deviation_frequency(RULES["expert_deviations"], facts)
    assert (found.evidence["expert"], found.evidence["large"], found.tender) == ("e1", 6, "t5")


def _sittings(
    panels: list[tuple[str, ...]], pool: str = "works", agency: str = "A"
) -> list[Sitting]:
    return [
        Sitting(f"{pool}{i}", e, agency, "P", pool, T0 + timedelta(days=i))
        for i, panel in enumerate(panels)
        for e in panel
    ]


def test_a_pair_far_more_often_together_than_the_draw_makes_likely_is_found() -> None:
    panels = [("x", "y", f"o{i}", f"p{i}", f"q{i}") for i in range(8)]
    panels += [(f"r{i}", f"s{i}", f"u{i}", f"v{i}", f"w{i}") for i in range(40)]
    [found] = outliers.pair_frequency(RULES["expert_pairs"], Facts(sittings=_sittings(panels)))
    assert found.evidence["experts"] == ["x", "y"]
    assert found.subject == "pair|x|y"


def test_a_small_speciality_whose_members_always_meet_is_not_a_pair() -> None:
    members = ("a", "b", "c", "d", "e", "f")
    panels = [tuple(m for j, m in enumerate(members) if j != i % 6) for i in range(30)]
    assert outliers.pair_frequency(RULES["expert_pairs"], Facts(sittings=_sittings(panels))) == []


def _drawn(pool: str, experts: int, seats: int, runs: list[tuple[str, str]],
           tied: dict[str, str] | None = None) -> list[Sitting]:  # fmt: skip
    """Panels drawn at random from a pool for ``runs`` (agency, tenderer) in turn; an
    expert of ``tied`` (expert → agency or tenderer) is brought to its counterpart's."""
    rng = random.Random(f"{pool}{experts}")
    members = [f"{pool}{i:02d}" for i in range(experts)]
    sittings = []
    for i, (agency, tenderer) in enumerate(runs):
        panel = rng.sample(members, seats)
        for expert, party in (tied or {}).items():
            if party in (agency, tenderer) and expert not in panel:
                panel[0] = expert
        at = T0 + timedelta(days=i)
        sittings += [Sitting(f"{pool}{i}", e, agency, tenderer, pool, at) for e in panel]
    return sittings


def test_an_expert_tied_to_one_agency_is_found_and_the_dominant_agency_is_not() -> None:
    runs = [("big" if i % 4 else f"a{i % 5}", "P") for i in range(200)]  # big: 75 %
    sittings = _drawn("works", 20, 3, runs, {"works07": "a3"})
    found = outliers.repeat_counterpart(RULES["expert_agency"], Facts(sittings=sittings))
    assert [(f.evidence["expert"], f.evidence["agency"]) for f in found] == [("works07", "a3")]
    assert found[0].evidence["times"] == 10
    assert found[0].evidence["q_value"] <= 0.01


def test_a_small_speciality_meeting_a_busy_tenderer_by_construction_is_not_tied() -> None:
    special = _drawn("special", 5, 4, [("A", "T1" if i % 2 else f"T{i}") for i in range(40)])
    works = _drawn("works", 30, 5, [("A", f"T{i % 30}") for i in range(300)], {"works03": "T7"})
    facts = Facts(sittings=[*special, *works])
    found = outliers.repeat_counterpart(RULES["expert_tenderer"], facts)
    assert [(f.evidence["expert"], f.evidence["tenderer"]) for f in found] == [("works03", "T7")]
    special_meets = [s for s in special if s.tenderer == "T1" and s.expert == "special00"]
    assert len(special_meets) >= RULES["expert_tenderer"].params["min_times"]


def test_the_chance_of_a_meeting_count_is_the_hypergeometric_tail() -> None:
    def exact(times: int, tenders: int, runs: int, sittings: int) -> float:
        hits = range(times, min(runs, sittings) + 1)
        ways = sum(comb(runs, i) * comb(tenders - runs, sittings - i) for i in hits)
        return ways / comb(tenders, sittings)

    for args in [(3, 100, 10, 20), (0, 50, 5, 5), (6, 476, 12, 42), (13, 40, 13, 30)]:
        assert outliers.upper_tail(*args) == pytest.approx(exact(*args), rel=1e-9)
    assert outliers.upper_tail(11, 100, 10, 20) == 0.0


def test_the_false_discovery_rate_of_a_finding_is_benjamini_hochberg_over_every_pair() -> None:
    assert outliers._q_values([0.01, 0.04, 0.03, 0.5], 4) == pytest.approx(
        [0.04, 0.04 / 0.75, 0.04 / 0.75, 0.5]
    )
    # Pairs that never met are hypotheses too (p = 1): twice the pairs, twice the rate.
    assert outliers._q_values([0.01, 0.04, 0.03, 0.5], 8)[0] == pytest.approx(0.08)


def test_bidders_of_one_lot_under_one_control_or_legal_representative_are_related() -> None:
    bids = [LotBidder("t1", "1", b) for b in ("b1", "b2", "b3", "b4")]
    facts = Facts(
        lot_bidders=bids,
        party_relations=[PartyRelation("b1", "b2", "controlling"),
                         PartyRelation("b3", "b9", "controlling"),  # b9 does not bid
                         PartyRelation("b3", "b4", "supplier")],  # no Reg. 34 relation
        party_people=[PartyPerson("b3", "legal_representative", "h" * 64),
                      PartyPerson("b4", "staff", "h" * 64)],  # a staff move, not control
    )  # fmt: skip
    [found] = outliers.related_parties(RULES["bidders_related"], facts)
    assert found.evidence["pairs"] == [{"bidders": ["b1", "b2"], "reasons": ["controlling"]}]


def test_an_agency_advising_a_bidder_or_bidding_in_its_own_tender_is_a_conflict() -> None:
    facts = Facts(
        tender_parties=[TenderParties("t1", "ag", "ten"), TenderParties("t2", "ag", "ten")],
        lot_bidders=[LotBidder("t1", "1", "b1"), LotBidder("t1", "1", "ag"),
                     LotBidder("t2", "1", "b2")],
        party_relations=[PartyRelation("ag", "b1", "advising")],
    )  # fmt: skip
    [found] = outliers.agency_conflict(RULES["agency_conflict"], facts)
    assert found.tender == "t1"
    reasons = {c["bidder"]: c["reason"] for c in found.evidence["conflicts"]}
    assert reasons == {"ag": "agency_bids", "b1": "related"}


def test_an_agency_needing_exceptions_in_many_of_its_tenders_is_found_the_busy_one_not() -> None:
    runs = [TenderParties(f"s{i}", "small", "P") for i in range(10)]
    runs += [TenderParties(f"b{i}", "busy", "P") for i in range(100)]
    exceptions = [ProcedureException(f"s{i}", "small_pool", "small", T0) for i in range(3)]
    exceptions += [ProcedureException(f"b{i}", "redraw", "busy", T0) for i in range(5)]
    facts = Facts(tender_parties=runs, procedure_exceptions=exceptions)
    [found] = outliers.repeated_exceptions(RULES["agency_exceptions"], facts)
    assert (found.evidence["agency"], found.evidence["share"]) == ("small", 0.3)
