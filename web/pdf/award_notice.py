"""The award notice (中标通知书) and the result notice (中标结果通知书) as PDFs, sans-I/O.

Law 45: the winner is told it won and every other bidder is told the result at the same
time; Law 46: the contract follows within 30 days of the award notice, on the terms of
the tender documents and the winning bid. The PDF shows the notice's facts under their
labels (docs/formats/award-notice.md, "Fields"), times in Beijing time; the same data
renders the same bytes (web/pdf/base.py renders invariant PDFs), so the platform's
detached CMS signature over them is checked with ``openssl cms -verify``.
"""

from __future__ import annotations

from collections.abc import Mapping

from tender.award_notices.model import AwardNoticeData, FailureKind, FailureNoticeData, NoticeKind
from web.pdf.base import Document, Field, Section, beijing, field_value, render

TITLES: Mapping[NoticeKind, str] = {
    NoticeKind.AWARD: "中标通知书 Award notice",
    NoticeKind.RESULT: "中标结果通知书 Result notice",
}
FOOTER = (
    "本通知书由平台以 CMS 分离签名签署（.p7s），可用 openssl cms -verify 核验。"
    " Signed by the platform (CMS detached, .p7s): verify with openssl cms -verify."
)


def _terms(data: AwardNoticeData) -> Section:
    # The opening form's own labels (the tender's), never the manifest's keys.
    fields = [
        Field(label=f.label, value=field_value(f, data.winning_fields.get(f.name)))
        for f in data.opening_fields
    ]
    return Section(heading="三、中标内容 Winning bid", fields=fields)


def _project(data: AwardNoticeData) -> Section:
    return Section(
        heading="一、项目 Tender",
        fields=[
            Field(label="通知书编号 Notice no.", value=data.notice_id),
            Field(label="交易编号 Code", value=data.tender_code),
            Field(label="项目名称 Title", value=data.tender_title),
            Field(label="标段 Lot", value=f"{data.lot} {data.lot_title}"),
            Field(label="招标人 Tenderer", value=data.tenderer),
            Field(label="招标代理机构 Agency", value=data.agency),
        ],
    )


def _decision(data: AwardNoticeData) -> Section:
    return Section(
        heading="二、中标结果 Result",
        fields=[
            Field(label="收件人 Addressee", value=data.addressee.name),
            Field(label="收件人信用代码 Addressee's credit code", value=data.addressee.credit_code),
            Field(label="中标人 Winner", value=data.winner.name),
            Field(label="中标人信用代码 Winner's credit code", value=data.winner.credit_code),
            Field(label="中标候选人排名 Candidate rank", value=str(data.winner_rank)),
            Field(label="定标步骤 Award step", value=str(data.award_step)),
            Field(label="定标理由 Reason", value=data.reason),
            Field(
                label="定标时间（北京时间）Decided at (Beijing time)",
                value=beijing(data.decided_at),
            ),
        ],
    )


def _body(data: AwardNoticeData) -> Section:
    lot = f"《{data.tender_title}》第 {data.lot} 标段"
    if data.kind is NoticeKind.AWARD:
        text = [
            f"{data.addressee.name}：你单位为{lot}的中标人。请自本通知书发出之日起30日内，"
            "按照招标文件和你单位的投标文件与招标人订立书面合同（《招标投标法》第四十六条）。",
            "You are the winner of this lot. Sign the written contract with the tenderer on the"
            " terms of the tender documents and your bid within 30 days of this notice (Law 46).",
        ]
    else:
        text = [
            f"{data.addressee.name}：{lot}的中标人为{data.winner.name}。感谢你单位参与投标"
            "（《招标投标法》第四十五条）。",
            "The winner of this lot is named above; thank you for your bid (Law 45).",
        ]
    return Section(heading="通知 Notice", paragraphs=text)


def notice_document(data: AwardNoticeData) -> Document:
    """The notice as a document of the shared PDF blocks."""
    return Document(
        title=TITLES[data.kind],
        subtitle=f"{data.centre} · {data.tender_code} · 标段 {data.lot}",
        sections=[_body(data), _project(data), _decision(data), _terms(data)],
        footer=FOOTER,
    )


def render_award_notice(data: AwardNoticeData) -> bytes:
    """The notice as PDF bytes (the same data, the same bytes)."""
    return render(notice_document(data))


FAILURE_TITLES: Mapping[FailureKind, str] = {
    FailureKind.FAILED: "招标失败通知书 Notice of a failed tender",
    FailureKind.CANCELLED: "终止招标通知书 Notice of a cancelled tender",
}


def failure_document(data: FailureNoticeData) -> Document:
    """A failed or cancelled tender's notice: what ended, why and when (issue 13, item 6)."""
    lots = "、".join(data.lots) or "—"
    to = data.addressee.name if data.addressee is not None else "各投标人 All bidders"
    ended = "招标失败" if data.kind is FailureKind.FAILED else "终止招标"
    fields = [
        Field(label="通知书编号 Notice no.", value=data.notice_id),
        Field(label="交易编号 Code", value=data.tender_code),
        Field(label="项目名称 Title", value=data.tender_title),
        Field(label="标段 Lots", value=lots),
        Field(label="招标人 Tenderer", value=data.tenderer),
        Field(label="招标代理机构 Agency", value=data.agency),
        Field(label="收件人 Addressee", value=to),
    ]
    if data.addressee is not None:
        fields.append(
            Field(label="收件人信用代码 Addressee's credit code", value=data.addressee.credit_code)
        )
    decision = [
        Field(label="原因 Reason", value=data.reason),
        Field(
            label="决定时间（北京时间）Decided at (Beijing time)", value=beijing(data.decided_at)
        ),
    ]
    text = [
        f"{to}：《{data.tender_title}》第 {lots} 标段{ended}，原因见下。投标保证金依法退还。",
        "This tender (or the lots named) ended without a winner for the reason below;"
        " bid bonds are refunded as the rules require.",
    ]
    return Document(
        title=FAILURE_TITLES[data.kind],
        subtitle=f"{data.centre} · {data.tender_code}",
        sections=[
            Section(heading="通知 Notice", paragraphs=text),
            Section(heading="一、项目 Tender", fields=fields),
            Section(heading="二、决定 Decision", fields=decision),
        ],
        footer=FOOTER,
    )


def render_failure_notice(data: FailureNoticeData) -> bytes:
    """A failed or cancelled tender's notice as PDF bytes (the same data, the same bytes)."""
    return render(failure_document(data))
