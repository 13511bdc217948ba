"""The cross-city lot of the end-to-end tests: seven experts, three venues, two envelopes.

Built the honest way, like tests/evaluation/scenario.py, with what issue 11's "Must
show" adds: the lot's method is complete (two qualification items, a technical
criterion of two ranged sub-items, a price score, drop the extremes), the venue
catalogue holds the main venue and six remote venues BEFORE the draw, and the lot's
evaluation draw seats seven experts and picks two assisting venues (``venue@remote``)
with the same transcript (两随机). Three bidders seal technical and commercial parts;
after the deadline two officials release their technical shares: the technical parts
are open, the commercial parts sealed until the committee's qualification says which
bids may be opened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.model import User
from expert_pool.answers import queries as draw_members
from expert_pool.draws import access as draws
from expert_pool.draws.model import DrawStatus, Purpose
from expert_pool.pools import service as pools
from expert_pool.requests import service as requests
from expert_pool.venues import queries as venue_queries
from expert_pool.venues import service as venues
from expert_pool.venues.model import Venue
from expert_pool.views.service import evaluation_committee
from signing.certs import Identity
from signing.demo_ca import issue_identity
from signing.draw.response import Decision
from tender import service as tender_service
from tender.method import (
    Criterion,
    Evaluation,
    EvaluationMethod,
    PriceFormula,
    PriceScore,
    QualificationItem,
    SubItem,
    TieRule,
)
from tender.model import Tender
from tender.opening.release import release_shares
from tests.accounts.factory import actor_for
from tests.evaluation.scenario import PRICES, _pool_world, expert_address, opening_for
from tests.expert_pool import world as pool_world
from tests.tender.kit import replace
from tests.tender.opening.kit import share_releases, submit_two_parts
from tests.tender.submission.kit import Bidder, make_submission
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import SOON, World, appoint, fast_draft, register_certificate, wait_until

EXPERTS = 7
ASSISTING = 2  # venues drawn besides the main one: three venues in all
# Every sealed part binds the deadline, so real time must reach it (scenario.py says why
# 45 s: sealing and submitting six parts under load took more than 12 s).
DEADLINE_IN = dt.timedelta(seconds=45)

MAIN = Venue(id="V-MAIN", name="宣城市公共资源交易中心评标室", region="341802", seats=20)
# Remote cities' venues: the draw's ``venue@remote`` pool (min_pool_ratio 3 × 2 picks).
REMOTE = tuple(
    Venue(id=f"V-{code}", name=f"{name}公共资源交易中心评标室", region=code, seats=12)
    for code, name in (
        ("340100", "合肥市"), ("340200", "芜湖市"), ("340500", "马鞍山市"),
        ("340700", "铜陵市"), ("340800", "安庆市"), ("341000", "黄山市"),
    )
)  # fmt: skip

# The lot's method (docs/formats/evaluation-method.md §1): sub-items are ranges, so
# every score a member gives is a distinctive number the blind test can look for.
METHOD = Evaluation(
    method=EvaluationMethod.COMPREHENSIVE,
    qualification=(
        QualificationItem(id="licence", name="营业执照", guidance="在有效期内"),
        QualificationItem(id="bond", name="投标保证金", guidance="按时足额缴纳"),
    ),
    criteria=(
        Criterion(
            id="tech",
            name="技术",
            items=(
                SubItem(id="plan", name="施工方案", min_hundredths=0, max_hundredths=3000),
                SubItem(id="team", name="项目团队", min_hundredths=0, max_hundredths=2000),
            ),
        ),
    ),
    price=PriceScore(points=50, formula=PriceFormula.LOWEST_PRICE_BASE),
    tie_rule=TieRule.LOWER_PRICE,
    drop_extremes=True,
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CrossCity:
    """The opened lot, its drawn committee and venues, and everyone around it."""

    world: World
    tender: Tender
    bidders: tuple[Bidder, ...]  # bidders[i] bid PRICES[i]
    committee: tuple[User, ...]  # the draw's confirmed experts, in draw order (seats 1…7)
    identities: Mapping[UUID, Identity]  # each member's registered signing identity
    assisting: tuple[str, ...]  # the venue ids the draw picked
    draw_id: str
    data_dir: Path  # the sealed parts' blobs are under data_dir / "blobs"
    output_root: Path


async def two_envelope_lot(conn: asyncpg.Connection, world: World) -> Tender:
    """A published two-envelope tender of one lot with METHOD, deadline DEADLINE_IN away."""
    draft = await fast_draft(
        conn, world, deadline_in=DEADLINE_IN, cutoff_in=DEADLINE_IN - dt.timedelta(seconds=1)
    )
    lot = dataclasses.replace(draft.lots[0], evaluation=METHOD)
    tender = await tender_service.create_draft(
        conn, world.agency, replace(draft, envelopes=2, lots=(lot,))
    )
    await appoint(conn, world, tender)
    return await tender_service.publish(conn, world.agency, tender.id, world.setup(SOON))


async def _draw(conn: asyncpg.Connection, world: World, tender: Tender) -> tuple[str, list[User]]:
    """Lot 1's evaluation draw: seven A08 experts and two remote venues, all confirmed."""
    experts = await _pool_world(conn, world)
    for venue in (MAIN, *REMOTE):
        await venues.create_venue(conn, world.staff, venue)
    # 3 × 7 candidates (min_pool_ratio); accounts before any draw, as in production.
    ids = [f"A{n:03d}" for n in range(3 * EXPERTS)]
    await pool_world.add_experts(experts, ids, region=pool_world.LOCAL, accounts=True)
    categories = [("A08@local", EXPERTS), ("venue@remote", ASSISTING)]
    draw_request = dataclasses.replace(
        pool_world.request(experts, pool_world.spec(categories)),
        tender_id=str(tender.id), lot="1", purpose=Purpose.EVALUATION,
    )  # fmt: skip
    draw = await requests.request_draw(conn, experts.agency_actor, draw_request)
    await pools.prepare_draw(conn, experts.centre_staff, draw.id)
    await requests.commit_draw(conn, experts.centre_staff, draw.id)
    await pool_world.contribute(conn, experts.supervisor, draw.id, 0, pool_world.fresh_entropy())
    users = []
    for expert_id in await pool_world.seated(experts, draw.id):
        users.append(experts.expert_users[expert_id])
        address = expert_address(expert_id)
        await pool_world.answer(experts, draw.id, expert_id, Decision.CONFIRM, address=address)
    assert (await draws.get_draw(conn, draw.id)).status is DrawStatus.COMPLETE
    assert await evaluation_committee(conn, str(tender.id), "1") == {u.id for u in users}
    return draw.id, users


