"""Demo data of the expert pool: profiles for the 30 demo experts, a venue catalogue,
and one completed draw with declines and two replacement rounds.

Call it after web/accounts/demo.py created its users, in the same transaction if you like (the
services' own transactions become savepoints)::

    from web.expert_pool.demo import load_demo
    result = await load_demo(conn, id_card_key=key, ca=demo_ca, log=log_identity)

Everything goes through the services, so every step has its log entry, and the draw
verifies with ``etender draw verify`` like any other. DEMO ONLY: the loader plays the
supervisor's own client (its entropy comes from this machine's CSPRNG, as
``etender draw entropy`` would give it) and the experts' clients (it holds their demo
keys to sign their answers); `DemoPoolResult.identities` hands those keys over so the
demo's command-line users can sign with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import secrets
from collections.abc import Mapping, Sequence
from uuid import UUID

import asyncpg

from accounts.model import Actor, Organisation, Role, User
from accounts.organisations import service as organisations
from accounts.users import service as users
from audit import service as audit
from audit.service import LogIdentity
from expert_pool.answers import queries as queries_members
from expert_pool.answers import service as service_answers
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawSpec, MemberStatus, Purpose, seated_experts
from expert_pool.experts import queries as queries_experts
from expert_pool.experts import service as service_experts
from expert_pool.id_card import check_character
from expert_pool.pools import service as service_pools
from expert_pool.requests import service as service_draws
from expert_pool.rounds import service as service_rounds
from expert_pool.venues import service as service_venues
from expert_pool.venues.model import Venue
from expert_pool.views import service as service_views
from signing.certs import Identity, dump_pem_certificate
from signing.demo_ca import DemoCA, issue_identity
from signing.draw.response import Decision, DrawResponse
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category, Transcript
from tender import service as tender_service
from tender.model import Category as TenderCategory
from tender.model import Evaluation, EvaluationMethod, Lot, Procedure, TenderDraft

SEED = "etender-demo-expert-pool-v1"
OTHER_CITIES = ("340100", "340200", "340500", "341000", "340800")
CATEGORIES = (("A08@local", 3), ("C01@remote", 2), ("venue@remote", 1))
VENUES = (
    ("V-XC-MAIN", "宣城市公共资源交易中心评标室", "341802", 12),
    ("V-HF-01", "合肥市公共资源交易中心远程评标室", "340100", 9),
    ("V-WH-01", "芜湖市公共资源交易中心远程评标室", "340200", 9),
    ("V-MAS-01", "马鞍山市公共资源交易中心远程评标室", "340500", 7),
    ("V-HS-01", "黄山市公共资源交易中心远程评标室", "341000", 7),
    ("V-AQ-01", "安庆市公共资源交易中心远程评标室", "340800", 7),
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoPoolResult:
    """What the pool's demo created."""

    experts: tuple[str, ...]
    venues: tuple[str, ...]
    draw_id: str
    transcript: Transcript
    identities: Mapping[str, Identity] = dataclasses.field(repr=False)


async def _actor(conn: asyncpg.Connection, username: str) -> Actor:
    user = await users.user_by_username(conn, username)
    grants = await users.user_roles(conn, user.id)
    return Actor(
        user_id=user.id,
        organisation_id=user.organisation_id,
        username=user.username,
        display_name=user.display_name,
        grants=frozenset(grants),
    )


def _id_card(rng: random.Random, born: dt.date, region: str) -> str:
    body = f"{region}{born:%Y%m%d}{rng.randrange(100, 999)}"
    return body + check_character(body)


def _fields(n: int, user: User, employer: str, rng: random.Random) -> dict[str, str]:
    """Experts 1-12 construction (local), 13-20 cost engineering (local), 21-30 remote."""
    local = n <= 20
    region = "341802" if local else OTHER_CITIES[n % len(OTHER_CITIES)]
    specialty = "A08" if n <= 12 else ("A06" if local else "C01")
    born = dt.date(1962 + n % 20, 1 + n % 12, 1 + n % 27)
    return {
        "id": f"E{n:03d}",
        "name": user.display_name,
        "id_card": _id_card(rng, born, "341802"),
        "phone": f"139{rng.randrange(10**8):08d}",
        "specialties": specialty,
        "title": "full_senior" if n % 3 == 0 else "senior",
        "years_of_practice": str(10 + n % 20),
        "birth_date": born.isoformat(),
        "region": region,
        "employer_credit_code": employer,
    }


