"""The demo's procurement projects (issue 18, item 4): one per method, each at a stage
where a newcomer can act on it — competitive negotiation in its first round (two of
three invited suppliers quoted), request for quotations and competitive consultation
taking responses, single source in its publicity with one objection to answer.

Every step goes through the procurement use cases, as the agency's and the suppliers'
clients would. The projects are published before the stage tenders (web/demo/stages.py),
so the public home page's "newest tender at each stage" stays the stage tenders'. The
negotiation's responses are due at the stage tenders' shared deadline (its rounds begin
then, Decree 74 Art. 31): the demo waits for that deadline once, for all of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from uuid import UUID

import asyncpg

from accounts.model import Role
from procurement import service
from procurement.model import Group, Method, Plan
from procurement.negotiation import service as negotiation
from procurement.policy import ProcurementPolicies
from procurement.single_source import service as single_source
from tender.committee import service as committees
from tender.model import (
    Category,
    Criterion,
    Evaluation,
    EvaluationMethod,
    Lot,
    PriceFormula,
    PriceScore,
    Procedure,
    Schedule,
    TenderDraft,
)
from tender.queries import database_now
from web.evaluation.demo_opening import DEMO_POLICIES, Opener, actor

TITLES: Mapping[Method, str] = {
    Method.NEGOTIATION: "宣城市政务服务中心空调设备采购（竞争性谈判演示）",
    Method.QUOTATION: "宣城市第二中学教学用计算机采购（询价演示）",
    Method.CONSULTATION: "宣城市图书馆智能书架采购（竞争性磋商演示）",
    Method.SINGLE_SOURCE: "宣城市档案馆档案管理系统升级（单一来源演示）",
}
INVITED = ("bidder1", "bidder2", "bidder3")  # MIN_SUPPLIERS (3) of the five demo bidders
SINGLE = "bidder1"  # single source's one supplier (the system's original developer)
OBJECTOR = "bidder4"  # files the objection the agency has to answer
QUOTES = {"bidder1": 1_180_000_00, "bidder2": 1_150_000_00}  # round 1, fen; bidder3 to quote
REASON = "原档案管理系统由该供应商开发，升级须使用其专有接口，只能从唯一供应商处采购（政府采购法第三十一条第一项）。"  # noqa: E501
OBJECTION = "我公司亦能提供兼容该接口的升级服务，请重新审查单一来源理由。"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoProject:
    """One method's demo project."""

    method: Method
    tender_id: UUID
    title: str


def _evaluation(method: Method) -> Evaluation:
    if method is Method.QUOTATION:  # Art. 45-48: the lowest price, no adjustments
        return Evaluation(method=EvaluationMethod.LOWEST_PRICE)
    # Consultation (and the rest): the price 40 % of goods' 100 points (214号 Art. 24: 30-60 %).
    criteria = (Criterion(name="技术", max_points=40), Criterion(name="商务", max_points=20))
    price = PriceScore(points=40, formula=PriceFormula.LOWEST_PRICE_BASE)
    return Evaluation(method=EvaluationMethod.COMPREHENSIVE, criteria=criteria, price=price)


def _draft(
    o: Opener, method: Method, now: dt.datetime, deadline: dt.datetime, department: UUID
) -> TenderDraft:
    return TenderDraft(
        title=TITLES[method], description="政府采购非招标方式演示项目。", category=Category.GOODS,
        procedure=Procedure.OPEN, tenderer_id=o.actors["tenderer"].organisation_id,
        department_id=department,
        schedule=Schedule(
            documents_from=now - dt.timedelta(minutes=1), documents_until=deadline,
            clarification_cutoff=deadline - dt.timedelta(seconds=1), deadline=deadline,
        ),
        lots=(
            Lot(number="1", title="第1包", estimated_price_fen=1_300_000_00,
                price_ceiling_fen=1_250_000_00, bond_fen=0, evaluation=_evaluation(method)),
        ),
    )  # fmt: skip


async def _publish(
    conn: asyncpg.Connection, o: Opener, method: Method, deadline: dt.datetime, plan: Plan
) -> DemoProject:
    """Create the project, appoint and approve its opening committee, publish it through
    its method's checks (the platform's default procurement policies)."""
    now = (await database_now(conn)).replace(microsecond=0)
    agency, supervisor = o.actors["agency"], o.actors["supervisor"]
    (department,) = supervisor.acting_for(Role.SUPERVISOR)
    tender, _ = await service.create_project(
        conn, agency, _draft(o, method, now, deadline, department), plan
    )
    setup = dataclasses.replace(o.setup, policies=DEMO_POLICIES)
    roster = await committees.appoint_committee(
        conn, o.actors["centre"], tender.id, "1", k=2, officials=list(o.officials), setup=setup
    )
    await committees.approve_committee(conn, supervisor, tender.id, "1",
                                       roster_sha256=roster.sha256)  # fmt: skip
    await service.publish(conn, agency, tender.id, setup, ProcurementPolicies())
    return DemoProject(method=method, tender_id=tender.id, title=TITLES[method])


async def publish_projects(
    conn: asyncpg.Connection, o: Opener, *, soon: dt.datetime, later: dt.datetime
) -> dict[Method, DemoProject]:
    """The four projects published: the negotiation's responses due ``soon`` (its rounds
    begin then), the others' ``later``; single source with one objection filed."""
    invited = tuple([(await actor(conn, name)).organisation_id for name in INVITED])
    single = (await actor(conn, SINGLE)).organisation_id
    plans = {
        Method.NEGOTIATION: Plan(method=Method.NEGOTIATION, suppliers=invited,
                                 group=Group(members=3, experts=2)),
        Method.QUOTATION: Plan(method=Method.QUOTATION, suppliers=invited),
        Method.CONSULTATION: Plan(method=Method.CONSULTATION, suppliers=invited),
        Method.SINGLE_SOURCE: Plan(method=Method.SINGLE_SOURCE, suppliers=(single,),
                                   reason=REASON),
    }  # fmt: skip
    projects = {
        method: await _publish(conn, o, method, soon if method is Method.NEGOTIATION else later,
                               plan)
        for method, plan in plans.items()
    }  # fmt: skip
    tender_id = projects[Method.SINGLE_SOURCE].tender_id
    await single_source.file_objection(conn, await actor(conn, OBJECTOR), tender_id, OBJECTION)
    return projects


async def negotiate(conn: asyncpg.Connection, o: Opener, project: DemoProject) -> None:
    """After the responses' deadline: round 1 opened, two suppliers' quotations in."""
    await negotiation.open_round(conn, o.actors["agency"], project.tender_id, final=False)
    for name, price in QUOTES.items():
        await negotiation.submit_quotation(
            conn, await actor(conn, name), project.tender_id, round=1, price_fen=price
        )