async def cross_city_lot(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, data_dir: Path, output_root: Path
) -> CrossCity:
    """Technical parts of lot 1 opened, commercial parts sealed, committee and venues drawn."""
    sub = make_submission(world, data_dir)
    tender = await two_envelope_lot(conn, world)
    bidders = tuple(make_bidder(world, i) for i in range(len(PRICES)))
    for who, price in zip(bidders, PRICES, strict=True):
        await submit_two_parts(conn, pool, sub, world, tender, who, price)
    draw_id, committee = await _draw(conn, world, tender)  # while the deadline approaches
    picked = tuple(v[0] for v in await draw_members.venue_picks(conn, draw_id))
    assert len(picked) == ASSISTING
    assert set(picked) <= {v.id for v in REMOTE}
    for venue_id in picked:
        # Test setup: the assisting venues' own centres assigned the staff who confirm
        # identities there (expert_pool/venues/staff.py); here the host's staff user.
        await venue_queries.assign_staff(conn, venue_id, world.staff.user_id, world.staff.user_id)
    identities = {}
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    for user in committee:
        # The certificate each member signs its sheets and the report with.
        identity = issue_identity(world.ca, name=user.display_name, now=now)
        await register_certificate(conn, user.id, identity)
        identities[user.id] = identity
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    opening = opening_for(world, sub, data_dir, output_root)
    for x in (1, 2):
        official = await actor_for(conn, world.officials[x - 1].user)
        shares = await share_releases(conn, tender, world, sub, x, "technical")
        await release_shares(conn, official, tender.id, "1", shares, opening=opening)
    return CrossCity(
        world=world, tender=tender, bidders=bidders, committee=tuple(committee),
        identities=identities, assisting=picked, draw_id=draw_id, data_dir=data_dir,
        output_root=output_root,
    )  # fmt: skip
