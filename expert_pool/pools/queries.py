"""SQL of a draw's exclusions and pools (DESIGN.md: the pools after exclusions).

The exclusion rules run in the database, over the candidates of the draw's categories
only, so a draw on a pool of 100,000 stays fast; tests/expert_pool/pools/test_exclusions_sql.py
checks them against the pure model (expert_pool.pools.exclusions) on a pool that exercises
every rule. Pools leave sorted by bytes (signing.draw.rules.canonical_pool).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg

from expert_pool.draws.model import StoredDraw
from expert_pool.pools.exclusions import ExcludedExpert, ExclusionReason
from signing.draw.derive import pool_digest

# --- exclusions and pools (DESIGN.md: pools after exclusions, sorted by bytes) --------

# One row per candidate: an expert with a specialty under a label's code (a child code
# is its parent's plus two digits, so "under" is a C-collation prefix range, read from
# the code index per label) and a region the label's rule allows. The reasons are
# expert_pool.pools.exclusions' draw-wide rules, in its order; tests check this SQL against
# that pure model.
CANDIDATES = """
WITH lab AS MATERIALIZED (
    SELECT t.label, t.spec,
           ARRAY(SELECT r.region FROM unnest($3::text[], $4::text[]) AS r(label, region)
                 WHERE r.label = t.label) AS regions
    FROM unnest($1::text[], $2::text[]) AS t(label, spec)
)
SELECT x.id, array_agg(DISTINCT lab.label) AS labels, array_remove(ARRAY[
    CASE WHEN x.employer_credit_code = ANY($5::text[]) THEN 'works_for_bidder' END,
    CASE WHEN x.employer_credit_code = $6 THEN 'works_for_tenderer' END,
    CASE WHEN x.employer_credit_code = $7 THEN 'works_for_agency' END,
    CASE WHEN x.employer_credit_code = $8 THEN 'supervising_department_staff' END,
    CASE WHEN EXISTS (
        SELECT 1 FROM expert_relationships r WHERE r.expert_id = x.id
        AND (r.credit_code = ANY($9::text[]) OR r.person_name = ANY($10::text[])))
        THEN 'declared_relationship' END,
    CASE WHEN EXISTS (
        SELECT 1 FROM expert_penalties p WHERE p.expert_id = x.id AND p.imposed_on <= $11::date)
        THEN 'penalised' END,
    CASE WHEN x.status = 'suspended' THEN 'suspended' END,
    CASE WHEN x.status = 'banned' THEN 'banned' END,
    CASE WHEN x.status = 'retired' THEN 'retired' END,
    CASE WHEN date_part('year', $11::date) - date_part('year', x.birth_date)
              - CASE WHEN (date_part('month', $11::date), date_part('day', $11::date))
                          >= (date_part('month', x.birth_date), date_part('day', x.birth_date))
                     THEN 0 ELSE 1 END >= $12
        THEN 'over_age_limit' END,
    CASE WHEN x.years_of_practice < $13 THEN 'under_min_years' END,
    CASE WHEN x.title = 'intermediate' THEN 'title_not_senior' END,
    CASE WHEN EXISTS (
        SELECT 1 FROM expert_services s WHERE s.expert_id = x.id AND s.tenderer = $6
        AND s.served_on >= $11::date - $14::int)
        THEN 'cool_off_same_tenderer' END,
    CASE WHEN (
        SELECT count(*) FROM expert_services s WHERE s.expert_id = x.id
        AND s.served_on >= date_trunc('month', $11::date)::date
        AND s.served_on < (date_trunc('month', $11::date) + interval '1 month')::date) >= $15
        THEN 'monthly_cap_reached' END,
    CASE WHEN EXISTS (
        SELECT 1 FROM expert_prequalifications q WHERE q.expert_id = x.id AND q.project_id = $16)
        THEN 'took_part_in_prequalification' END,
    CASE WHEN EXISTS (
        SELECT 1 FROM expert_unavailability u WHERE u.expert_id = x.id
        AND u.starts_at < $18 AND $17 < u.ends_at)
        THEN 'unavailable' END
], NULL) AS reasons
FROM lab
CROSS JOIN LATERAL (
    SELECT es.expert_id FROM expert_specialties es
    WHERE es.code >= lab.spec AND es.code < lab.spec || '~'
) hit
JOIN experts x ON x.id = hit.expert_id AND x.region = ANY (lab.regions)
GROUP BY x.id
ORDER BY x.id
"""


Candidate = tuple[str, tuple[str, ...], tuple[ExclusionReason, ...]]
NO_JIT = "SET LOCAL jit = off"


async def candidates(
    conn: asyncpg.Connection,
    draw: StoredDraw,
    labels: Sequence[tuple[str, str]],
    regions: Mapping[str, Sequence[str]],
) -> list[Candidate]:
    """(expert id, labels it fits, reasons that exclude it) for every candidate."""
    p, rule = draw.parties, draw.policy.exclusion
    pairs = [(label, region) for label, codes in regions.items() for region in codes]
    # The estimate of this query crosses jit_above_cost, and compiling costs more than
    # the query itself (measured: +100 ms on a pool of 100,000). Transaction-local.
    await conn.execute(NO_JIT)
    rows = await conn.fetch(
        CANDIDATES,
        [label for label, _ in labels],
        [spec for _, spec in labels],
        [label for label, _ in pairs],
        [region for _, region in pairs],
        list(p.bidders),
        p.tenderer,
        p.agency_code,
        p.department_code,
        [p.tenderer, p.agency_code, *p.bidders],
        list(p.bidder_principals),
        draw.spec.session_date,
        rule.age_limit,
        rule.min_years,
        rule.cool_off_days,
        rule.monthly_cap,
        p.project_id,
        draw.spec.session_start,
        draw.spec.session_end,
    )
    return [
        (r["id"], tuple(r["labels"]), tuple(ExclusionReason(x) for x in r["reasons"])) for r in rows
    ]


VENUE_POOL = """
SELECT id FROM venues WHERE active AND region = ANY($1::text[]) ORDER BY id
"""


async def venue_pool(conn: asyncpg.Connection, regions: Sequence[str]) -> tuple[str, ...]:
    """Active venues in these regions, ascending by bytes."""
    return tuple(r["id"] for r in await conn.fetch(VENUE_POOL, list(regions)))


DELETE_POOLS = "DELETE FROM draw_pools WHERE draw_id = $1"
DELETE_EXCLUSIONS = "DELETE FROM draw_exclusions WHERE draw_id = $1"


async def store_pools(
    conn: asyncpg.Connection,
    draw_id: str,
    pools: Mapping[str, Sequence[str]],
    excluded: Sequence[ExcludedExpert],
) -> None:
    """Replace the draw's pools (in category order) and its recorded exclusions."""
    await conn.execute(DELETE_POOLS, draw_id)
    await conn.execute(DELETE_EXCLUSIONS, draw_id)
    rows = [
        (draw_id, label, n, list(ids), pool_digest(ids))
        for n, (label, ids) in enumerate(pools.items())
    ]
    await conn.copy_records_to_table(
        "draw_pools", records=rows, columns=("draw_id", "label", "position", "ids", "digest")
    )
    await conn.copy_records_to_table(
        "draw_exclusions",
        records=[(draw_id, x.expert_id, [str(r) for r in x.reasons]) for x in excluded],
        columns=("draw_id", "expert_id", "reasons"),
    )


SELECT_POOLS = "SELECT label, ids FROM draw_pools WHERE draw_id = $1 ORDER BY position"


async def pools(conn: asyncpg.Connection, draw_id: str) -> dict[str, tuple[str, ...]]:
    """The recorded pools, label → ids, in category order."""
    return {r["label"]: tuple(r["ids"]) for r in await conn.fetch(SELECT_POOLS, draw_id)}


SELECT_EXCLUSIONS = """
SELECT x.expert_id, e.name, x.reasons FROM draw_exclusions x JOIN experts e ON e.id = x.expert_id
WHERE x.draw_id = $1 ORDER BY x.expert_id
"""


async def exclusions(conn: asyncpg.Connection, draw_id: str) -> list[tuple[str, str, list[str]]]:
    """(expert id, name, reasons) of every candidate kept out of the draw."""
    rows = await conn.fetch(SELECT_EXCLUSIONS, draw_id)
    return [(r["expert_id"], r["name"], list(r["reasons"])) for r in rows]