async def _experts(
    conn: asyncpg.Connection,
    manager: Actor,
    ca: DemoCA,
    id_card_key: bytes,
    now: dt.datetime,
    count: int,
) -> dict[str, Identity]:
    rng = random.Random(SEED)  # noqa: S311 (demo identifiers, not secrets)
    identities: dict[str, Identity] = {}
    for n in range(1, count + 1):
        user = await users.user_by_username(conn, f"expert{n:02d}")
        employer = (await organisations.get_organisation(conn, user.organisation_id)).credit_code
        fields = _fields(n, user, employer, rng)
        await service_experts.create_expert(
            conn, manager, fields, id_card_key=id_card_key, user_id=user.id
        )
        identity = issue_identity(ca, name=user.display_name, now=now - dt.timedelta(hours=1))
        pem = dump_pem_certificate(identity.certificate)
        await service_experts.register_certificate(conn, manager, fields["id"], pem)
        identities[fields["id"]] = identity
    return identities


async def _venues(conn: asyncpg.Connection, centre: Actor) -> tuple[str, ...]:
    for venue_id, name, region, seats in VENUES:
        venue = Venue(id=venue_id, name=name, region=region, seats=seats)
        await service_venues.create_venue(conn, centre, venue)
    return tuple(v[0] for v in VENUES)


async def _answer(
    conn: asyncpg.Connection,
    draw_id: str,
    expert_id: str,
    decision: Decision,
    identities: Mapping[str, Identity],
    ca: DemoCA,
) -> None:
    """The expert's own client: sign the answer with the expert's demo key, send it."""
    profile = await queries_experts.expert(conn, expert_id)
    assert profile is not None
    assert profile.user_id is not None
    actor = await _actor(conn, (await users.get_user(conn, profile.user_id)).username)
    statement = DrawResponse(
        draw_id=draw_id,
        expert_id=expert_id,
        decision=decision,
        issued_at=dt.datetime.now(dt.UTC),
        reason="时间冲突" if decision is Decision.DECLINE else "",
    )
    identity = identities[expert_id]
    signature = statement.sign(identity.certificate, identity.key, identity.chain)
    await service_answers.respond(
        conn, actor, draw_id, statement.to_bytes(), signature, trust=ca.trust_store()
    )


async def _tender(conn: asyncpg.Connection, agency: Actor, department: UUID, tenderer: UUID) -> str:
    """A draft tender of the demo agency: a draw belongs to a real tender lot."""
    draft = TenderDraft(
        title="宣城市城南道路改造工程（专家抽取演示）",
        category=TenderCategory.WORKS,
        procedure=Procedure.OPEN,
        tenderer_id=tenderer,
        department_id=department,
        lots=(
            Lot(
                number="1",
                title="第1标段",
                estimated_price_fen=500_000_000,
                price_ceiling_fen=480_000_000,
                bond_fen=10_000_000,
                evaluation=Evaluation(method=EvaluationMethod.LOWEST_PRICE),
            ),
        ),
    )
    return str((await tender_service.create_draft(conn, agency, draft)).id)


