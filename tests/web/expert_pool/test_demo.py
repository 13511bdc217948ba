"""The pool's demo data on top of the accounts demo: profiles, venues, one complete draw."""

from __future__ import annotations

import asyncpg

from accounts.model import ConsoleOperator
from expert_pool.draws import queries as queries_draws
from expert_pool.pools import queries as queries_pools
from signing.demo_ca import DemoCA
from signing.draw.verify import verify_transcript
from tests.expert_pool import fixtures
from tests.expert_pool.world import TEST_LOG
from web.accounts import demo
from web.expert_pool.demo import load_demo

pool_ca = fixtures.pool_ca


async def test_the_demo_draw_has_declines_two_replacement_rounds_and_verifies(
    pool: asyncpg.Pool, pool_ca: DemoCA
) -> None:
    """30 experts, 6 venues; rounds of 6, 2 and 1 picks; complete; recomputes exactly."""
    async with pool.acquire() as conn:
        await demo.load_demo(conn, ConsoleOperator(name="test"))
        result = await load_demo(conn, id_card_key=b"d" * 32, ca=pool_ca, log=TEST_LOG)
        assert len(result.experts) == 30
        assert len(result.venues) == 6
        t = result.transcript
        assert [len(rd.picks) for rd in t.rounds] == [6, 2, 1]
        assert [len(rd.declined) for rd in t.rounds] == [2, 1, 0]
        assert t.platform_seed is not None
        draw = await queries_draws.draw(conn, result.draw_id)
        assert draw is not None
        assert draw.status == "complete"
        pools = await queries_pools.pools(conn, result.draw_id)
        assert verify_transcript(t, pools) == []
        venue = [p for p in t.rounds[0].picks if p.label == "venue@remote"]
        assert venue
        assert venue[0].expert_id in result.venues
