"""The database's exclusions agree with the pure model (expert_pool.pools.exclusions)."""

from __future__ import annotations

import datetime as dt
import random

from expert_pool.draws import access as service_common
from expert_pool.experts import queries as queries_experts
from expert_pool.experts import service as service_experts
from expert_pool.model import ExpertStatus, Penalty, PenaltyKind, RelationKind, Relationship
from expert_pool.pools import service as service_pools
from expert_pool.pools.exclusions import (
    DrawRequest,
    ExclusionReason,
    ExpertFacts,
    ServiceRecord,
    exclude,
)
from expert_pool.requests import service as service_draws
from signing.draw.transcript import Category
from tests.accounts.factory import new_credit_code
from tests.expert_pool.world import (
    CSV_HEADER,
    ID_CARD_KEY,
    World,
    id_card_number,
    new_tender,
    request,
    spec,
)

LABELS = [("A08@local", 1), ("A@local", 2), ("C01@remote", 1), ("B02@cities:340100,341800", 1)]
SPECIALTIES = ["A08", "A01", "A03", "C01", "B02", "B01", "A08;C01"]
REGIONS = ["341802", "341821", "340100", "340200", "341881"]


def _row(rng: random.Random, n: int, employer: str, session: dt.date) -> str:
    age = rng.choice([40, 55, 69, 70, 71]) if rng.random() < 0.3 else 50
    born = dt.date(session.year - age, rng.choice([1, session.month]), session.day)
    if age == 70 and rng.random() < 0.5:  # the day before the 70th birthday
        born = born + dt.timedelta(days=1)
    title = rng.choice(["senior", "intermediate"]) if rng.random() < 0.2 else "full_senior"
    years = rng.choice([3, 8, 20])
    return (
        f"X{n:03d},专家{n},{id_card_number(born)},13900000{n:03d},{rng.choice(SPECIALTIES)},"
        f"{title},{years},{born.isoformat()},{rng.choice(REGIONS)},{employer}\n"
    )


async def _facts(world: World, draw_request: DrawRequest) -> list[ExpertFacts]:
    conn = world.conn
    rows = await conn.fetch("SELECT id FROM experts ORDER BY id")
    facts = []
    for r in rows:
        profile = await queries_experts.expert(conn, r["id"])
        assert profile is not None
        services = await conn.fetch(
            "SELECT tenderer, served_on FROM expert_services WHERE expert_id = $1", r["id"]
        )
        prequal = await conn.fetch(
            "SELECT project_id FROM expert_prequalifications WHERE expert_id = $1", r["id"]
        )
        facts.append(
            ExpertFacts(
                expert=profile.expert,
                unavailable=tuple(u.interval for u in profile.unavailable),
                services=tuple(ServiceRecord(tenderer=s[0], served_on=s[1]) for s in services),
                prequalification_projects=frozenset(p[0] for p in prequal),
            )
        )
    return facts


async def test_sql_exclusions_equal_the_model_on_a_varied_pool(world: World) -> None:
    """Every rule, on a random pool: same pools, same excluded candidates, same reasons."""
    rng = random.Random(20250301)
    bidder, principal = new_credit_code(), "张三"
    draw_spec = spec(LABELS)
    session = draw_spec.session_date
    parties = [bidder, world.tenderer_code, world.agency.credit_code, world.department.credit_code]
    employers = [*parties, *[new_credit_code() for _ in range(6)]]
    rows = [_row(rng, n, rng.choice(employers), session) for n in range(80)]
    await service_experts.import_experts(
        world.conn, world.admin, (CSV_HEADER + "".join(rows)).encode(), id_card_key=ID_CARD_KEY
    )
    tender = await new_tender(world)
    draw_request = request(
        world, draw_spec, tender=tender, bidders=[bidder], principals=[principal]
    )
    draw = await service_draws.request_draw(world.conn, world.agency_actor, draw_request)
    await _decorate(world, rng, draw, principal, bidder)
    stored = await service_common.get_draw(world.conn, draw.id)
    pools, stored_excluded = await service_pools.compute_pools(world.conn, stored)
    excluded = stored_excluded.experts()
    model_request = DrawRequest(
        tender_id=stored.parties.tender_id,
        project_id=stored.parties.project_id,
        tenderer=stored.parties.tenderer,
        agency=stored.parties.agency_code,
        bidders=stored.parties.bidders,
        bidder_principals=(principal,),
        supervising_department=stored.parties.department_code,
        session_start=stored.spec.session_start,
        session_end=stored.spec.session_end,
        categories=tuple(Category(label=label, count=n) for label, n in LABELS),
        policy=stored.policy.exclusion,
    )
    model = exclude(model_request, await _facts(world, model_request))
    assert pools == dict(model.pools)
    fitting = {x for rows_ in model.pools.values() for x in rows_} | {e.expert_id for e in excluded}
    expected = [
        e
        for e in model.excluded
        if e.expert_id in fitting
        and not set(e.reasons) & {ExclusionReason.OUTSIDE_REGION, ExclusionReason.NOT_IN_SPECIALTY}
    ]
    assert [(e.expert_id, e.reasons) for e in excluded] == [
        (e.expert_id, e.reasons) for e in expected
    ]
    # The pool exercised every draw-wide rule, so agreement means something.
    seen = {r for e in excluded for r in e.reasons}
    narrow = {ExclusionReason.OUTSIDE_REGION, ExclusionReason.NOT_IN_SPECIALTY}
    assert seen == set(ExclusionReason) - narrow


