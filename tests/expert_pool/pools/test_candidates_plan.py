"""Finding a draw's candidates is one index-only range scan per label (issue 17, item 3;
migration 0095), and the specialty rows' copies of the expert's attributes follow it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from expert_pool.draws import access as service_common
from expert_pool.experts import service as service_experts
from expert_pool.model import ExpertStatus
from expert_pool.pools import queries as queries_pools
from expert_pool.pools import service as service_pools
from expert_pool.requests import service as service_draws
from tests.expert_pool.world import World, add_experts, new_tender, request, spec

INDEX = "expert_specialties_candidates_idx"
LABELS = [("A08@local", 2), ("A06@local", 1), ("C01@remote", 2)]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


async def test_the_candidates_are_read_by_an_index_only_scan_per_label(world: World) -> None:
    """EXPLAIN of the exclusion query: the specialty rows come from an Index Only Scan of
    the candidates' index, once per label, and the experts table is not read at all."""
    await add_experts(world, ["P1", "P2"], specialty="A08")
    await add_experts(world, ["P3"], specialty="C01", region="340100")
    draw = await service_draws.request_draw(
        world.conn, world.agency_actor, request(world, spec(LABELS), tender=await new_tender(world))
    )
    stored = await service_common.get_draw(world.conn, draw.id)
    args = queries_pools.candidate_args(stored, *service_pools.expert_labels(stored))
    async with world.conn.transaction():
        # A test pool of three experts fits in one page, where any planner prefers reading
        # the page; forbidding the other scans leaves the choice between an index scan
        # (a column the rules need is missing from the index) and an index-only scan.
        # The bench (scripts/bench/draw.py) prints the same plan on 100,000 experts with
        # the default settings.
        await world.conn.execute("SET LOCAL enable_seqscan = off")
        await world.conn.execute("SET LOCAL enable_bitmapscan = off")
        text = await world.conn.fetchval("EXPLAIN (FORMAT JSON) " + queries_pools.CANDIDATES, *args)
    nodes = list(_nodes(json.loads(text)[0]["Plan"]))
    scans = [n for n in nodes if n.get("Relation Name") == "expert_specialties"]
    assert [(n["Node Type"], n["Index Name"]) for n in scans] == [("Index Only Scan", INDEX)]
    # One scan node inside the loop over the labels: one range scan per label.
    assert {n.get("Relation Name") for n in nodes}.isdisjoint({"experts"})
    pools, excluded = await service_pools.compute_pools(world.conn, stored)
    assert pools == {"A08@local": ("P1", "P2"), "A06@local": (), "C01@remote": ("P3",)}
    assert excluded.expert_ids == ()


async def test_a_status_change_reaches_the_specialty_rows_and_the_pools(world: World) -> None:
    """The copies on expert_specialties follow experts (trigger): a suspended expert is
    excluded for it in the next draw's pools, with the reason stored once per draw."""
    await add_experts(world, ["S1", "S2"], specialty="A08")
    await service_experts.change_status(
        world.conn, world.admin, "S2", ExpertStatus.SUSPENDED, "停职调查"
    )
    copies = await world.conn.fetch(
        "SELECT expert_id, status FROM expert_specialties WHERE expert_id = ANY($1) ORDER BY 1",
        ["S1", "S2"],
    )
    assert [tuple(r) for r in copies] == [("S1", "active"), ("S2", "suspended")]
    draw = await service_draws.request_draw(
        world.conn,
        world.agency_actor,
        request(world, spec([("A08@local", 5)]), tender=await new_tender(world)),
    )
    await service_pools.prepare_draw(world.conn, world.centre_staff, draw.id)
    stored = await world.conn.fetchrow(
        "SELECT expert_ids, reasons FROM draw_exclusion_lists WHERE draw_id = $1", draw.id
    )
    assert (stored["expert_ids"], stored["reasons"]) == (["S2"], ["suspended"])
    assert await queries_pools.pools(world.conn, draw.id) == {"A08@local": ("S1",)}
