"""An expert draw end to end through the database, against a bare query of the pool.

A throwaway PostgreSQL with fsync ON holds a pool of 100,000 experts with realistic
attributes (specialties, regions, titles, ages, statuses, employers, declared
relationships, penalties, service history, calendars). Each measured draw is a new
committee of 9 experts in 3 specialties, run through the services as in production:
request (agency) → prepare: every exclusion computed and recorded, pools stored
(centre staff) → commit logged (centre staff) → supervisor entropy → round 0 drawn,
members seated, notices queued and delivered. The bare query selects the same three
categories' candidate ids in one statement, no rule applied, in the same run and
session (JIT off for both, as the service sets it for its exclusion query). Prints
medians and their ratio. Aim: a draw under 50 ms.

Run: .venv/bin/python scripts/bench/draw.py [--experts 100000] [--draws 30]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from accounts import credit_code
from accounts.model import Actor, ConsoleOperator, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.users import service as users
from audit import service as audit
from expert_pool.draws.access import get_draw
from expert_pool.draws.model import DrawSpec, Purpose
from expert_pool.pools import queries as queries_pools
from expert_pool.pools import service as service_pools
from expert_pool.regions import DEFAULT_REGIONS
from expert_pool.requests import service as service_draws
from expert_pool.rounds import service as service_rounds
from expert_pool.specialties import default_specialties
from expert_pool.views import service as service_views
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category
from signing.log.checkpoint import generate_private_key
from signing.log.note import Ed25519Signer
from web.db.embedded import SUPERUSER, EmbeddedPostgres
from web.db.migrate import migrate

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tender.service import create_draft
from tests.tender.kit import a_draft

CONSOLE = ConsoleOperator(name="bench")
# Entropy is taken only once a signed checkpoint covers the commit (issue 9, item 2).
_SIGNER = Ed25519Signer(name="etender.bench/log", private_key=generate_private_key())
_LOG = audit.LogIdentity(origin=_SIGNER.name, signer=_SIGNER)
_LOG_VERIFIER = _SIGNER.verifier()
CATEGORIES = (("A08@local", 4), ("A06@local", 3), ("C01@remote", 2))
TITLES = (("full_senior", 20), ("senior", 60), ("equivalent", 12), ("intermediate", 8))
STATUSES = (("active", 94), ("suspended", 3), ("retired", 2), ("banned", 1))
EXPERT_COLUMNS = (
    "id",
    "name",
    "id_card_digest",
    "id_card_last4",
    "phone",
    "title",
    "years_of_practice",
    "birth_date",
    "region",
    "employer_credit_code",
    "status",
)
Row = tuple[Any, ...]


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _expert(i: int, rng: random.Random, employers: list[str]) -> Row:
    local = [r.code for r in DEFAULT_REGIONS.local_units()]
    remote = [c for c in DEFAULT_REGIONS.cities() if c != DEFAULT_REGIONS.home_city]
    region = rng.choice(local) if rng.random() < 0.55 else rng.choice(remote)
    born = dt.date(1955 + rng.randrange(36), 1 + rng.randrange(12), 1 + rng.randrange(28))
    last4 = f"{rng.randrange(1000):03d}{rng.randrange(10)}"
    return (
        f"X{i:06d}",
        f"专家{i}",
        secrets.token_hex(32),
        last4,
        f"139{rng.randrange(10**8):08d}",
        _weighted(rng, TITLES),
        3 + rng.randrange(30),
        born,
        region,
        rng.choice(employers),
        _weighted(rng, STATUSES),
    )


def expert_rows(n: int, rng: random.Random, employers: list[str]) -> tuple[list[Row], list[Row]]:
    """Experts and their specialties: leaf codes with a long tail, 1-3 each."""
    leaves = [c for c in default_specialties().nodes if len(c) == 3]
    weights = [1.0 / (1 + i % 17) for i in range(len(leaves))]
    experts = [_expert(i, rng, employers) for i in range(n)]
    codes = [
        (e[0], code)
        for e in experts
        for code in set(rng.choices(leaves, weights=weights, k=1 + rng.randrange(3)))
    ]
    return experts, codes


async def _facts(
    conn: asyncpg.Connection, rng: random.Random, ids: list[str], day: dt.date, tenderers: list[str]
) -> None:
    """Declared relationships, penalties, service history, calendars."""
    n = len(ids)
    relations = [(x, "economic_interest", rng.choice(tenderers)) for x in rng.sample(ids, n // 20)]
    penalties = [
        (x, "administrative", day - dt.timedelta(days=rng.randrange(2000)), "住建局")
        for x in rng.sample(ids, n // 100)
    ]
    services = [
        (x, f"H{k}-{x}", rng.choice(tenderers), day - dt.timedelta(days=rng.randrange(60)))
        for x in rng.sample(ids, n * 3 // 10)
        for k in range(1 + rng.randrange(5))
    ]
    start = dt.datetime.combine(day, dt.time(1), tzinfo=dt.UTC)
    busy = [
        (x, start + dt.timedelta(hours=rng.randrange(-48, 48)), start + dt.timedelta(days=2))
        for x in rng.sample(ids, n // 10)
    ]
    copy = conn.copy_records_to_table
    await copy(
        "expert_relationships", records=relations, columns=("expert_id", "kind", "credit_code")
    )
    await copy(
        "expert_penalties",
        records=penalties,
        columns=("expert_id", "kind", "imposed_on", "authority"),
    )
    await copy(
        "expert_services",
        records=services,
        columns=("expert_id", "draw_id", "tenderer", "served_on"),
    )
    await copy("expert_unavailability", records=busy, columns=("expert_id", "starts_at", "ends_at"))


async def load_pool(conn: asyncpg.Connection, n: int, parties: list[str], day: dt.date) -> None:
    """Bulk-load the pool and its facts (setup only: the draws go through the services)."""
    rng = random.Random(100_000)
    employers = [credit_code.generate(rng) for _ in range(4000)] + parties
    experts, codes = expert_rows(n, rng, employers)
    await conn.copy_records_to_table("experts", records=experts, columns=EXPERT_COLUMNS)
    await conn.copy_records_to_table(
        "expert_specialties", records=codes, columns=("expert_id", "code")
    )
    await _facts(conn, rng, [e[0] for e in experts], day, parties[:1] + employers[:50])
    # A pool in service has been vacuumed (autovacuum): its pages are all-visible, which
    # is what lets an index-only scan skip the table. A freshly copied table is not yet.
    await conn.execute("VACUUM ANALYZE")


async def make_actor(conn: asyncpg.Connection, kind: OrgKind, role: Role, n: int) -> Actor:
    """An organisation of `kind` and a user holding `role` for it."""
    code = credit_code.generate(random.Random(n))
    org = await organisations.create_organisation(
        conn, CONSOLE, credit_code=code, name=f"{kind} bench", kind=kind
    )
    user = await users.create_user(
        conn,
        CONSOLE,
        organisation_id=org.id,
        username=f"bench.{role}",
        display_name="压测",
        password=None,
    )
    scope = org.id if role is Role.SUPERVISOR else None
    await users.grant_role(conn, CONSOLE, user_id=user.id, role=role, scope_id=scope)
    grants = frozenset(await users.user_roles(conn, user.id))
    return Actor(
        user_id=user.id,
        organisation_id=org.id,
        username=user.username,
        display_name=user.display_name,
        grants=grants,
    )


async def new_tender(conn: asyncpg.Connection, actors: dict[str, Actor], tenderer: UUID) -> str:
    """A draft tender of the agency: a draw names a real tender lot (issue 9, item 4)."""
    draft = a_draft(tenderer_id=tenderer, department_id=actors["supervisor"].organisation_id)
    return str((await create_draft(conn, actors["agency"], draft)).id)


def _request(
    tender: str, n: int, actors: dict[str, Actor], tenderer: str, start: dt.datetime
) -> Any:
    spec = DrawSpec(
        session_start=start,
        session_end=start + dt.timedelta(hours=6),
        categories=tuple(Category(label=label, count=c) for label, c in CATEGORIES),
        entropy_roles=(ContributorRole.SUPERVISOR,),
    )
    return service_draws.DrawRequestInput(
        tender_id=tender,
        lot="1",
        purpose=Purpose.EVALUATION,
        project_id=f"BP-{n}",
        agency_id=actors["agency"].organisation_id,
        department_id=actors["supervisor"].organisation_id,
        tenderer=tenderer,
        spec=spec,
    )


async def one_draw(
    conn: asyncpg.Connection,
    n: int,
    actors: dict[str, Actor],
    tenderer: tuple[str, UUID],
    start: dt.datetime,
) -> dict[str, float]:
    """One committee drawn end to end; the seconds of each step."""
    tender = await new_tender(conn, actors, tenderer[1])  # not part of the draw
    marks = [time.perf_counter()]
    draw = await service_draws.request_draw(
        conn, actors["agency"], _request(tender, n, actors, tenderer[0], start)
    )
    marks.append(time.perf_counter())
    await service_pools.prepare_draw(conn, actors["centre"], draw.id)
    marks.append(time.perf_counter())
    await service_draws.commit_draw(conn, actors["centre"], draw.id)
    marks.append(time.perf_counter())
    async with conn.transaction():  # the checkpoint job, driven directly
        await audit.sign_new_checkpoint(conn, _LOG)
    marks.append(time.perf_counter())
    proof = await service_views.commit_proof(conn, actors["supervisor"], draw.id, _LOG_VERIFIER)
    fixed = service_rounds.FixedCommit(
        commit_hash=proof.commit_hash, checkpoint_size=proof.checkpoint_size
    )
    entropy = secrets.token_hex(32)  # the supervisor's own client
    await service_rounds.contribute_entropy(
        conn, actors["supervisor"], draw.id, 0, entropy, fixed=fixed
    )
    marks.append(time.perf_counter())
    steps = ("request", "prepare", "commit", "checkpoint", "round0")
    result = {name: marks[i + 1] - marks[i] for i, name in enumerate(steps)}
    result["total"] = marks[-1] - marks[0]
    return result


# The bare index-only scan of the candidates: each label's range of the candidates' index
# (migration 0095), region bound, no rule applied, nothing stored: the floor of prepare.
BARE = """
WITH lab AS MATERIALIZED (
    SELECT t.label, t.spec,
           ARRAY(SELECT r.region FROM unnest($3::text[], $4::text[]) AS r(label, region)
                 WHERE r.label = t.label) AS regions
    FROM unnest($1::text[], $2::text[]) AS t(label, spec)
)
SELECT lab.label, s.expert_id
FROM lab CROSS JOIN LATERAL (
    SELECT s.expert_id FROM expert_specialties s
    WHERE s.code >= lab.spec AND s.code < lab.spec || '~' AND s.region = ANY (lab.regions)
) s
"""


def _bare_args() -> tuple[object, ...]:
    labels = [c[0] for c in CATEGORIES]
    pairs = [
        (label, code) for label in labels for code in service_pools.regions_for(label.split("@")[1])
    ]
    return (
        labels,
        [label.split("@")[0] for label in labels],
        [p[0] for p in pairs],
        [p[1] for p in pairs],
    )


async def bare_query(conn: asyncpg.Connection) -> tuple[float, int]:
    """The candidates of the three categories by the index alone: seconds, rows."""
    args = _bare_args()
    started = time.perf_counter()
    rows = await conn.fetch(BARE, *args)
    return time.perf_counter() - started, len({r["expert_id"] for r in rows})


async def candidates_plan(conn: asyncpg.Connection, draw_id: str | None) -> str:
    """How the service's exclusion query (or, without a draw, the bare scan) reads
    expert_specialties, default settings."""
    if draw_id is None:
        query, args = BARE, _bare_args()
    else:
        draw = await get_draw(conn, draw_id)
        query = queries_pools.CANDIDATES
        args = queries_pools.candidate_args(draw, *service_pools.expert_labels(draw))
    text = await conn.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + query, *args)
    found = []
    stack = [json.loads(text)[0]["Plan"]]
    while stack:
        node = stack.pop()
        stack.extend(node.get("Plans", ()))
        if node.get("Relation Name") in ("expert_specialties", "experts"):
            found.append(
                f"{node['Node Type']} on {node['Relation Name']}"
                f" using {node.get('Index Name', '-')} x {node['Actual Loops']} loops"
            )
    return "; ".join(found)


async def bare_commit(conn: asyncpg.Connection, count: int = 50) -> float:
    """Median seconds of a one-row INSERT in its own transaction (the fsync floor)."""
    await conn.execute("CREATE TABLE IF NOT EXISTS bench_bare (x int)")
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await conn.execute("INSERT INTO bench_bare VALUES (1)")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def run(conn: asyncpg.Connection, experts: int, draws: int) -> None:
    """Load, warm up, measure, report."""
    await migrate(conn)
    await conn.execute("SET jit = off")
    actors = {
        "agency": await make_actor(conn, OrgKind.AGENCY, Role.AGENCY, 1),
        "supervisor": await make_actor(conn, OrgKind.INDUSTRY_DEPARTMENT, Role.SUPERVISOR, 2),
        "centre": await make_actor(conn, OrgKind.CITY_CENTRE, Role.CENTRE_STAFF, 3),
    }
    code = credit_code.generate(random.Random(7))
    org = await organisations.create_organisation(
        conn, CONSOLE, credit_code=code, name="招标人 bench", kind=OrgKind.TENDERER
    )
    tenderer = (code, org.id)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=5)
    loaded = time.perf_counter()
    codes = [
        (await organisations.get_organisation(conn, a.organisation_id)).credit_code
        for a in actors.values()
    ]
    await load_pool(conn, experts, [code, *codes], start.date())
    print(f"pool of {experts} experts loaded in {time.perf_counter() - loaded:.1f} s")
    for n in range(3):  # warm caches and plans
        await one_draw(conn, -1 - n, actors, tenderer, start)
        await bare_query(conn)
    runs, bares = [], []
    commit_before = await bare_commit(conn)
    for n in range(draws):
        runs.append(await one_draw(conn, n, actors, tenderer, start))
        bares.append(await bare_query(conn))
    commit = (commit_before + await bare_commit(conn)) / 2
    last = await conn.fetchval("SELECT id FROM draws ORDER BY requested_at DESC LIMIT 1")
    sizes = await conn.fetch(
        "SELECT label, cardinality(ids) FROM draw_pools WHERE draw_id = $1", last
    )
    excluded = await conn.fetchval(
        "SELECT cardinality(expert_ids) FROM draw_exclusion_lists WHERE draw_id = $1", last
    )
    print(f"plan of the exclusion query: {await candidates_plan(conn, last)}")
    print(f"plan of the bare scan: {await candidates_plan(conn, None)}")
    report(runs, bares, [(r[0], r[1]) for r in sizes], excluded, commit)


def report(
    runs: list[dict[str, float]],
    bares: list[tuple[float, int]],
    sizes: list[tuple[str, int]],
    excluded: int,
    commit: float,
) -> None:
    """Medians in milliseconds and the ratio to the bare query."""
    med = {k: statistics.median(r[k] for r in runs) * 1000 for k in runs[0]}
    p90 = statistics.quantiles([r["total"] for r in runs], n=10)[-1] * 1000
    bare = statistics.median(b[0] for b in bares) * 1000
    pools = ", ".join(f"{label} {size}" for label, size in sizes)
    print(f"candidates {bares[0][1]}; pools {pools}; excluded candidates {excluded}")
    print(f"load average before / after    : {LOAD_BEFORE} / {_load()}")
    print(f"bare commit (one-row INSERT)    : {commit * 1000:7.1f} ms (median)")
    print(f"bare index-only scan (limit)    : {bare:7.1f} ms (median)")
    for key in ("request", "prepare", "commit", "checkpoint", "round0"):
        print(f"  {key:<30}: {med[key]:7.1f} ms")
    prepare_commit = statistics.median(r["prepare"] + r["commit"] for r in runs) * 1000
    print(f"draw end to end                 : {med['total']:7.1f} ms (median), {p90:.1f} ms (p90)")
    print(f"prepare -> commit / scan        : {prepare_commit / bare:7.2f} x  (aim <= 1.5)")
    print(f"entropy -> picks / scan         : {med['round0'] / bare:7.2f} x  (aim <= 1.5)")
    print(f"draw end to end / scan          : {med['total'] / bare:7.2f} x")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


LOAD_BEFORE = _load()


async def main(experts: int, draws: int) -> None:
    """A throwaway cluster with fsync on, as production runs."""
    logging.disable(logging.INFO)  # the log notice channel would print every notice
    root = Path(tempfile.mkdtemp(prefix="etender-bench-", dir="/var/tmp"))
    root.chmod(0o755)
    cluster = EmbeddedPostgres(root=root / "pg", fsync=True)
    cluster.start()
    try:
        admin = await asyncpg.connect(cluster.dsn(user=SUPERUSER, database="postgres"))
        await admin.execute("CREATE DATABASE bench")
        await admin.close()
        conn = await asyncpg.connect(cluster.dsn(user=SUPERUSER, database="bench"))
        try:
            await run(conn, experts, draws)
        finally:
            await conn.close()
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--draws", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.experts, args.draws))