async def _request(
    conn: asyncpg.Connection,
    agency: Actor,
    supervisor: Actor,
    tenderer: Organisation,
    now: dt.datetime,
) -> str:
    start = (now + dt.timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    department = next(g.scope_id for g in supervisor.grants if g.role is Role.SUPERVISOR)
    assert department is not None
    spec = DrawSpec(
        session_start=start,  # 09:00 Beijing time
        session_end=start + dt.timedelta(hours=8),
        categories=tuple(Category(label=label, count=n) for label, n in CATEGORIES),
        entropy_roles=(ContributorRole.SUPERVISOR,),
    )
    tender = await _tender(conn, agency, department, tenderer.id)
    draw = await service_draws.request_draw(
        conn,
        agency,
        service_draws.DrawRequestInput(
            tender_id=tender,
            lot="1",
            purpose=Purpose.EVALUATION,
            project_id="XCP-DEMO-001",
            agency_id=agency.organisation_id,
            department_id=department,
            tenderer=tenderer.credit_code,
            spec=spec,
        ),
    )
    return draw.id


async def _seated_now(conn: asyncpg.Connection, draw_id: str) -> list[str]:
    draw = await service_common.get_draw(conn, draw_id)
    assert draw.transcript is not None
    return list(seated_experts(draw.transcript))


async def _contribute(
    conn: asyncpg.Connection, supervisor: Actor, draw_id: str, r: int, log: LogIdentity
) -> None:
    """The supervisor's client: a checkpoint covers the commit, then entropy names both.

    The demo signs the checkpoint itself (the server's job would, a moment later).
    """
    async with conn.transaction():
        await audit.sign_new_checkpoint(conn, log)
    proof = await service_views.commit_proof(conn, supervisor, draw_id, log.signer.verifier())
    fixed = service_rounds.FixedCommit(
        commit_hash=proof.commit_hash, checkpoint_size=proof.checkpoint_size
    )
    entropy = secrets.token_hex(32)
    await service_rounds.contribute_entropy(conn, supervisor, draw_id, r, entropy, fixed=fixed)


async def _run_draw(
    conn: asyncpg.Connection,
    actors: Mapping[str, Actor],
    tenderer: Organisation,
    identities: Mapping[str, Identity],
    ca: DemoCA,
    now: dt.datetime,
    log: LogIdentity,
) -> str:
    """Round 0, two declines, round 1, one decline, round 2, then everyone confirms."""
    supervisor, centre = actors["supervisor"], actors["centre"]
    draw_id = await _request(conn, actors["agency"], supervisor, tenderer, now)
    await service_pools.prepare_draw(conn, centre, draw_id)
    await service_draws.commit_draw(conn, centre, draw_id)
    await _contribute(conn, supervisor, draw_id, 0, log)
    first = await _seated_now(conn, draw_id)
    for expert_id in (first[0], first[3]):
        await _answer(conn, draw_id, expert_id, Decision.DECLINE, identities, ca)
    await _contribute(conn, supervisor, draw_id, 1, log)
    newcomer = next(x for x in await _seated_now(conn, draw_id) if x not in first)
    await _answer(conn, draw_id, newcomer, Decision.DECLINE, identities, ca)
    await _contribute(conn, supervisor, draw_id, 2, log)
    for expert_id in await _seated_now(conn, draw_id):
        member = await queries_members.member(conn, draw_id, expert_id)
        if member is not None and member.status is MemberStatus.NOTIFIED:
            await _answer(conn, draw_id, expert_id, Decision.CONFIRM, identities, ca)
    return draw_id


async def load_demo(
    conn: asyncpg.Connection,
    *,
    id_card_key: bytes,
    ca: DemoCA,
    log: LogIdentity,
    experts: int = 30,
    usernames: Sequence[str] = ("supervisor1", "centre.staff", "agency", "tenderer"),
) -> DemoPoolResult:
    """Profiles for the demo's expert users, the venues, and one completed draw."""
    now = dt.datetime.now(dt.UTC)
    names = dict(zip(("supervisor", "centre", "agency", "tenderer"), usernames, strict=True))
    actors = {key: await _actor(conn, name) for key, name in names.items()}
    tenderer = await organisations.get_organisation(conn, actors["tenderer"].organisation_id)
    identities = await _experts(conn, actors["supervisor"], ca, id_card_key, now, experts)
    venues = await _venues(conn, actors["centre"])
    draw_id = await _run_draw(conn, actors, tenderer, identities, ca, now, log)
    transcript = await service_views.transcript(conn, actors["supervisor"], draw_id)
    return DemoPoolResult(
        experts=tuple(identities),
        venues=venues,
        draw_id=draw_id,
        transcript=transcript,
        identities=identities,
    )
