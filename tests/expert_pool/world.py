"""A small world for database tests of the pool: organisations, people, experts, draws.

Everything is built through the real services (accounts and expert_pool); certificates
come from the demo CA of tests/signing/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from accounts.model import Actor, Organisation, OrgKind, Role, User
from audit import service as audit
from expert_pool.answers import queries as queries_members
from expert_pool.answers import service as service_answers
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawSpec, Purpose, StoredDraw, seated_experts
from expert_pool.experts import service as service_experts
from expert_pool.id_card import check_character
from expert_pool.pools import service as service_pools
from expert_pool.requests import service as service_draws
from expert_pool.rounds import service as service_rounds
from signing.certs import Identity, dump_pem_certificate
from signing.demo_ca import DemoCA, issue_identity
from signing.draw.response import Decision, DrawResponse
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category
from signing.log.checkpoint import generate_private_key
from signing.log.note import Ed25519Signer
from tender.service import create_draft
from tests.accounts.factory import (
    PASSWORD,
    actor_for,
    make_organisation,
    make_user,
    new_credit_code,
)
from tests.tender.kit import a_draft, a_lot

ID_CARD_KEY = b"k" * 32
_serial = itertools.count(1)
_cards = itertools.count(1)
_rng = random.Random(5)
LOCAL = "341802"  # 宣州区, home city
REMOTE = "340100"  # 合肥市


def id_card_number(born: dt.date, region: str = "341802") -> str:
    """A valid GB 11643-1999 number born on `born`."""
    body = f"{region}{born:%Y%m%d}{next(_cards) % 900 + 100}"
    return body + check_character(body)


# The log's checkpoint signer of the service tests (the app has its own identity).
_SIGNER = Ed25519Signer(name="etender.test/log", private_key=generate_private_key())
TEST_LOG = audit.LogIdentity(origin=_SIGNER.name, signer=_SIGNER)


async def sign_checkpoint(conn: asyncpg.Connection, log: audit.LogIdentity = TEST_LOG) -> None:
    """What the checkpoint job does, driven directly: no test waits for the clock."""
    async with conn.transaction():
        await audit.sign_new_checkpoint(conn, log)


async def contribute(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    r: int,
    entropy: str,
    *,
    log: audit.LogIdentity = TEST_LOG,
) -> StoredDraw:
    """A contributor's client: a checkpoint fixes the commit, then the entropy names it."""
    await sign_checkpoint(conn, log)
    draw = await service_common.get_draw(conn, draw_id)
    size = await conn.fetchval("SELECT max(size) FROM log_checkpoints")
    fixed = service_rounds.FixedCommit(
        commit_hash=draw.transcript.commit_hash if draw.transcript else "0" * 64,
        checkpoint_size=size,
    )
    return await service_rounds.contribute_entropy(conn, actor, draw_id, r, entropy, fixed=fixed)


def fresh_entropy() -> str:
    """128 bits of lowercase hex, as a contributor's own client makes them."""
    return f"{_rng.getrandbits(128):032x}"


@dataclass
class World:
    """Organisations and actors of one test database."""

    conn: asyncpg.Connection
    ca: DemoCA
    centre: Organisation
    agency: Organisation
    department: Organisation
    other_department: Organisation
    bidder_org: Organisation
    tenderer_code: str
    admin: Actor
    centre_staff: Actor
    agency_actor: Actor
    supervisor: Actor
    other_supervisor: Actor
    bidder: Actor
    identities: dict[str, Identity] = field(default_factory=dict)
    expert_users: dict[str, User] = field(default_factory=dict)
    tenderer_org: Organisation | None = None

    async def actor(self, user: User) -> Actor:
        """The actor of a user, roles read from the database."""
        return await actor_for(self.conn, user)


async def make_world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    """The city centre, an agency, two industry departments, a bidder and their people."""
    centre = await make_organisation(conn, OrgKind.CITY_CENTRE)
    agency = await make_organisation(conn, OrgKind.AGENCY)
    department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
    other = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
    bidder_org = await make_organisation(conn, OrgKind.BIDDER)
    tenderer = await make_organisation(conn, OrgKind.TENDERER)
    users = {
        "admin": await make_user(conn, centre, Role.SYSTEM_ADMIN),
        "centre": await make_user(conn, centre, Role.CENTRE_STAFF),
        "agency": await make_user(conn, agency, Role.AGENCY),
        "supervisor": await make_user(conn, department, Role.SUPERVISOR, scope=department),
        "other": await make_user(conn, other, Role.SUPERVISOR, scope=other),
        "bidder": await make_user(conn, bidder_org, Role.BIDDER),
    }
    actors = {k: await actor_for(conn, u) for k, u in users.items()}
    return World(
        conn=conn,
        ca=ca,
        centre=centre,
        agency=agency,
        department=department,
        other_department=other,
        bidder_org=bidder_org,
        tenderer_code=tenderer.credit_code,
        tenderer_org=tenderer,
        admin=actors["admin"],
        centre_staff=actors["centre"],
        agency_actor=actors["agency"],
        supervisor=actors["supervisor"],
        other_supervisor=actors["other"],
        bidder=actors["bidder"],
    )


CSV_HEADER = (
    "id,name,id_card,phone,specialties,title,years_of_practice,birth_date,region,"
    "employer_credit_code\n"
)


