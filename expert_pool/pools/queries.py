"""SQL of a draw's exclusions and pools (DESIGN.md: the pools after exclusions).

The exclusion rules run in the database, over the candidates of the draw's categories
only, so a draw on a pool of 100,000 stays fast; tests/expert_pool/pools/test_exclusions_sql.py
checks them against the pure model (expert_pool.pools.exclusions) on a pool that exercises
every rule. Pools leave sorted by bytes (signing.draw.rules.canonical_pool).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import asyncpg

from expert_pool.draws.model import StoredDraw
from expert_pool.pools.exclusions import ExcludedExpert, ExclusionReason, born_by
from signing.draw.derive import pool_digest

# --- exclusions and pools (DESIGN.md: pools after exclusions, sorted by bytes) --------

# Candidates: the experts with a specialty under a label's code (a child code is its
# parent's plus two digits, so "under" is a C-collation prefix range) registered in a
# region the label's rule allows. Each label is one index-only range scan of
# expert_specialties_candidates_idx (migration 0095): the specialty rows carry their
# expert's region and the attributes the rules read, so no other table is joined per
# candidate; tests/expert_pool/pools/test_candidates_plan.py checks the plan. The history
# rules each read one small set per draw by its own index (hashed), the monthly cap from
# the per-month counts. The reasons are expert_pool.pools.exclusions' draw-wide rules in
# its order, joined by ',' (the stored form, migration 0096); tests check this SQL against
# that pure model. Rows: one per label that has candidates, with its eligible ids
# (ascending by bytes), and one row with label NULL holding the excluded ids (ascending
# by bytes) and their reasons.
CANDIDATES = """
WITH lab AS MATERIALIZED (
    SELECT t.label, t.spec,
           ARRAY(SELECT r.region FROM unnest($3::text[], $4::text[]) AS r(label, region)
                 WHERE r.label = t.label) AS regions
    FROM unnest($1::text[], $2::text[]) AS t(label, spec)
),
hit AS MATERIALIZED (
    -- Per specialty row: the attributes are its expert's own (migration 0095's copies),
    -- so an expert found twice has the same reasons twice. Ids compare as bytes.
    SELECT h.label, h.id, array_to_string(ARRAY[
        CASE WHEN h.employer_credit_code = ANY($5::text[]) THEN 'works_for_bidder' END,
        CASE WHEN h.employer_credit_code = $6 THEN 'works_for_tenderer' END,
        CASE WHEN h.employer_credit_code = $7 THEN 'works_for_agency' END,
        CASE WHEN h.employer_credit_code = $8 THEN 'supervising_department_staff' END,
        CASE WHEN h.id IN (
            SELECT r.expert_id COLLATE "C" FROM expert_relationships r
            WHERE r.credit_code = ANY($9::text[]) OR r.person_name = ANY($10::text[]))
            THEN 'declared_relationship' END,
        CASE WHEN h.id IN (
            SELECT p.expert_id COLLATE "C" FROM expert_penalties p WHERE p.imposed_on <= $11::date)
            THEN 'penalised' END,
        CASE WHEN h.status = 'suspended' THEN 'suspended' END,
        CASE WHEN h.status = 'banned' THEN 'banned' END,
        CASE WHEN h.status = 'retired' THEN 'retired' END,
        CASE WHEN h.birth_date <= $12::date THEN 'over_age_limit' END,
        CASE WHEN h.years_of_practice < $13 THEN 'under_min_years' END,
        CASE WHEN h.title = 'intermediate' THEN 'title_not_senior' END,
        CASE WHEN h.id IN (
            SELECT s.expert_id COLLATE "C" FROM expert_services s
            WHERE s.tenderer = $6 AND s.served_on >= $11::date - $14::int)
            THEN 'cool_off_same_tenderer' END,
        CASE WHEN h.id IN (
            SELECT m.expert_id COLLATE "C" FROM expert_service_months m
            WHERE m.month = date_trunc('month', $11::date)::date AND m.served >= $15)
            THEN 'monthly_cap_reached' END,
        CASE WHEN h.id IN (
            SELECT q.expert_id COLLATE "C" FROM expert_prequalifications q WHERE q.project_id = $16)
            THEN 'took_part_in_prequalification' END,
        CASE WHEN h.id IN (
            SELECT u.expert_id COLLATE "C" FROM expert_unavailability u
            WHERE u.ends_at > $17 AND u.starts_at < $18)
            THEN 'unavailable' END
    ], ',') AS reasons
    FROM (
        SELECT lab.label, s.expert_id COLLATE "C" AS id, s.employer_credit_code, s.status,
               s.title, s.years_of_practice, s.birth_date
        FROM lab CROSS JOIN LATERAL (
            SELECT s.expert_id, s.employer_credit_code, s.status, s.title,
                   s.years_of_practice, s.birth_date
            FROM expert_specialties s
            WHERE s.code >= lab.spec AND s.code < lab.spec || '~'
              AND s.region = ANY (lab.regions)
        ) s
    ) h
)
SELECT h.label,
       coalesce(array_agg(DISTINCT h.id ORDER BY h.id) FILTER (WHERE h.reasons = ''), '{}')
           AS ids,
       NULL::text[] AS reasons
FROM hit h GROUP BY h.label
UNION ALL
SELECT NULL, coalesce(array_agg(e.id ORDER BY e.id), '{}'),
       coalesce(array_agg(e.reasons ORDER BY e.id), '{}')
