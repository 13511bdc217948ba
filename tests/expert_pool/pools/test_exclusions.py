"""Exclusion rules (回避) and eligibility per category label."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expert_pool.errors import (
    CategoryLabelInvalid,
    ExpertRecordInvalid,
    SpecialtyUnknown,
    TimeNotAware,
)
from expert_pool.id_card import id_card_ref
from expert_pool.model import (
    Expert,
    ExpertStatus,
    Penalty,
    PenaltyKind,
    RelationKind,
    Relationship,
    Title,
    UnavailableInterval,
)
from expert_pool.policy import ExclusionPolicy
from expert_pool.pools.exclusions import (
    DrawRequest,
    ExclusionReason,
    ExpertFacts,
    ServiceRecord,
    age_on,
    born_by,
    exclude,
)
from signing.draw.algorithm import draw_first_round, prepare_commit, start_transcript
from signing.draw.transcript import Category
from tests.signing.draw.kit import commit_hash_of, supervisor

KEY = b"test id-card matching key 32 byt"
TENDERER = "91341800MA2TENDER0"
AGENCY = "91341800MA2AGENCY0"
BIDDER = "91341800MA2BIDDER0"
DEPT = "11341800DEPARTMENT"
OTHER_EMPLOYER = "91340100MA2OTHER00"
# 10:00 on 2025-06-14 in Shanghai.
START = datetime(2025, 6, 14, 2, 0, tzinfo=UTC)
END = START + timedelta(hours=6)
LOCAL_A08 = "A08@local"
R = ExclusionReason


def expert(n: int = 1, **changes: object) -> Expert:
    """An active, qualified local works expert unless changed."""
    base = Expert(
        id=f"E{n:04d}",
        name="王五",
        id_card=id_card_ref("11010519491231002X", KEY),
        phone="13800138000",
        specialties=("A08",),
        title=Title.SENIOR,
        years_of_practice=15,
        birth_date=date(1970, 6, 15),
        region="341802",
        employer_credit_code=OTHER_EMPLOYER,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def request(*labels: str, policy: ExclusionPolicy | None = None) -> DrawRequest:
    """A draw request for the given labels (default: A08@local), 1 place each."""
    return DrawRequest(
        tender_id="T-1",
        project_id="P-1",
        tenderer=TENDERER,
        agency=AGENCY,
        bidders=(BIDDER,),
        bidder_principals=("赵六",),
        supervising_department=DEPT,
        session_start=START,
        session_end=END,
        categories=tuple(Category(label=lb, count=1) for lb in labels or (LOCAL_A08,)),
        policy=policy or ExclusionPolicy(),
    )


def reasons_of(facts: ExpertFacts, req: DrawRequest | None = None) -> tuple[R, ...]:
    """The reasons one expert is excluded, or () when it is in a pool."""
    outcome = exclude(req or request(), [facts])
    return outcome.excluded[0].reasons if outcome.excluded else ()


def test_qualified_expert_is_eligible() -> None:
    """The base expert passes every rule."""
    assert exclude(request(), [ExpertFacts(expert=expert())]).pools == {LOCAL_A08: ("E0001",)}


@pytest.mark.parametrize(
    ("employer", "reason"),
    [
        (BIDDER, R.WORKS_FOR_BIDDER),
        (TENDERER, R.WORKS_FOR_TENDERER),
        (AGENCY, R.WORKS_FOR_AGENCY),
        (DEPT, R.SUPERVISING_DEPARTMENT_STAFF),
    ],
)
def test_working_for_a_party_excludes(employer: str, reason: R) -> None:
    """An expert employed by a bidder, the tenderer, the agency or the department is out."""
    assert reasons_of(ExpertFacts(expert=expert(employer_credit_code=employer))) == (reason,)


@pytest.mark.parametrize(
    "relationship",
    [
        Relationship(kind=RelationKind.FORMER_EMPLOYER, credit_code=BIDDER),
        Relationship(kind=RelationKind.ECONOMIC_INTEREST, credit_code=TENDERER),
        Relationship(kind=RelationKind.OTHER, credit_code=AGENCY),
        Relationship(kind=RelationKind.CLOSE_RELATIVE, person_name="赵六"),
    ],
)
def test_declared_relationship_with_a_party_excludes(relationship: Relationship) -> None:
    """A declared tie with a party, or a bidder's principal, excludes."""
    facts = ExpertFacts(expert=expert(relationships=(relationship,)))
    assert reasons_of(facts) == (R.DECLARED_RELATIONSHIP,)


