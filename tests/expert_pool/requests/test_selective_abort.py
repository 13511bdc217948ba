"""Selective abort leaves a trace (issue 9, item 2): no timeout without a delivered
notice, and a draw cancelled after its picks shows supervisors its seed."""

from __future__ import annotations

from expert_pool.answers import queries as queries_members
from expert_pool.answers import service as service_answers
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawStatus, MemberStatus
from expert_pool.requests import close as service_close
from expert_pool.views import service as service_views
from signing.draw.verify import verify_transcript
from tests.expert_pool.world import (
    World,
    add_experts,
    committed_draw,
    contribute,
    fresh_entropy,
    seated,
)

CATEGORIES = [("A08@local", 5)]


async def test_a_notice_never_delivered_is_not_timed_out(world: World) -> None:
    """The channel's record must show the notice delivered; otherwise the seat waits."""
    await add_experts(world, [f"L{n:03d}" for n in range(16)], accounts=True)
    draw = await committed_draw(world, CATEGORIES)
    c = world.conn
    await contribute(c, world.supervisor, draw.id, 0, fresh_entropy())
    kept_from = (await seated(world, draw.id))[0]
    await c.execute(
        "UPDATE notification_deliveries SET status = 'failed' WHERE notification_id IN"
        " (SELECT id FROM draw_notifications WHERE draw_id = $1 AND expert_id = $2)",
        draw.id,
        kept_from,
    )
    await c.execute("UPDATE draw_members SET deadline = clock_timestamp() - interval '1 second'")
    assert await service_answers.process_timeouts(c) == 4
    status = {m.expert_id: m.status for m in await queries_members.members(c, draw.id)}
    assert status.pop(kept_from) is MemberStatus.NOTIFIED
    assert set(status.values()) == {MemberStatus.TIMED_OUT}
    done = await service_common.get_draw(c, draw.id)
    assert done.transcript is not None
    assert kept_from not in done.transcript.rounds[-1].declined


async def test_a_draw_cancelled_after_its_picks_shows_supervisors_its_seed(world: World) -> None:
    """Supervisors recompute the picks the cancelled draw would have seated."""
    await add_experts(world, [f"L{n:03d}" for n in range(16)], accounts=True)
    draw = await committed_draw(world, CATEGORIES)
    c = world.conn
    await contribute(c, world.supervisor, draw.id, 0, fresh_entropy())
    await service_close.approve_redraw(c, world.supervisor, draw.id, "会场冲突")
    await service_close.cancel_draw(c, world.centre_staff, draw.id, "会场冲突")
    cancelled = await service_common.get_draw(c, draw.id)
    assert cancelled.status is DrawStatus.CANCELLED
    transcript = await service_views.transcript(c, world.supervisor, draw.id)
    assert transcript.platform_seed is not None
    pools = await service_views.pools(c, world.supervisor, draw.id)
    assert verify_transcript(transcript, pools) == []
    assert [p.expert_id for p in transcript.rounds[0].picks] == await seated(world, draw.id)
