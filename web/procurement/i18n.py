"""Messages of the procurement project's public page, Chinese first, with English.

Keys start with ``pr.``; anything else falls back to the site catalogue (web/i18n.py).
"""

from __future__ import annotations

from web import i18n
from web.feature_texts import FeatureCatalogue

_CATALOGUE: dict[str, tuple[str, str]] = {
    "pr.title": ("采购项目", "Procurement project"),
    "pr.not_found": ("没有这个公开的采购项目。", "No public procurement project has this id."),
    "pr.method": ("采购方式", "Procurement method"),
    "pr.method.competitive_negotiation": ("竞争性谈判", "Competitive negotiation"),
    "pr.method.request_for_quotations": ("询价", "Request for quotations"),
    "pr.method.single_source": ("单一来源", "Single source"),
    "pr.method.competitive_consultation": ("竞争性磋商", "Competitive consultation"),
    "pr.status": ("状态", "Status"),
    "pr.deadline": ("响应文件截止时间", "Responses due"),
    "pr.published_at": ("发布时间", "Published"),
    "pr.group": ("谈判小组", "Negotiating group"),
    "pr.group_size": (
        "{members} 人，其中专家 {experts} 人",
        "{members} members, {experts} experts",
    ),
    "pr.reason": ("采用单一来源的理由", "Why single source"),
    "pr.supplier": ("供应商", "Supplier"),
    "pr.suppliers": ("受邀供应商", "Invited suppliers"),
    "pr.suppliers_hidden": (
        "成交前不公开受邀供应商。",
        "Invited suppliers are shown after the award.",
    ),
    "pr.publicity": ("公示期截止", "Publicity for objections ends"),
    "pr.objections": ("异议及答复", "Objections and answers"),
    "pr.no_objections": ("暂无异议。", "No objection so far."),
    "pr.outcome.upheld": ("异议成立", "Upheld"),
    "pr.outcome.dismissed": ("异议不成立", "Dismissed"),
    "pr.outcome.pending": ("待答复", "Awaiting an answer"),
    "pr.award": ("成交结果", "Award"),
    "pr.no_award": ("尚未成交。", "No award yet."),
    "pr.price": ("成交价格（元）", "Price (CNY)"),
    "pr.awarded_at": ("成交时间", "Awarded"),
    "pr.notice_link": ("采购公告", "Notice"),
    "pr.ocds": ("开放数据（OCDS 发布包）", "Open data (OCDS release package)"),
}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has
catalogue = _TEXTS.catalogue
