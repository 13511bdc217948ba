"""A small log for the audit administrator's pages: users of each role, entries about
two tenders on both sides of a Beijing midnight, one undecodable leaf, a signed
checkpoint, a registered witness that cosigned it and one whose stored line is forged.

Everything goes through the real store (audit.service, the log_store_cosignature
function of migration 0056) on the real schema.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import asyncpg
import httpx
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from audit import queries, service
from signing.log.checkpoint import Checkpoint, Cosigner, generate_private_key
from signing.log.entry import Actor, LogEntry, Subject
from tests.accounts.factory import PASSWORD, make_organisation, make_user
from web.services import services

TENDER_A = "0b9d7f52-5a7e-4d53-9a53-3f0f9f7b0a01"
TENDER_B = "0b9d7f52-5a7e-4d53-9a53-3f0f9f7b0a02"
# 2026-03-01 23:59:59 and 2026-03-02 00:00:00 Beijing time.
LATE = datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 1, 16, 0, 0, tzinfo=UTC)
STAFF = Actor(user_id="u-staff-1", role="centre_staff")
ROLE_ORGS = {
    Role.AUDIT_ADMIN: OrgKind.CITY_CENTRE,
    Role.WITNESS: OrgKind.OTHER,
    Role.SUPERVISOR: OrgKind.INDUSTRY_DEPARTMENT,
    Role.SYSTEM_ADMIN: OrgKind.CITY_CENTRE,
    Role.SECURITY_ADMIN: OrgKind.CITY_CENTRE,
    Role.BIDDER: OrgKind.BIDDER,
}
HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ROW = re.compile(r'<tr data-index="(\d+)">')


@dataclasses.dataclass(frozen=True, kw_only=True)
class LogWorld:
    published_a: int  # tender.published of TENDER_A, 23:59:59 Beijing
    opened_b: int  # an opening record naming TENDER_B in data, 00:00 Beijing next day
    undecodable: int
    checkpoint_size: int
    witness: str
    forger: str


def published(tender: str, when: datetime) -> LogEntry:
    return LogEntry(
        kind="tender.published", time=when, actor=STAFF, address="192.0.2.10",
        subject=Subject(type="tender", id=tender), data={"code": "XC-2026-0001", "title": "道路"},
    )  # fmt: skip


def opened(tender: str, when: datetime) -> LogEntry:
    return LogEntry(
        kind="opening.record_signed", time=when, actor=STAFF, address="2001:db8::7",
        subject=Subject(type="lot", id="1"), data={"tender_id": tender, "lot": "1"},
    )  # fmt: skip


async def make_users(pool: asyncpg.Pool) -> dict[Role, str]:
    """One user per role, its username the role's name."""
    names = {}
    async with pool.acquire() as conn:
        for role, kind in ROLE_ORGS.items():
            org = await make_organisation(conn, kind)
            scope = org if role is Role.SUPERVISOR else None
            await make_user(conn, org, role, scope=scope, username=str(role))
            names[role] = str(role)
    return names


async def build(app: Starlette, pool: asyncpg.Pool) -> LogWorld:
    """The log of the module docstring (the users of :func:`make_users` come first)."""
    witness = Cosigner(name="county.example/witness", private_key=generate_private_key())
    forger = Cosigner(name="forged.example/witness", private_key=generate_private_key())
    identity = services(app).log_identity
    async with pool.acquire() as conn:
        async with conn.transaction():
            await service.add_witness(conn, witness.verifier().to_vkey())
            await service.add_witness(conn, forger.verifier().to_vkey())
        # An earlier checkpoint over a non-empty log: the world's next one has an older
        # one to prove consistency with over HTTP (from size 0 the proof is empty).
        await sign(conn, identity)
        async with conn.transaction():
            first = await service.append(conn, published(TENDER_A, LATE))
            second = await service.append(conn, opened(TENDER_B, MIDNIGHT))
            await service.append(conn, published(TENDER_B, MIDNIGHT))
            # A leaf that is not a canonical entry: the page says so (the store takes
            # any bytes through log_append; only the service checks entries).
            bad = await conn.fetchval("SELECT log_append($1::bytea[], $2::text[])",
                                      [b"not an entry"], ["test.raw"])  # fmt: skip
        size = await sign(conn, identity)
        checkpoint = Checkpoint(origin=identity.origin, size=size,
                                root_hash=await service.root_at(conn, size))  # fmt: skip
        line = witness.cosign(checkpoint, datetime.now(UTC)).to_line()
        await service.accept_cosignature(conn, size=size, line=line, log_identity=identity,
                                         now=datetime.now(UTC))  # fmt: skip
        # A stored line that does not verify (a signature over another size): store
        # damage the checkpoints page must show as NOT verified.
        other = Checkpoint(origin=identity.origin, size=size + 1, root_hash=bytes(32))
        forged = forger.cosign(other, datetime.now(UTC)).to_line()
        await conn.execute("SELECT log_store_cosignature($1, $2, $3)", size, forger.name, forged)
    return LogWorld(published_a=first, opened_b=second, undecodable=bad, checkpoint_size=size,
                    witness=witness.name, forger=forger.name)  # fmt: skip


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    """Log in through the login form (a cookie session, as a browser has)."""
    form = await client.get("/login")
    match = HIDDEN_CSRF.search(form.text)
    assert match is not None
    answer = await client.post(
        "/login", data={"csrf_token": match.group(1), "username": username, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.text


async def grow_and_sign(app: Starlette, pool: asyncpg.Pool) -> int:
    """One more entry and a checkpoint over it that no witness cosigned: its size."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            await service.append(conn, published(TENDER_A, MIDNIGHT))
        return await sign(conn, services(app).log_identity)


async def sign(conn: asyncpg.Connection, identity: service.LogIdentity) -> int:
    """A checkpoint over the whole log: ours, or the one the app's checkpoint job
    (every second) signed first."""
    async with conn.transaction():
        await service.sign_new_checkpoint(conn, identity)
    latest = await queries.latest_checkpoint(conn)
    assert latest is not None
    return latest.size
