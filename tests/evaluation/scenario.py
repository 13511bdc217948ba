"""A lot with opened bids and a drawn evaluation committee, built the honest way.

A two-envelope tender: three bidders seal real technical and commercial parts to the
lot's opening committee; after the deadline two of three officials release their
technical shares, so the opening decrypts every technical part into the output root
while the commercial parts stay sealed. Meanwhile the agency has an evaluation draw
run for lot 1 (five experts confirm) and another for a second tender of the agency, all
through the real expert_pool services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import asyncpg

from accounts.model import Actor, OrgKind, Role, User
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawStatus, Purpose
from expert_pool.pools import service as service_pools
from expert_pool.requests import service as service_draws
from expert_pool.views.service import evaluation_committee
from signing.draw.response import Decision
from tender import service as tender_service
from tender.model import Tender
from tender.opening.lot import Opening
from tender.opening.release import release_shares
from tender.submission.context import Submission
from tender.submission.receipts import load_or_create
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.expert_pool import world as pool_world
from tests.tender.opening.kit import share_releases, submit_two_parts, two_envelope_tender
from tests.tender.submission.kit import Bidder, make_submission
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import World, fast_draft, wait_until

PRICES = (100_000_00, 90_000_00, 80_000_00)
FILE_NAME = "技术标.txt"  # what tests/tender/submission/kit.seal_for seals


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Scenario:
    """The opened lot and everyone around it."""

    world: World
    tender: Tender
    bidders: tuple[Bidder, ...]
    output_root: Path
    committee: tuple[User, ...]  # confirmed experts of lot 1's evaluation draw
    other_lot_expert: User  # confirmed in another tender's draw only
    other_supervisor: Actor  # supervises another industry department


async def _pool_world(conn: asyncpg.Connection, world: World) -> pool_world.World:
    """The expert_pool tests' world around the same agency, department and tenderer."""
    other = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="另一行业主管部门")
    admin = await make_user(conn, world.centre, Role.SYSTEM_ADMIN, password=None)
    watcher = await make_user(conn, other, Role.SUPERVISOR, scope=other, username="othersuper")
    return pool_world.World(
        conn=conn,
        ca=world.ca,
        centre=world.centre,
        agency=world.agency_org,
        department=world.department,
        other_department=other,
        bidder_org=world.bidder_orgs[0],
        tenderer_code=world.tenderer_org.credit_code,
        admin=await actor_for(conn, admin),
        centre_staff=world.staff,
        agency_actor=world.agency,
        supervisor=world.supervisor,
        other_supervisor=await actor_for(conn, watcher),
        bidder=world.bidders[0],
    )


async def _completed_draw(
    experts: pool_world.World, tender: Tender, lot: str, label: str, start_in: dt.timedelta
) -> list[User]:
    """An evaluation draw of five for (tender, lot), every seated expert confirming."""
    draw_request = dataclasses.replace(
        pool_world.request(experts, pool_world.spec([(label, 5)], start_in=start_in)),
        tender_id=str(tender.id),
        lot=lot,
        purpose=Purpose.EVALUATION,
    )
    c = experts.conn
    draw = await service_draws.request_draw(c, experts.agency_actor, draw_request)
    await service_pools.prepare_draw(c, experts.centre_staff, draw.id)
    await service_draws.commit_draw(c, experts.centre_staff, draw.id)
    entropy = pool_world.fresh_entropy()
    await pool_world.contribute(c, experts.supervisor, draw.id, 0, entropy)
    seated = await pool_world.seated(experts, draw.id)
    users = []
    for expert_id in seated:
        users.append(experts.expert_users[expert_id])
        # Until the last seat confirms, the draw is not complete: nobody is on the committee.
        assert await evaluation_committee(c, str(tender.id), lot) == frozenset()
        address = expert_address(expert_id)
        await pool_world.answer(experts, draw.id, expert_id, Decision.CONFIRM, address=address)
    done = await service_common.get_draw(c, draw.id)
    assert done.status is DrawStatus.COMPLETE
    assert await evaluation_committee(c, str(tender.id), lot) == {u.id for u in users}
    return users


async def _committees(
    conn: asyncpg.Connection, world: World, tender: Tender
) -> tuple[list[User], list[User], Actor]:
    experts = await _pool_world(conn, world)
    local = pool_world.LOCAL
    # Every expert of the pool has its account before any draw, as in production: an
    # account opened only for the drawn would itself tell who was drawn.
    await pool_world.add_experts(
        experts, [f"A{n:03d}" for n in range(15)], region=local, accounts=True, passwords=True
    )
    await pool_world.add_experts(
        experts,
        [f"B{n:03d}" for n in range(15)],
        specialty="C01",
        region=local,
        accounts=True,
        passwords=True,
    )
    lot_one = await _completed_draw(experts, tender, "1", "A08@local", dt.timedelta(days=2))
    # A draw names a real tender lot (issue 9, item 4): the other committee is drawn for
    # another tender of the agency (this tender has one lot).
    other = await tender_service.create_draft(conn, world.agency, await fast_draft(conn, world))
    lot_two = await _completed_draw(experts, other, "1", "C01@local", dt.timedelta(days=3))
    return lot_one, lot_two, experts.other_supervisor


def expert_address(expert_id: str) -> str:
    """Each expert acts from its own address (so a leak of it in the log is visible)."""
    return f"198.51.100.{int(expert_id[1:]) + (100 if expert_id[0] == 'B' else 1)}"


def opening_for(world: World, sub: Submission, data_dir: Path, output_root: Path) -> Opening:
    """The opening's composition, writing decrypted parts under ``output_root``."""
    return Opening(
        store=sub.store,
        trust=world.ca.trust_store(),
        signer=load_or_create(data_dir / "platform").identity,
        output_root=output_root,
    )


async def opened_lot(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    world: World,
    data_dir: Path,
    output_root: Path,
) -> Scenario:
    """Technical parts of lot 1 opened, commercial parts sealed, committees drawn."""
    sub = make_submission(world, data_dir)
    # Every sealed part binds the deadline (the committee fingerprint), so it cannot be
    # made to pass early (tests/tender/clock.py): real time must reach it. The margin is
    # many times what sealing and submitting six parts take on a quiet machine (12 s was
    # missed under load, issue 9 item 19); the committees are drawn while the deadline
    # approaches, and the wait itself costs no CPU.
    tender = await two_envelope_tender(conn, world, deadline_in=dt.timedelta(seconds=45))
    bidders = tuple(make_bidder(world, i) for i in range(3))
    for who, price in zip(bidders, PRICES, strict=True):
        await submit_two_parts(conn, pool, sub, world, tender, who, price)
    lot_one, lot_two, other_supervisor = await _committees(conn, world, tender)
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    opening = opening_for(world, sub, data_dir, output_root)
    for x in (1, 2):
        official = await actor_for(conn, world.officials[x - 1].user)
        shares = await share_releases(conn, tender, world, sub, x, "technical")
        await release_shares(conn, official, tender.id, "1", shares, opening=opening)
    return Scenario(
        world=world,
        tender=tender,
        bidders=bidders,
        output_root=output_root,
        committee=tuple(lot_one),
        other_lot_expert=next(u for u in lot_two if u.id not in {m.id for m in lot_one}),
        other_supervisor=other_supervisor,
    )
