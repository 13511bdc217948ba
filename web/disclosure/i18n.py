"""Messages of the disclosure page and the home page's lists, Chinese first, with English.

Keys start with ``dc.``; anything else falls back to the site catalogue (web/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from web import i18n

_CATALOGUE: dict[str, tuple[str, str]] = {
    "dc.title": ("信息公开", "Public disclosure"),
    "dc.lead": (
        "本项目各阶段依法公开的信息，与开放数据（OCDS）同源。",
        "What this tender has made public, stage by stage; the same facts as its open data.",
    ),
    "dc.notice_link": ("招标公告", "Tender notice"),
    "dc.ocds": ("开放数据（OCDS 发布包）", "Open data (OCDS release package)"),
    "dc.ocds_record": ("OCDS 记录", "OCDS record"),
    "dc.none": ("尚未公开。", "Not public yet."),
    "dc.not_found": ("没有这个公开的项目。", "No public tender has this id."),
    "dc.stage.notice": ("招标公告", "Notice"),
    "dc.stage.clarifications": ("澄清与修改", "Clarifications and changes"),
    "dc.stage.opening": ("开标记录", "Opening record"),
    "dc.stage.qualification": ("资格审查结果", "Qualification results"),
    "dc.stage.candidates": ("中标候选人公示", "Candidates"),
    "dc.stage.result": ("中标结果", "Result"),
    "dc.stage.closure": ("终止与流标", "Failure or cancellation"),
    "dc.stage.contracts": ("合同", "Contract"),
    "dc.stage.performance": ("履约", "Performance"),
    "dc.published_at": ("发布时间", "Published"),
    "dc.lot": ("标段", "Lot"),
    "dc.part": ("部分", "Part"),
    "dc.part.main": ("投标文件", "Bid"),
    "dc.part.technical": ("技术标", "Technical part"),
    "dc.part.commercial": ("商务标", "Commercial part"),
    "dc.bidder": ("投标人", "Bidder"),
    "dc.price": ("投标报价（元）", "Price (CNY)"),
    "dc.opened": ("解密", "Decrypted"),
    "dc.opened.yes": ("成功", "Yes"),
    "dc.opened.no": ("失败", "No"),
    "dc.not_opened": ("本标段未开标：{reason}", "This lot did not open: {reason}"),
    "dc.rejected": ("被否决的投标", "Rejected bids"),
    "dc.passed": ("通过资格审查的投标数：{count}", "Bids that passed qualification: {count}"),
    "dc.reasons": ("否决原因", "Reasons"),
    # Reg. 51: the only reasons a bid is rejected (evaluation/method/model.py).
    "dc.reason.no_signature": ("未签字盖章", "Not signed or sealed"),
    "dc.reason.not_qualified": ("不具备资格条件", "The bidder lacks a required qualification"),
    "dc.reason.two_bids": ("提交两份投标或两个报价", "Two bids or two prices"),
    "dc.reason.price_above_ceiling": ("报价高于最高投标限价", "Price above the ceiling"),
    "dc.reason.price_below_cost": ("报价低于成本", "Price below cost"),
    "dc.reason.not_responsive": ("未实质性响应招标文件", "Not responsive to the documents"),
    "dc.reason.collusion_or_fraud": ("串通投标或弄虚作假", "Collusion or fraud"),
    "dc.rank": ("排名", "Rank"),
    "dc.period": ("公示期", "Publicity period"),
    "dc.until": ("至", "to"),
    "dc.kind.award": ("确定中标人", "Award"),
    "dc.kind.drop_out": ("中标人放弃或被取消", "The winner dropped out"),
    "dc.kind.retender": ("重新招标", "Re-tender"),
    "dc.reason": ("理由", "Reason"),
    "dc.decided_at": ("决定时间", "Decided"),
    "dc.status.failed": ("流标", "Failed"),
    "dc.status.cancelled": ("终止", "Cancelled"),
    "dc.contract": ("合同名称", "Contract"),
    "dc.supplier": ("中标人", "Supplier"),
    "dc.value": ("合同金额（元）", "Value (CNY)"),
    "dc.signed_at": ("签订时间", "Signed"),
    "dc.change": ("变更", "Change"),
    "dc.milestone": ("履约节点", "Milestone"),
    "dc.milestone.scheduled": ("未到期", "Scheduled"),
    "dc.milestone.met": ("已完成", "Met"),
    "dc.milestone.notMet": ("未完成", "Not met"),
    "dc.milestone.partiallyMet": ("部分完成", "Partially met"),
    "dc.due": ("计划时间", "Due"),
    "dc.payment": ("支付", "Payment"),
    "dc.amount": ("金额（元）", "Amount (CNY)"),
    "dc.paid_at": ("支付时间", "Paid"),
}
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}


def translate(lang: str, key: str, **params: Any) -> str:
    """The message in ``lang``; keys not of this catalogue come from web/i18n.py."""
    entry = _CATALOGUE.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def catalogue() -> Mapping[str, tuple[str, str]]:
    """This catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