def expert_row(expert_id: str, specialty: str, region: str, *, employer: str = "") -> str:
    """One CSV row of an eligible senior expert."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=next(_serial) * 7 % 4000)
    card = id_card_number(born)
    code = employer or new_credit_code()
    return (
        f"{expert_id},专家{expert_id},{card},1380000{next(_serial) % 10000:04d},{specialty},"
        f"senior,15,{born.isoformat()},{region},{code}\n"
    )


async def add_experts(
    world: World,
    ids: Sequence[str],
    *,
    specialty: str = "A08",
    region: str = LOCAL,
    accounts: bool = False,
    passwords: bool = False,
) -> None:
    """Import experts by CSV; with `accounts`, each gets a user, a certificate, a link.

    Service tests build actors directly; only HTTP tests log in, and need `passwords`
    (scrypt hashing is the slow part of making a user).
    """
    csv = CSV_HEADER + "".join(expert_row(x, specialty, region) for x in ids)
    await service_experts.import_experts(
        world.conn, world.admin, csv.encode(), id_card_key=ID_CARD_KEY
    )
    if accounts:
        for expert_id in ids:
            await give_account(world, expert_id, password=PASSWORD if passwords else None)


async def give_account(world: World, expert_id: str, *, password: str | None = None) -> User:
    """A user with the expert role, linked to the profile, with a registered certificate."""
    user = await make_user(world.conn, world.centre, Role.EXPERT, password=password)
    await service_experts.link_account(world.conn, world.admin, expert_id, user.id)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    identity = issue_identity(world.ca, name=f"专家{expert_id}", now=now)
    pem = dump_pem_certificate(identity.certificate)
    await service_experts.register_certificate(world.conn, world.admin, expert_id, pem)
    world.identities[expert_id] = identity
    world.expert_users[expert_id] = user
    return user


async def new_tender(world: World, lots: int = 1) -> str:
    """A draft tender of the world's agency (a draw names a real tender lot, issue 9 #4)."""
    assert world.tenderer_org is not None
    draft = a_draft(
        tenderer_id=world.tenderer_org.id,
        department_id=world.department.id,
        lots=tuple(a_lot(str(n)) for n in range(1, lots + 1)),
    )
    tender = await create_draft(world.conn, world.agency_actor, draft)
    return str(tender.id)


def spec(
    categories: Sequence[tuple[str, int]],
    *,
    start_in: dt.timedelta = dt.timedelta(days=2),
    representatives: int = 0,
    roles: Sequence[ContributorRole] = (ContributorRole.SUPERVISOR,),
) -> DrawSpec:
    """A session `start_in` from now, lasting four hours."""
    start = dt.datetime.now(dt.UTC) + start_in
    return DrawSpec(
        session_start=start,
        session_end=start + dt.timedelta(hours=4),
        categories=tuple(Category(label=label, count=n) for label, n in categories),
        representatives=representatives,
        entropy_roles=tuple(roles),
    )


def request(
    world: World,
    draw_spec: DrawSpec,
    *,
    tender: str | None = None,
    bidders: Sequence[str] = (),
    principals: Sequence[str] = (),
) -> service_draws.DrawRequestInput:
    """A draw request of the world's agency, supervised by the world's department."""
    return service_draws.DrawRequestInput(
        tender_id=tender or f"T-{next(_serial)}",
        lot="1",
        purpose=Purpose.EVALUATION,
        project_id=f"P-{next(_serial)}",
        agency_id=world.agency.id,
        department_id=world.department.id,
        tenderer=world.tenderer_code,
        bidders=tuple(bidders),
        bidder_principals=tuple(principals),
        spec=draw_spec,
    )


async def committed_draw(
    world: World,
    categories: Sequence[tuple[str, int]],
    *,
    tender: str | None = None,
    roles: Sequence[ContributorRole] = (ContributorRole.SUPERVISOR,),
) -> StoredDraw:
    """A draw requested, prepared and committed (no entropy yet)."""
    tender = tender or await new_tender(world)
    draw_request = request(world, spec(categories, roles=roles), tender=tender)
    draw = await service_draws.request_draw(world.conn, world.agency_actor, draw_request)
    await service_pools.prepare_draw(world.conn, world.centre_staff, draw.id)
    await service_draws.commit_draw(world.conn, world.centre_staff, draw.id)
    return await service_common.get_draw(world.conn, draw.id)


def signed(world: World, draw_id: str, expert_id: str, decision: Decision) -> tuple[bytes, bytes]:
    """The expert's own client: the statement and its CMS signature."""
    statement = DrawResponse(
        draw_id=draw_id,
        expert_id=expert_id,
        decision=decision,
        issued_at=dt.datetime.now(dt.UTC),
        reason="另有安排" if decision is Decision.DECLINE else "",
    )
    identity = world.identities[expert_id]
    return statement.to_bytes(), statement.sign(identity.certificate, identity.key, identity.chain)


async def answer(
    world: World, draw_id: str, expert_id: str, decision: Decision, *, address: str | None = None
) -> None:
    """The drawn expert answers through the service, signed with its certificate."""
    body, signature = signed(world, draw_id, expert_id, decision)
    user = world.expert_users[expert_id]
    actor = await (world.actor(user) if address is None else actor_for(world.conn, user, address))
    await service_answers.respond(
        world.conn, actor, draw_id, body, signature, trust=world.ca.trust_store()
    )


async def seated(world: World, draw_id: str) -> list[str]:
    """Experts currently holding a seat, in draw order."""
    draw = await service_common.get_draw(world.conn, draw_id)
    assert draw.transcript is not None
    return list(seated_experts(draw.transcript))


async def pending(world: World, draw_id: str) -> list[str]:
    """Seated experts who have not answered yet."""
    members = {m.expert_id: m for m in await queries_members.members(world.conn, draw_id)}
    return [x for x in await seated(world, draw_id) if members[x].status == "notified"]


async def log_kinds(conn: asyncpg.Connection) -> list[str]:
    """Kinds of every log entry, oldest first (the queued ones integrated first, §2.2)."""
    await audit.integrate(conn)
    return [r["kind"] for r in await conn.fetch("SELECT kind FROM log_entries ORDER BY idx")]