FROM (SELECT DISTINCT h.id, h.reasons FROM hit h WHERE h.reasons <> '') e
"""


NO_JIT = "SET LOCAL jit = off"


@dataclass(frozen=True, slots=True)
class Exclusions:
    """A draw's excluded candidates as stored (migration 0096): parallel arrays, ids
    ascending by bytes, each entry's reason codes joined by ','."""

    expert_ids: tuple[str, ...]
    reasons: tuple[str, ...]

    def experts(self) -> list[ExcludedExpert]:
        """One ExcludedExpert per entry (for reviews and tests, not the prepare step)."""
        return [
            ExcludedExpert(expert_id=x, reasons=tuple(ExclusionReason(r) for r in codes.split(",")))
            for x, codes in zip(self.expert_ids, self.reasons, strict=True)
        ]


def candidate_args(
    draw: StoredDraw,
    labels: Sequence[tuple[str, str]],
    regions: Mapping[str, Sequence[str]],
) -> tuple[object, ...]:
    """CANDIDATES' parameters: (label, specialty) pairs, each label's region codes."""
    p, rule = draw.parties, draw.policy.exclusion
    pairs = [(label, region) for label, codes in regions.items() for region in codes]
    return (
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
        born_by(draw.spec.session_date, rule.age_limit),  # over_age_limit: born by then
        rule.min_years,
        rule.cool_off_days,
        rule.monthly_cap,
        p.project_id,
        draw.spec.session_start,
        draw.spec.session_end,
    )


async def candidates(
    conn: asyncpg.Connection,
    draw: StoredDraw,
    labels: Sequence[tuple[str, str]],
    regions: Mapping[str, Sequence[str]],
) -> tuple[dict[str, tuple[str, ...]], Exclusions]:
    """The eligible ids per label (ascending by bytes) and the excluded candidates."""
    # The estimate of this query crosses jit_above_cost, and compiling costs more than
    # the query itself (measured: +100 ms on a pool of 100,000). Transaction-local.
    await conn.execute(NO_JIT)
    rows = await conn.fetch(CANDIDATES, *candidate_args(draw, labels, regions))
    # The ids come ordered by bytes and distinct (COLLATE "C", DISTINCT), each a valid
    # id by experts' CHECK: they are canonical pools (docs/formats/draw.md §2) as read.
    found = {r["label"]: tuple(r["ids"]) for r in rows if r["label"] is not None}
    pools = {label: found.get(label, ()) for label, _ in labels}  # a label with no candidate
    (last,) = (r for r in rows if r["label"] is None)
    return pools, Exclusions(expert_ids=tuple(last["ids"]), reasons=tuple(last["reasons"]))


VENUE_POOL = """
SELECT id FROM venues WHERE active AND region = ANY($1::text[]) ORDER BY id
"""


async def venue_pool(conn: asyncpg.Connection, regions: Sequence[str]) -> tuple[str, ...]:
    """Active venues in these regions, ascending by bytes."""
    return tuple(r["id"] for r in await conn.fetch(VENUE_POOL, list(regions)))


DELETE_POOLS = "DELETE FROM draw_pools WHERE draw_id = $1"
STORE_EXCLUSIONS = """
INSERT INTO draw_exclusion_lists (draw_id, expert_ids, reasons) VALUES ($1, $2, $3)
ON CONFLICT (draw_id) DO UPDATE SET expert_ids = EXCLUDED.expert_ids, reasons = EXCLUDED.reasons
"""


async def store_pools(
    conn: asyncpg.Connection,
    draw_id: str,
    pools: Mapping[str, Sequence[str]],
    excluded: Exclusions,
) -> None:
    """Replace the draw's pools (in category order) and its recorded exclusions (one row)."""
    await conn.execute(DELETE_POOLS, draw_id)
    rows = [
        (draw_id, label, n, list(ids), pool_digest(ids))
        for n, (label, ids) in enumerate(pools.items())
    ]
    await conn.copy_records_to_table(
        "draw_pools", records=rows, columns=("draw_id", "label", "position", "ids", "digest")
    )
    await conn.execute(STORE_EXCLUSIONS, draw_id, list(excluded.expert_ids), list(excluded.reasons))


SELECT_POOLS = "SELECT label, ids FROM draw_pools WHERE draw_id = $1 ORDER BY position"


async def pools(conn: asyncpg.Connection, draw_id: str) -> dict[str, tuple[str, ...]]:
    """The recorded pools, label → ids, in category order."""
    return {r["label"]: tuple(r["ids"]) for r in await conn.fetch(SELECT_POOLS, draw_id)}


SELECT_EXCLUSIONS = """
SELECT u.expert_id, e.name, string_to_array(u.reasons, ',') AS reasons
FROM draw_exclusion_lists l
CROSS JOIN LATERAL unnest(l.expert_ids, l.reasons) WITH ORDINALITY AS u(expert_id, reasons, n)
JOIN experts e ON e.id = u.expert_id
WHERE l.draw_id = $1 ORDER BY u.n
"""


async def exclusions(conn: asyncpg.Connection, draw_id: str) -> list[tuple[str, str, list[str]]]:
    """(expert id, name, reasons) of every candidate kept out of the draw, by id."""
    rows = await conn.fetch(SELECT_EXCLUSIONS, draw_id)
    return [(r["expert_id"], r["name"], list(r["reasons"])) for r in rows]
