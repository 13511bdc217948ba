"""A small world for the tender service and HTTP tests: organisations, people, a CA,
fast policies, and helpers that take a tender from draft to published.

Periods are shortened through policies (seconds and hours), never by faking clocks;
dates are taken from the database clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.serialization import Encoding

from accounts.keys import queries as key_queries
from accounts.model import Actor, Organisation, OrgKind, Role, User
from signing.age import X25519Identity
from signing.certs import Identity, cert_sha256, dump_pem_certificate, subject_name
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from signing.log.entry import LogEntry
from signing.statements.recipient import RecipientStatement
from tender import queries, service
from tender.calendar import load_calendar
from tender.committee import service as committee
from tender.committee.service import OfficialInput
from tender.model import Tender, TenderDraft
from tender.policy import Policies
from tender.setup import Setup
from tests.accounts.factory import PASSWORD, actor_for, make_organisation, make_user
from tests.tender.kit import a_draft, a_lot, a_schedule

# Shortened periods: documents and bids in seconds, clarifications and objections an hour.
FAST = Policies().with_values(
    {
        "documents_window": "1s",
        "bid_period": "2s",
        "clarification_notice": "1h",
        "objection_notice": "1h",
        "objection_answer": "1h",
        "bond_refund": "1h",
        "opening_on_working_day": "false",
    }
)
# For tests that wait for the deadline: every period in seconds.
SOON = FAST.with_values(
    {"bid_period": "1s", "clarification_notice": "1s", "objection_notice": "1s"}
)
CALENDAR = load_calendar()


def live_ca() -> DemoCA:
    """A demo CA issued just now (its users are valid for two years from now)."""
    return create_demo_ca(now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Official:
    """An opening official: account, certificate and age identity."""

    user: User
    identity: Identity
    age: X25519Identity


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class World:
    """Everyone a tender involves, with their actors."""

    centre: Organisation
    agency_org: Organisation
    tenderer_org: Organisation
    department: Organisation
    bidder_orgs: tuple[Organisation, ...]
    other_agency_org: Organisation
    staff: Actor
    agency: Actor
    tenderer: Actor
    supervisor: Actor
    bidders: tuple[Actor, ...]
    # Each bidder user's signing certificate, registered on the platform (submit
    # statements are refused from a certificate the organisation never registered).
    bidder_identities: tuple[Identity, ...]
    other_agency: Actor
    officials: tuple[Official, ...]
    ca: DemoCA

    def setup(self, policies: Policies = FAST) -> Setup:
        """The use cases' setup: these policies, the shipped calendar, this CA."""
        return Setup(policies=policies, calendar=CALENDAR, trust=self.ca.trust_store())


async def register_certificate(conn: asyncpg.Connection, user_id: UUID, identity: Identity) -> None:
    """Register ``identity``'s certificate for the user (what POST /keys/certificate
    stores after its proof of possession; accounts/keys/service.py tests that proof)."""
    certificate = identity.certificate
    await key_queries.replace_certificate(
        conn,
        user_id,
        cert_sha256(certificate),
        certificate.public_bytes(Encoding.DER),
        subject_name(certificate),
    )


def bidder_identity(ca: DemoCA, org: Organisation, name: str) -> Identity:
    """A bidder's signing certificate carrying its organisation's credit code."""
    return issue_identity(
        ca, name=name, org_credit_code=org.credit_code,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )  # fmt: skip