def test_relationship_with_an_unrelated_party_does_not_exclude() -> None:
    """A tie with someone outside the tender is no ground."""
    rel = Relationship(kind=RelationKind.CLOSE_RELATIVE, person_name="孙七", credit_code="X")
    assert reasons_of(ExpertFacts(expert=expert(relationships=(rel,)))) == ()


def test_past_penalty_excludes() -> None:
    """Any penalty for a tendering violation imposed before the session excludes."""
    penalty = Penalty(kind=PenaltyKind.ADMINISTRATIVE, imposed_on=date(2019, 3, 1), authority="X")
    assert reasons_of(ExpertFacts(expert=expert(penalties=(penalty,)))) == (R.PENALISED,)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ExpertStatus.SUSPENDED, R.SUSPENDED),
        (ExpertStatus.BANNED, R.BANNED),
        (ExpertStatus.RETIRED, R.RETIRED),
    ],
)
def test_inactive_status_excludes(status: ExpertStatus, reason: R) -> None:
    """Suspended, banned and retired experts are not drawn."""
    assert reasons_of(ExpertFacts(expert=expert(status=status))) == (reason,)


def test_age_limit_applies_from_the_birthday_in_shanghai() -> None:
    """Turning 70 on the session's Shanghai date excludes, the day before does not."""
    facts = ExpertFacts(expert=expert(birth_date=date(1955, 6, 15)))
    assert reasons_of(facts) == ()
    evening = START + timedelta(hours=14, minutes=30)  # 00:30 on 15 June in Shanghai
    late_evening = replace(
        request(), session_start=evening, session_end=evening + timedelta(hours=2)
    )
    assert late_evening.session_date == date(2025, 6, 15)
    assert reasons_of(facts, late_evening) == (R.OVER_AGE_LIMIT,)


def test_age_limit_is_policy() -> None:
    """With a limit of 65 a 66-year-old is excluded."""
    facts = ExpertFacts(expert=expert(birth_date=date(1959, 1, 1)))
    assert reasons_of(facts) == ()
    assert reasons_of(facts, request(policy=ExclusionPolicy(age_limit=65))) == (R.OVER_AGE_LIMIT,)


def test_age_on_counts_completed_years() -> None:
    """Age is completed years, the birthday itself included."""
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25
    assert age_on(date(2000, 6, 15), date(2025, 6, 15)) == 25


def test_fewer_than_eight_years_of_practice_excludes() -> None:
    """7 years is under the minimum of 8; 8 is enough."""
    assert reasons_of(ExpertFacts(expert=expert(years_of_practice=7))) == (R.UNDER_MIN_YEARS,)
    assert reasons_of(ExpertFacts(expert=expert(years_of_practice=8))) == ()


def test_intermediate_title_excludes() -> None:
    """The pool requires a senior title or equivalent."""
    facts = ExpertFacts(expert=expert(title=Title.INTERMEDIATE))
    assert reasons_of(facts) == (R.TITLE_NOT_SENIOR,)


def test_serving_the_same_tenderer_within_the_cool_off_excludes() -> None:
    """Served the tenderer 30 days ago: out; 31 days ago, or another tenderer: in."""
    day = date(2025, 6, 14)
    recent = ServiceRecord(tenderer=TENDERER, served_on=day - timedelta(days=30))
    old = ServiceRecord(tenderer=TENDERER, served_on=day - timedelta(days=31))
    other = ServiceRecord(tenderer=AGENCY, served_on=day - timedelta(days=1))
    assert reasons_of(ExpertFacts(expert=expert(), services=(recent,))) == (
        R.COOL_OFF_SAME_TENDERER,
    )
    assert reasons_of(ExpertFacts(expert=expert(), services=(old, other))) == ()