async def _decorate(
    world: World, rng: random.Random, draw: service_draws.StoredDraw, principal: str, bidder: str
) -> None:
    """Relationships, penalties, statuses, services, prequalification, calendars."""
    conn, day = world.conn, draw.spec.session_date
    # Experts fitting A@local, so that each rule below lands on a candidate.
    ids = [
        r["id"]
        for r in await conn.fetch(
            "SELECT DISTINCT e.id FROM experts e JOIN expert_specialties s ON s.expert_id = e.id"
            " WHERE s.code LIKE 'A%' AND e.region IN ('341802', '341821', '341881') ORDER BY e.id"
        )
    ]
    for expert_id in rng.sample(ids, 6):
        rel = rng.choice(
            [
                Relationship(kind=RelationKind.CLOSE_RELATIVE, person_name=principal),
                Relationship(kind=RelationKind.ECONOMIC_INTEREST, credit_code=bidder),
                Relationship(kind=RelationKind.OTHER, credit_code=new_credit_code()),
            ]
        )
        await service_experts.declare_relationship(conn, world.admin, rel, expert_id)
    for expert_id in rng.sample(ids, 4):
        imposed = day + dt.timedelta(days=rng.choice([-100, 0, 5]))
        penalty = Penalty(kind=PenaltyKind.ADMINISTRATIVE, imposed_on=imposed, authority="局")
        await service_experts.record_penalty(conn, world.admin, expert_id, penalty)
    for expert_id in rng.sample(ids, 6):
        status = rng.choice([ExpertStatus.SUSPENDED, ExpertStatus.BANNED, ExpertStatus.RETIRED])
        await service_experts.change_status(conn, world.admin, expert_id, status, "测试")
    for n, expert_id in enumerate(rng.sample(ids, 12)):
        tenderer = world.tenderer_code if n % 2 else new_credit_code()
        served = day - dt.timedelta(days=rng.choice([0, 10, 29, 30, 31, 45]))
        await conn.execute(
            "INSERT INTO expert_services VALUES ($1, $2, $3, $4)",
            expert_id,
            f"Z{n}",
            tenderer,
            served,
        )
    for n, expert_id in enumerate(rng.sample(ids, 3)):  # monthly cap: four this month
        for k in range(4):
            served = day.replace(day=1) + dt.timedelta(days=k)
            await conn.execute(
                "INSERT INTO expert_services VALUES ($1, $2, $3, $4)",
                expert_id,
                f"M{n}{k}",
                new_credit_code(),
                served,
            )
    for expert_id in rng.sample(ids, 3):
        await conn.execute(
            "INSERT INTO expert_prequalifications VALUES ($1, $2, 'DX')",
            expert_id,
            draw.parties.project_id,
        )
    for expert_id in rng.sample(ids, 6):
        start = draw.spec.session_start + dt.timedelta(hours=rng.choice([-5, -1, 3, 4]))
        await conn.execute(
            "INSERT INTO expert_unavailability (expert_id, starts_at, ends_at) VALUES ($1, $2, $3)",
            expert_id,
            start,
            start + dt.timedelta(hours=2),
        )