async def make_official(
    conn: asyncpg.Connection, org: Organisation, ca: DemoCA, name: str
) -> Official:
    user = await make_user(conn, org, Role.OPENING_OFFICIAL, username=name)
    identity = issue_identity(ca, name=name, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    return Official(user=user, identity=identity, age=X25519Identity.generate())


async def build_world(conn: asyncpg.Connection, ca: DemoCA, *, passwords: bool = False) -> World:
    """Organisations and users through the accounts service (as the console).

    Users get the factory's password only when ``passwords`` (HTTP tests log in);
    scrypt is slow on purpose, and service tests need no login.
    """
    password = PASSWORD if passwords else None
    centre = await make_organisation(conn, OrgKind.CITY_CENTRE, name="宣城市公共资源交易中心")
    agency_org = await make_organisation(conn, OrgKind.AGENCY, name="皖南招标代理有限公司")
    other_agency_org = await make_organisation(conn, OrgKind.AGENCY, name="另一代理机构")
    tenderer_org = await make_organisation(conn, OrgKind.TENDERER, name="宣城市城市建设局")
    department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市住建局")
    bidder_orgs = tuple(
        [await make_organisation(conn, OrgKind.BIDDER, name=f"投标人{i}") for i in range(1, 4)]
    )
    staff = await make_user(conn, centre, Role.CENTRE_STAFF, username="staff", password=password)
    agency = await make_user(conn, agency_org, Role.AGENCY, username="agent", password=password)
    other = await make_user(
        conn, other_agency_org, Role.AGENCY, username="otheragent", password=password
    )
    tenderer = await make_user(
        conn, tenderer_org, Role.TENDERER, username="owner", password=password
    )
    supervisor = await make_user(
        conn,
        department,
        Role.SUPERVISOR,
        scope=department,
        username="supervisor",
        password=password,
    )
    bidders = [
        await make_user(conn, org, Role.BIDDER, username=f"bidder{i}", password=password)
        for i, org in enumerate(bidder_orgs, start=1)
    ]
    identities = [bidder_identity(ca, org, f"投标人{i}") for i, org in enumerate(bidder_orgs)]
    for user, identity in zip(bidders, identities, strict=True):
        await register_certificate(conn, user.id, identity)
    officials = (
        await make_official(conn, centre, ca, "official1"),
        await make_official(conn, department, ca, "official2"),
        await make_official(conn, centre, ca, "official3"),
    )
    return World(
        centre=centre,
        agency_org=agency_org,
        tenderer_org=tenderer_org,
        department=department,
        bidder_orgs=bidder_orgs,
        other_agency_org=other_agency_org,
        staff=await actor_for(conn, staff),
        agency=await actor_for(conn, agency),
        tenderer=await actor_for(conn, tenderer),
        supervisor=await actor_for(conn, supervisor),
        bidders=tuple([await actor_for(conn, b) for b in bidders]),
        bidder_identities=tuple(identities),
        other_agency=await actor_for(conn, other),
        officials=officials,
        ca=ca,
    )


def official_inputs(officials: tuple[Official, ...]) -> list[OfficialInput]:
    """What the centre submits for these officials (statements signed now)."""
    now = dt.datetime.now(dt.UTC)
    inputs = []
    for official in officials:
        recipient = official.age.recipient().encode()
        person = official.identity
        statement = RecipientStatement.for_certificate(recipient, person.certificate, now)
        inputs.append(
            OfficialInput(
                user_id=official.user.id,
                recipient=recipient,
                certificate_pem=dump_pem_certificate(person.certificate),
                statement=statement.sign(person.certificate, person.key, chain=person.chain),
            )
        )
    return inputs


async def fast_draft(
    conn: asyncpg.Connection,
    world: World,
    *,
    deadline_in: dt.timedelta = dt.timedelta(hours=3),
    cutoff_in: dt.timedelta | None = None,
    lots: int = 1,
) -> TenderDraft:
    """A draft whose dates come from the database clock and keep the FAST periods."""
    now = (await queries.database_now(conn)).replace(microsecond=0)
    deadline = now + deadline_in
    cutoff = now + cutoff_in if cutoff_in is not None else deadline - dt.timedelta(hours=2)
    schedule = a_schedule(
        documents_from=now - dt.timedelta(minutes=1),
        documents_until=deadline,
        clarification_cutoff=cutoff,
        deadline=deadline,
    )
    return a_draft(
        tenderer_id=world.tenderer_org.id,
        department_id=world.department.id,
        schedule=schedule,
        lots=tuple(a_lot(str(n)) for n in range(1, lots + 1)),
    )


async def appoint(conn: asyncpg.Connection, world: World, tender: Tender, lot: str = "1") -> None:
    """The centre appoints the three officials (k = 2) and the department approves."""
    roster = await committee.appoint_committee(
        conn,
        world.staff,
        tender.id,
        lot,
        k=2,
        officials=official_inputs(world.officials),
        setup=world.setup(),
    )
    await committee.approve_committee(
        conn, world.supervisor, tender.id, lot, roster_sha256=roster.sha256
    )


async def published_tender(
    conn: asyncpg.Connection, world: World, *, setup: Setup | None = None, **draft_args: object
) -> Tender:
    """A tender taken from draft to published, its committees approved."""
    draft = await fast_draft(conn, world, **draft_args)  # type: ignore[arg-type]
    tender = await service.create_draft(conn, world.agency, draft)
    for lot in draft.lots:
        await appoint(conn, world, tender, lot.number)
    return await service.publish(conn, world.agency, tender.id, setup or world.setup())


async def wait_until(conn: asyncpg.Connection, moment: dt.datetime) -> None:
    """Wait (really) until the database clock has passed ``moment``."""
    remaining = (moment - await queries.database_now(conn)).total_seconds()
    if remaining >= 0:
        await asyncio.sleep(remaining + 0.05)
    assert await queries.database_now(conn) > moment


async def entries(conn: asyncpg.Connection, kind: str) -> list[LogEntry]:
    """The log entries of one kind, oldest first."""
    rows = await conn.fetch("SELECT entry FROM log_entries WHERE kind = $1 ORDER BY idx", kind)
    return [LogEntry.from_bytes(row["entry"]) for row in rows]


async def chunks(data: bytes, size: int = 7) -> AsyncIterator[bytes]:
    """``data`` as an async stream of small chunks."""
    for start in range(0, len(data), size):
        yield data[start : start + size]
