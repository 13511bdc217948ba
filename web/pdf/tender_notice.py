"""The tender notice (招标公告) as a PDF: the same text as the page and the API.

DOMAIN.md, "Results and disclosure": project name, scope, size and funding, the
qualification and consortium rule, how and when to obtain documents, the deadline
and how to submit, contacts, and the platform's address. Sans-I/O: data in, bytes out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from tender.documents.model import DocumentVersion
from tender.model import Category, EvaluationMethod, Procedure, Sealing, Tender
from tender.notices.model import Clarification
from web.pages import beijing_text
from web.pdf.base import Document, Field, Section, render

CATEGORY = {
    Category.WORKS: "工程 Works",
    Category.GOODS: "货物 Goods",
    Category.SERVICES: "服务 Services",
}
PROCEDURE = {Procedure.OPEN: "公开招标 Open", Procedure.INVITED: "邀请招标 Invited"}
METHOD = {
    EvaluationMethod.COMPREHENSIVE: "综合评估法 Comprehensive scoring",
    EvaluationMethod.LOWEST_PRICE: "经评审的最低投标价法 Lowest evaluated price",
}

# How bids are sealed (issue 16; docs/api-tenders.md, "Sealing"): always on the bidder's
# machine; ``client`` rules out the bid page's browser sealing.
SEALING = {
    Sealing.ANY: (
        "在投标人本机加密：投标页面（浏览器）或 etender bid seal 客户端均可",
        "sealed on the bidder's machine, in the bid page (browser) or with etender bid seal",
    ),
    Sealing.CLIENT: (
        "仅限在投标人本机用 etender bid seal 客户端加密，投标页面不提供加密",
        "sealed with etender bid seal on the bidder's machine only; the bid page will not seal",
    ),
}


def yuan(fen: int) -> str:
    """An amount in fen as yuan with two decimals and thousands separators."""
    return f"{fen // 100:,}.{fen % 100:02d}"


def local(at: datetime | None) -> str:
    """A moment as Beijing time, to the minute, with its Chinese label (the notice PDF;
    a page uses the ``beijing`` filter, which labels in the page's language)."""
    return beijing_text(at, "zh-CN")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class NoticeData:
    """What the notice shows besides the tender: names, documents, amendments, address."""

    tender: Tender
    names: Mapping[UUID, str]
    documents: Sequence[DocumentVersion]
    clarifications: Sequence[Clarification]
    platform_url: str
    centre_name: str


def _project(data: NoticeData) -> Section:
    t, c = data.tender, data.tender.content
    return Section(
        heading="一、项目概况 Project",
        fields=[
            Field(label="交易编号 Code", value=t.code or "—"),
            Field(label="项目名称 Title", value=c.title),
            Field(label="招标人 Tenderer", value=data.names.get(c.tenderer_id, "")),
            Field(label="招标代理机构 Agency", value=data.names.get(t.agency_id, "")),
            Field(label="行政监督部门 Supervision", value=data.names.get(c.department_id, "")),
            Field(label="类别 Category", value=CATEGORY[c.category]),
            Field(label="招标方式 Procedure", value=PROCEDURE[c.procedure]),
            Field(label="估算价（元）Estimate (CNY)", value=yuan(c.estimated_total_fen)),
            Field(
                label="联合体投标 Consortia",
                value="接受 accepted" if c.consortia_allowed else "不接受 not accepted",
            ),
            Field(label="项目概况 Scope", value=c.description or "—"),
        ],
    )


def _lots(data: NoticeData) -> Section:
    header = [
        "标段 Lot",
        "名称 Title",
        "估算价（元）",
        "最高投标限价（元）",
        "保证金（元）",
        "评标办法",
    ]
    rows = [
        [
            lot.number,
            lot.title,
            yuan(lot.estimated_price_fen),
            yuan(lot.price_ceiling_fen),
            yuan(lot.bond_fen),
            METHOD[lot.evaluation.method],
        ]
        for lot in data.tender.content.lots
    ]
    return Section(heading="二、标段 Lots", table=[header, *rows])


def _schedule(data: NoticeData) -> Section:
    c = data.tender.content
    s = c.schedule
    return Section(
        heading="三、时间安排 Schedule",
        fields=[
            Field(
                label="招标文件获取 Documents",
                value=f"{local(s.documents_from)} 至 {local(s.documents_until)}",
            ),
            Field(label="澄清截止 Clarifications until", value=local(s.clarification_cutoff)),
            Field(label="投标截止及开标 Deadline = opening", value=local(s.deadline)),
            Field(label="解密时限 Decryption window", value=f"{s.decryption_minutes} 分钟 minutes"),
        ],
        paragraphs=[
            f"招标文件在本平台在线获取，投标文件{SEALING[c.sealing][0]}，"
            f"通过本平台在线递交：{data.platform_url}",
            "Documents are obtained and sealed bids submitted online on this platform; bids are "
            f"{SEALING[c.sealing][1]}.",
        ],
    )


def _documents(data: NoticeData) -> Section:
    # One paragraph per version: a 64-digit hash would squeeze a table's other columns.
    paragraphs = [
        f"{v.name}（第 {v.version} 版 version，{v.size} 字节 bytes，发布 {local(v.published_at)}）"
        f"\nSHA-256: {v.sha256}"
        for v in data.documents
    ]
    return Section(heading="四、招标文件 Documents", paragraphs=paragraphs or ["无 None"])


def _amendments(data: NoticeData) -> Section:
    paragraphs = [
        f"第{c.number}号 {c.title}（{local(c.issued_at)}）：{c.body}"
        + (f" 截止时间调整为 {local(c.deadline_after)}。" if c.moved_deadline else "")
        for c in data.clarifications
    ]
    return Section(heading="五、澄清与修改 Clarifications", paragraphs=paragraphs or ["无 None"])


def notice_document(data: NoticeData) -> Document:
    """The notice as a document of the shared PDF blocks."""
    return Document(
        title=f"招标公告 Tender notice · {data.tender.content.title}",
        subtitle=data.centre_name,
        sections=[
            _project(data),
            _lots(data),
            _schedule(data),
            _documents(data),
            _amendments(data),
        ],
        footer=f"{data.platform_url} · {data.tender.code or ''}",
        generated_at=data.tender.published_at,
    )


def render_notice(data: NoticeData) -> bytes:
    """The notice as PDF bytes (deterministic for the same data)."""
    return render(notice_document(data))