def test_monthly_cap_counts_this_calendar_month_only() -> None:
    """Four services this month reach the default cap; May's do not count."""
    june = tuple(ServiceRecord(tenderer=f"T{n}", served_on=date(2025, 6, n)) for n in (1, 3))
    may = tuple(ServiceRecord(tenderer=f"M{n}", served_on=date(2025, 5, n)) for n in (5, 6, 7))
    assert reasons_of(ExpertFacts(expert=expert(), services=june + may)) == ()
    two_more = tuple(ServiceRecord(tenderer=f"T{n}", served_on=date(2025, 6, n)) for n in (4, 5))
    facts = ExpertFacts(expert=expert(), services=june + two_more)
    assert reasons_of(facts) == (R.MONTHLY_CAP_REACHED,)


def test_prequalification_of_this_project_excludes() -> None:
    """An expert who reviewed this project's prequalification is out of its evaluation."""
    facts = ExpertFacts(expert=expert(), prequalification_projects=frozenset({"P-1"}))
    assert reasons_of(facts) == (R.TOOK_PART_IN_PREQUALIFICATION,)


def test_unavailable_interval_overlapping_the_session_excludes() -> None:
    """Overlap excludes; an interval ending exactly at the start does not."""
    overlap = UnavailableInterval(start=END - timedelta(minutes=1), end=END + timedelta(days=1))
    before = UnavailableInterval(start=START - timedelta(days=1), end=START)
    assert reasons_of(ExpertFacts(expert=expert(), unavailable=(overlap,))) == (R.UNAVAILABLE,)
    assert reasons_of(ExpertFacts(expert=expert(), unavailable=(before,))) == ()


def test_region_rules_split_local_remote_and_listed_cities() -> None:
    """A Hefei expert is remote, not local, and in cities:340100 only."""
    hefei = ExpertFacts(expert=expert(region="340100"))
    assert reasons_of(hefei) == (R.OUTSIDE_REGION,)
    assert reasons_of(hefei, request("A08@remote")) == ()
    assert reasons_of(hefei, request("A08@cities:340100,340200")) == ()
    assert reasons_of(hefei, request("A08@cities:340200")) == (R.OUTSIDE_REGION,)
    county = ExpertFacts(expert=expert(region="341881"))  # 宁国市, one of the "1+6"
    assert reasons_of(county) == ()
    assert reasons_of(county, request("A08@remote")) == (R.OUTSIDE_REGION,)


def test_specialty_must_be_the_label_or_under_it() -> None:
    """An A08 expert fits A08 and A, not A05; a general A expert does not fit A08."""
    a08 = ExpertFacts(expert=expert())
    assert reasons_of(a08, request("A@local")) == ()
    assert reasons_of(a08, request("A05@local")) == (R.NOT_IN_SPECIALTY,)
    general = ExpertFacts(expert=expert(specialties=("A",)))
    assert reasons_of(general) == (R.NOT_IN_SPECIALTY,)


def test_every_reason_is_reported_in_rule_order() -> None:
    """An expert failing several rules carries all of them."""
    facts = ExpertFacts(
        expert=expert(
            employer_credit_code=BIDDER,
            status=ExpertStatus.SUSPENDED,
            years_of_practice=3,
            region="340100",
            specialties=("B01",),
        )
    )
    assert reasons_of(facts) == (
        R.WORKS_FOR_BIDDER,
        R.SUSPENDED,
        R.UNDER_MIN_YEARS,
        R.OUTSIDE_REGION,
        R.NOT_IN_SPECIALTY,
    )


