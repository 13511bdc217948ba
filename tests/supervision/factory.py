"""A small factory of the platform's rows that agency assessments and statistics read.

Real SQL against the real schema (S10_COMMON.md): a tender is inserted as a draft with
its lots, then given the published notice's columns the way publication does (the
content-frozen trigger allows that only from a draft); awards, amendments, failures,
upheld objections, overdue alerts, evaluation draws and expert services are inserted
with the columns their tables require. Nothing here fakes our queries: the features
under test read these rows with their own SQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import uuid
from uuid import UUID

import asyncpg

from accounts.model import Actor, Organisation, OrgKind, Role
from supervision.alerts.service import raise_alert
from tender.codec import evaluation_to_json
from tests.accounts.factory import actor_for, make_organisation, make_user, new_credit_code
from tests.tender.kit import lowest_price

_codes = itertools.count(1)
# A valid evaluation method (tender/codec.py), so the platform's jobs read these lots.
LOWEST_PRICE = json.dumps(evaluation_to_json(lowest_price()))
CHINA = dt.timezone(dt.timedelta(hours=8))


def cst(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """A Beijing-time instant (whole seconds, as the tender's deadline wants)."""
    return dt.datetime(year, month, day, hour, tzinfo=CHINA)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class People:
    """The organisations and actors of agency and statistics tests."""

    centre: Organisation
    agency: Organisation
    other_agency: Organisation
    tenderer: Organisation  # registered in 郎溪县 (341821)
    county_tenderer: Organisation  # registered in 宁国市 (341881)
    department: Organisation
    other_department: Organisation
    bidder: Organisation
    staff: Actor
    supervisor: Actor
    other_supervisor: Actor
    agent: Actor
    bidder_user: Actor


async def make_people(conn: asyncpg.Connection, *, password: str | None = None) -> People:
    """Organisations and users through the accounts service (as the console)."""
    org = make_organisation
    centre = await org(conn, OrgKind.CITY_CENTRE, name="宣城市公共资源交易中心")
    agency = await org(conn, OrgKind.AGENCY, name="皖南招标代理有限公司")
    other_agency = await org(conn, OrgKind.AGENCY, name="宣州项目管理有限公司")
    tenderer = await org(conn, OrgKind.TENDERER, name="郎溪县交通局", region="341821")
    county = await org(conn, OrgKind.TENDERER, name="宁国市水利局", region="341881")
    department = await org(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市住建局")
    other_department = await org(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市水利局")
    bidder = await org(conn, OrgKind.BIDDER, name="投标人甲")

    async def actor(of: Organisation, role: Role, scope: Organisation | None = None) -> Actor:
        user = await make_user(conn, of, role, scope=scope, password=password)
        return await actor_for(conn, user)

    return People(
        centre=centre, agency=agency, other_agency=other_agency, tenderer=tenderer,
        county_tenderer=county, department=department, other_department=other_department,
        bidder=bidder,
        staff=await actor(centre, Role.CENTRE_STAFF),
        supervisor=await actor(department, Role.SUPERVISOR, department),
        other_supervisor=await actor(other_department, Role.SUPERVISOR, other_department),
        agent=await actor(agency, Role.AGENCY),
        bidder_user=await actor(bidder, Role.BIDDER),
    )  # fmt: skip


INSERT_DRAFT = """
INSERT INTO tenders (agency_id, tenderer_id, department_id, created_by, title, category, procedure)
VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING id
"""
INSERT_LOT = """
INSERT INTO tender_lots (tender_id, number, title, estimated_price_fen, price_ceiling_fen,
    bond_fen, evaluation)
VALUES ($1, '1', '标段1', $2, $2, 0, $3::jsonb) RETURNING id
"""
PUBLISH = """
UPDATE tenders SET status = $2, code = $3, published_at = $4::timestamptz, policies = '{}',
    documents_from = $4::timestamptz, documents_until = $4::timestamptz + interval '20 days',
    clarification_cutoff = $4::timestamptz + interval '5 days',
    deadline = $4::timestamptz + interval '20 days'
WHERE id = $1
"""


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Made:
    """A tender made by the factory, with its one lot."""

    id: UUID
    lot_id: UUID


async def a_tender(
    conn: asyncpg.Connection, people: People, *, published_at: dt.datetime,
    agency: Organisation | None = None, tenderer: Organisation | None = None,
    department: Organisation | None = None, category: str = "works",
    estimate_fen: int = 1_000_000_00, status: str = "published", title: str = "道路改造工程",
) -> Made:  # fmt: skip
    """A published tender of one lot (its status as given)."""
    tender_id = await conn.fetchval(
        INSERT_DRAFT, (agency or people.agency).id, (tenderer or people.tenderer).id,
        (department or people.department).id, people.staff.user_id, title, category,
    )  # fmt: skip
    lot_id = await conn.fetchval(INSERT_LOT, tender_id, estimate_fen, LOWEST_PRICE)
    kind = {"works": "GC", "goods": "HW", "services": "FW"}[category]
    code = f"XC-{published_at.year}-{kind}-{next(_codes) + 900000:06d}"
    await conn.execute(PUBLISH, tender_id, status, code, published_at.replace(microsecond=0))
    return Made(id=tender_id, lot_id=lot_id)


async def award(
    conn: asyncpg.Connection, people: People, made: Made, *, price_fen: int,
    decided_at: dt.datetime,
) -> None:  # fmt: skip
    """The lot's current award to ``people.bidder`` at ``price_fen``."""
    bid_id = await conn.fetchval(
        "INSERT INTO bids (tender_id, lot_id, bidder_id, status, version, bidder_salt)"
        " VALUES ($1, $2, $3, 'submitted', 1, $4) RETURNING id",
        made.id, made.lot_id, people.bidder.id, os.urandom(32),
    )  # fmt: skip
    await conn.execute(
        "INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank,"
        " price_fen, reason, decided_at, decided_by, current)"
        " VALUES ($1, '1', 1, 'award', $2, $3, 1, $4, '排名第一', $5, $6, true)",
        made.id, bid_id, people.bidder.id, price_fen, decided_at, people.staff.user_id,
    )  # fmt: skip


async def amendment(conn: asyncpg.Connection, people: People, made: Made, at: dt.datetime) -> None:
    """An amendment (修改) of the tender documents."""
    number = await conn.fetchval(
        "SELECT coalesce(max(number), 0) + 1 FROM tender_clarifications WHERE tender_id = $1",
        made.id,
    )
    await conn.execute(
        "INSERT INTO tender_clarifications (tender_id, number, kind, title, body, issued_by,"
        " issued_at, deadline_before, deadline_after)"
        " VALUES ($1, $2, 'amendment', '修改', '修改内容', $3, $4, $4, $4)",
        made.id, number, people.agent.user_id, at,
    )  # fmt: skip


async def failed(conn: asyncpg.Connection, made: Made, at: dt.datetime) -> None:
    """The tender failed: too few bids (Reg. 44)."""
    await conn.execute(
        "INSERT INTO tender_closures (tender_id, kind, cause, reason, body, sha256, published_at)"
        " VALUES ($1, 'failed', 'too_few_bids', '投标人少于3个', '{}', $2, $3)",
        made.id, "0" * 64, at,
    )  # fmt: skip


async def overdue_alert(conn: asyncpg.Connection, made: Made, kind: str, at: dt.datetime) -> None:
    """An alert raised at ``at`` (the assessment's facts count the *_overdue ones)."""
    async with conn.transaction():  # the alert and its log entry, together
        await raise_alert(
            conn, rule=kind, subject=f"{kind}:{at.isoformat()}", evidence={},
            tender_id=made.id, now=at,
        )  # fmt: skip


async def upheld_objection(
    conn: asyncpg.Connection, people: People, made: Made, at: dt.datetime
) -> None:
    """An objection to the candidates, answered as upheld (Reg. 54)."""
    await conn.execute(
        "INSERT INTO candidate_objections (tender_id, lot, organisation_id, filed_by, text,"
        " statement, signature, cert_sha256, filed_at, answer_due, answer, answer_statement,"
        " answer_signature, answer_cert_sha256, answered_at, answered_by, upheld)"
        " VALUES ($1, '1', $2, $3, '异议', '\\x00', '\\x00', $4, $5::timestamptz,"
        " $5::timestamptz + interval '3 days',"
        " '成立', '\\x00', '\\x00', $4, $5::timestamptz + interval '1 day', $6, true)",
        made.id, people.bidder.id, people.bidder_user.user_id, "a" * 64,
        at - dt.timedelta(days=1), people.agent.user_id,
    )  # fmt: skip


async def a_venue(conn: asyncpg.Connection, venue_id: str, region: str) -> str:
    """An evaluation venue in ``region``."""
    await conn.execute(
        "INSERT INTO venues (id, name, region, seats) VALUES ($1, $2, $3, 20)",
        venue_id, f"评标室 {venue_id}", region,
    )  # fmt: skip
    return venue_id


async def evaluation_draw(
    conn: asyncpg.Connection, people: People, made: Made, *, starts: dt.datetime,
    venues: tuple[str, ...], department: Organisation | None = None,
) -> str:  # fmt: skip
    """A completed evaluation draw of the lot with its drawn venues."""
    draw_id = f"d{next(_codes)}"
    code = new_credit_code()
    department = department or people.department
    await conn.execute(
        "INSERT INTO draws (id, tender_id, lot, purpose, project_id, agency_id, department_id,"
        " tenderer, agency_code, department_code, session_start, session_end, categories,"
        " entropy_roles, policy, status, requested_by, platform_seed, transcript)"
        " VALUES ($1, $2, '1', 'evaluation', $2, $3, $4, $5, $5, $5, $6::timestamptz,"
        " $6::timestamptz + interval '4 hours',"
        " '[]', ARRAY['supervisor'], '{}', 'complete', $7, $8, '{}')",
        draw_id, str(made.id).replace("-", ""), people.agency.id, department.id, code,
        starts, people.staff.user_id, os.urandom(32),
    )  # fmt: skip
    for i, venue in enumerate(venues):
        await conn.execute(
            "INSERT INTO draw_venues (draw_id, venue_id, label, r, i)"
            " VALUES ($1, $2, 'venue', 0, $3)",
            draw_id, venue, i,
        )  # fmt: skip
    return draw_id


async def expert_service(
    conn: asyncpg.Connection, expert_id: str, region: str, served_on: dt.date, draw_id: str
) -> None:
    """An expert of ``region`` who served on the committee of ``draw_id`` on ``served_on``."""
    exists = await conn.fetchval("SELECT 1 FROM experts WHERE id = $1", expert_id)
    if not exists:
        await conn.execute(
            "INSERT INTO experts (id, name, id_card_digest, id_card_last4, phone, title,"
            " years_of_practice, birth_date, region, employer_credit_code)"
            " VALUES ($1, $2, $3, '1234', '13800000000', 'senior', 10, '1970-01-01', $4, $5)",
            expert_id, f"专家{expert_id}", os.urandom(32).hex(), region, new_credit_code(),
        )  # fmt: skip
    await conn.execute(
        "INSERT INTO expert_services (expert_id, draw_id, tenderer, served_on)"
        " VALUES ($1, $2, $3, $4)",
        expert_id, draw_id, new_credit_code(), served_on,
    )  # fmt: skip


async def decided_complaint(
    conn: asyncpg.Connection, people: People, made: Made, *, decision: str,
    decided_at: dt.datetime,
) -> None:  # fmt: skip
    """A complaint of another matter (Reg. 60) by ``people.bidder`` against the tender,
    decided (0078's columns; its signed filing and steps are the complaints tests')."""
    filed = decided_at - dt.timedelta(days=20)
    await conn.execute(
        "INSERT INTO complaints (tender_id, department_id, complainant_id, matter, known_on,"
        " text, statement, signature, cert_sha256, filed_by, filed_at, filing_due, late,"
        " status, decision, accepted_at, decided_at)"
        " VALUES ($1, $2, $3, 'other', $4, '投诉', $11, '\\x30', $5, $6, $7, $8, false,"
        " 'decided', $9, $7, $10)",
        made.id, people.department.id, people.bidder.id, filed.date(), "0" * 64,
        people.bidder_user.user_id, filed, filed + dt.timedelta(days=1), decision, decided_at,
        f'{{"complaint":"{uuid.uuid4()}"}}'.encode(),  # each statement its own (0078)
    )  # fmt: skip
