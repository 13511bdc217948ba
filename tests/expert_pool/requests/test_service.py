"""The draw's lifecycle through the services and a real PostgreSQL."""

from __future__ import annotations

import asyncpg
import pytest

from expert_pool import service
from expert_pool.answers import queries as queries_members
from expert_pool.answers import service as service_answers
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawStatus, MemberStatus
from expert_pool.errors import (
    DrawEntropyOutOfOrder,
    DrawEntropyRoleInvalid,
    DrawRoundConflict,
    DrawStateInvalid,
)
from expert_pool.experts import service as service_experts
from expert_pool.requests import service as service_draws
from expert_pool.rounds import queries as queries_rounds
from expert_pool.views import service as service_views
from signing.draw.response import Decision
from signing.draw.rules import ContributorRole
from signing.draw.verify import verify_transcript
from tests.expert_pool.world import (
    CSV_HEADER,
    ID_CARD_KEY,
    LOCAL,
    REMOTE,
    World,
    add_experts,
    answer,
    committed_draw,
    contribute,
    expert_row,
    fresh_entropy,
    log_kinds,
    pending,
    seated,
)

CATEGORIES = [("A08@local", 3), ("C01@remote", 2)]


async def _pool(world: World) -> None:
    await add_experts(world, [f"L{n:03d}" for n in range(15)], accounts=True)
    await add_experts(
        world, [f"R{n:03d}" for n in range(8)], specialty="C01", region=REMOTE, accounts=True
    )


async def test_draw_with_declines_and_two_replacement_rounds_completes_and_verifies(
    world: World,
) -> None:
    """Round 0, two declines, round 1, a decline, round 2, all confirm: it verifies."""
    await _pool(world)
    roles = (ContributorRole.AGENCY, ContributorRole.SUPERVISOR)
    draw = await committed_draw(world, CATEGORIES, roles=roles)
    c = world.conn
    await contribute(c, world.agency_actor, draw.id, 0, fresh_entropy())
    after = await contribute(c, world.supervisor, draw.id, 0, fresh_entropy())
    assert after.status is DrawStatus.DRAWING
    first = await seated(world, draw.id)
    assert len(first) == 5
    await answer(world, draw.id, first[0], Decision.DECLINE)
    await answer(world, draw.id, first[3], Decision.DECLINE)
    await contribute(c, world.supervisor, draw.id, 1, fresh_entropy())
    second = await seated(world, draw.id)
    newcomer = next(x for x in second if x not in first)
    await answer(world, draw.id, newcomer, Decision.DECLINE)
    await contribute(c, world.supervisor, draw.id, 2, fresh_entropy())
    for expert_id in await pending(world, draw.id):
        await answer(world, draw.id, expert_id, Decision.CONFIRM)
    done = await service_common.get_draw(c, draw.id)
    assert done.status is DrawStatus.COMPLETE
    transcript = await service_views.transcript(c, world.supervisor, draw.id)
    assert transcript.platform_seed is not None
    assert [len(rd.picks) for rd in transcript.rounds] == [5, 2, 1]
    pools = await service_views.pools(c, world.supervisor, draw.id)
    assert verify_transcript(transcript, pools) == []
    kinds = await log_kinds(c)
    assert kinds.count("draw.round_drawn") == 3
    assert kinds.count("draw.member_declined") == 3
    assert kinds[-1] == "draw.completed"


async def test_supervisor_entropy_before_required_agency_entropy_is_refused(world: World) -> None:
    """The supervisor's value closes round 0, so the agency must contribute first."""
    await _pool(world)
    roles = (ContributorRole.AGENCY, ContributorRole.SUPERVISOR)
    draw = await committed_draw(world, CATEGORIES, roles=roles)
    with pytest.raises(DrawEntropyOutOfOrder):
        await contribute(world.conn, world.supervisor, draw.id, 0, fresh_entropy())
    assert await queries_rounds.entropy(world.conn, draw.id) == []


async def test_entropy_from_a_role_the_draw_does_not_take_is_refused(world: World) -> None:
    """With only supervisor entropy asked for, the agency's contribution is refused."""
    await _pool(world)
    draw = await committed_draw(world, CATEGORIES)
    with pytest.raises(DrawEntropyRoleInvalid):
        await contribute(world.conn, world.agency_actor, draw.id, 0, fresh_entropy())