def test_expert_fitting_one_label_is_not_reported_as_excluded() -> None:
    """A local expert is in the local pool and absent from the remote one, not excluded."""
    outcome = exclude(request(LOCAL_A08, "A08@remote"), [ExpertFacts(expert=expert())])
    assert outcome.pools == {LOCAL_A08: ("E0001",), "A08@remote": ()}
    assert outcome.excluded == ()


def test_pools_are_sorted_ascending_by_bytes() -> None:
    """Eligible ids come out sorted by bytes whatever the input order."""
    ids = ["b-2", "B_1", "a", "A", "9"]
    facts = [ExpertFacts(expert=replace(expert(), id=x)) for x in ids]
    assert exclude(request(), facts).pools[LOCAL_A08] == ("9", "A", "B_1", "a", "b-2")


def test_expert_listed_twice_is_refused() -> None:
    """The facts of a draw name each expert once."""
    with pytest.raises(ExpertRecordInvalid):
        exclude(request(), [ExpertFacts(expert=expert()), ExpertFacts(expert=expert())])


def test_naive_session_time_is_refused() -> None:
    """A session time without a timezone is refused."""
    with pytest.raises(TimeNotAware):
        replace(request(), session_start=datetime(2025, 6, 14, 10, 0))


def test_unknown_specialty_or_bad_region_rule_in_a_label_is_refused() -> None:
    """Labels are checked against the catalogues."""
    with pytest.raises(SpecialtyUnknown):
        exclude(request("Z99@local"), [])
    for label in ("A08@nearby", "A08@cities:340200,340100", "A08", "A08@cities:999900"):
        with pytest.raises(CategoryLabelInvalid):
            exclude(request(label), [])


statuses = st.sampled_from(list(ExpertStatus))
employers = st.sampled_from([OTHER_EMPLOYER, BIDDER, TENDERER, AGENCY])
regions = st.sampled_from(["341802", "341821", "340100", "341000"])


@given(
    st.lists(st.tuples(statuses, employers, regions, st.integers(0, 20)), min_size=1, max_size=40)
)
@settings(max_examples=60)
def test_excluded_experts_are_never_drawn(rows: list[tuple[ExpertStatus, str, str, int]]) -> None:
    """Whatever the pool looks like, every pick is eligible and no excluded expert is picked."""
    facts = [
        ExpertFacts(
            expert=expert(n, status=s, employer_credit_code=emp, region=reg, years_of_practice=y)
        )
        for n, (s, emp, reg, y) in enumerate(rows)
    ]
    req = request(LOCAL_A08, "A08@remote")
    outcome = exclude(req, facts)
    commit = prepare_commit(
        draw_id="D",
        categories=[Category(label=lb, count=2) for lb in outcome.pools],
        pools=outcome.pools,
        platform_seed=bytes(32),
        supervisor_approved=True,
    )
    t = start_transcript(commit, commit_hash_of(commit.entry_fields()))
    t = draw_first_round(
        t, pools=outcome.pools, platform_seed=bytes(32), contributions=[supervisor("cd" * 16)]
    )
    excluded = {e.expert_id for e in outcome.excluded}
    for p in t.rounds[0].picks:
        assert p.expert_id not in excluded
        assert p.expert_id in outcome.pools[p.label]
    by_id = {f.expert.id: f.expert for f in facts}
    for p in t.rounds[0].picks:
        chosen = by_id[p.expert_id]
        assert chosen.status is ExpertStatus.ACTIVE
        assert chosen.employer_credit_code == OTHER_EMPLOYER
        assert chosen.years_of_practice >= 8


def test_born_by_is_the_age_limit_as_a_date_including_29_february() -> None:
    """over_age_limit in SQL compares the birth date with born_by (issue 17, item 3):
    the same answer as age_on for every birth date around the limit, leap days too."""
    days = [date(2028, 2, 29), date(2027, 2, 28), date(2027, 3, 1), date(2026, 12, 31)]
    for day in days:
        cutoff = born_by(day, 70)
        for offset in range(-800, 800):
            born = cutoff + timedelta(days=offset)
            assert (age_on(born, day) >= 70) is (born <= cutoff), (day, born)