async def test_two_supervisors_finishing_round_0_at_once_draw_it_once(
    world: World, pool: asyncpg.Pool
) -> None:
    """Two real connections race to close round 0: one draws it, the other is refused."""
    import asyncio

    await _pool(world)
    draw = await committed_draw(world, CATEGORIES)

    async def submit() -> object:
        async with pool.acquire() as other:
            try:
                return await contribute(other, world.supervisor, draw.id, 0, fresh_entropy())
            except DrawRoundConflict as exc:
                return exc

    results = await asyncio.gather(submit(), submit())
    assert sum(isinstance(r, DrawRoundConflict) for r in results) == 1
    done = await service_common.get_draw(world.conn, draw.id)
    assert done.transcript is not None
    assert len(done.transcript.rounds) == 1
    assert (await log_kinds(world.conn)).count("draw.round_drawn") == 1


async def test_commit_before_prepare_is_refused(world: World) -> None:
    """Pools are computed and recorded before anything is committed."""
    await _pool(world)
    from tests.expert_pool.world import new_tender, request, spec

    tender = await new_tender(world)
    draw = await service_draws.request_draw(
        world.conn, world.agency_actor, request(world, spec(CATEGORIES), tender=tender)
    )
    with pytest.raises(DrawStateInvalid):
        await service_draws.commit_draw(world.conn, world.centre_staff, draw.id)


async def test_timeouts_are_declines_with_the_delivery_record(world: World) -> None:
    """A member who does not answer in time is timed out, keeping its delivery record."""
    await _pool(world)
    draw = await committed_draw(world, CATEGORIES)
    c = world.conn
    await c.execute("UPDATE expert_pool_policy SET policy = '{\"confirm_seconds\": 1}'")
    await contribute(c, world.supervisor, draw.id, 0, fresh_entropy())
    await c.execute("UPDATE draw_members SET deadline = clock_timestamp() - interval '1 second'")
    assert await service_answers.process_timeouts(c) == 5
    members = await queries_members.members(c, draw.id)
    assert {m.status for m in members} == {MemberStatus.TIMED_OUT}
    delivered = await c.fetchval(
        "SELECT count(*) FROM draw_members WHERE timeout_delivery_id IS NOT NULL"
    )
    assert delivered == 5
    done = await service_common.get_draw(c, draw.id)
    assert done.transcript is not None
    assert len(done.transcript.rounds[-1].declined) == 5


async def test_an_excluded_expert_is_never_drawn_in_any_round(world: World) -> None:
    """Experts of the tenderer stay out of the pool, round 0 and every replacement."""
    policy = {"draw": {"min_pool_ratio": 1}}
    await service.set_policy(world.conn, world.admin, policy)
    tenderer_staff = [f"T{n:03d}" for n in range(6)]
    csv = CSV_HEADER + "".join(
        expert_row(x, "A08", LOCAL, employer=world.tenderer_code) for x in tenderer_staff
    )
    await service_experts.import_experts(
        world.conn, world.admin, csv.encode(), id_card_key=ID_CARD_KEY
    )
    await add_experts(world, [f"L{n:03d}" for n in range(8)], accounts=True)
    draw = await committed_draw(world, [("A08@local", 5)])
    c = world.conn
    pools, excluded = await service_views.exclusions(c, world.supervisor, draw.id)
    assert not set(tenderer_staff) & set(pools["A08@local"])
    assert {x for x, _, reasons in excluded if reasons == ["works_for_tenderer"]} == set(
        tenderer_staff
    )
    await contribute(c, world.supervisor, draw.id, 0, fresh_entropy())
    for r in (1, 2):
        first = (await seated(world, draw.id))[0]
        await answer(world, draw.id, first, Decision.DECLINE)
        await contribute(c, world.supervisor, draw.id, r, fresh_entropy())
    done = await service_draws.get_draw(c, draw.id)
    assert done.transcript is not None
    picked = {p.expert_id for rd in done.transcript.rounds for p in rd.picks}
    assert len(picked) == 7
    assert not picked & set(tenderer_staff)
