"""Messages of the credit pages, Chinese (zh-CN) first, with English.

Keys start with ``cr.``; anything else falls back to the site catalogue (web/i18n.py).
Error codes show as ``cr.error.<code>`` when a translation exists, else as the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n

_CATALOGUE: dict[str, tuple[str, str]] = {
    "cr.public.title": ("信用信息公示", "Credit lists"),
    "cr.public.lead": (
        "失信惩戒与守信激励名单（在有效期内），含列入依据、来源与期限。",
        "The black and red lists in force, with their basis, source and term.",
    ),
    "cr.list.black": ("黑名单（失信主体）", "Black list"),
    "cr.list.red": ("红名单（守信主体）", "Red list"),
    "cr.list.none": ("暂无。", "None."),
    "cr.party": ("市场主体", "Party"),
    "cr.credit_code": ("统一社会信用代码", "Credit code"),
    "cr.source": ("来源", "Source"),
    "cr.basis": ("列入依据", "Basis"),
    "cr.basis_ref": ("文号", "Reference"),
    "cr.term": ("期限", "Term"),
    "cr.appeal_state": ("申诉", "Appeal"),
    "cr.source.inspection": ("监督检查", "Inspection"),
    "cr.source.complaint": ("投诉处理", "Complaint"),
    "cr.source.supervision_record": ("监督记录", "Supervision record"),
    "cr.source.authority": ("其他机关认定", "Another authority"),
    "cr.appeal.none": ("无", "None"),
    "cr.appeal.pending": ("申诉中", "Pending"),
    "cr.appeal.upheld": ("申诉成立（已撤销）", "Upheld (revoked)"),
    "cr.appeal.dismissed": ("申诉驳回", "Dismissed"),
    "cr.nav.registry": ("市场主体库", "Registry"),
    "cr.nav.entries": ("红黑名单记录", "List entries"),
    "cr.nav.appeals": ("待处理申诉", "Appeals"),
    "cr.nav.public": ("信用公示", "Public lists"),
    "cr.registry.title": ("市场主体信息库", "Market-party registry"),
    "cr.registry.search": ("名称或信用代码", "Name or credit code"),
    "cr.registry.go": ("搜索", "Search"),
    "cr.registry.none": ("没有符合条件的市场主体。", "No party matches."),
    "cr.kind": ("类型", "Kind"),
    "cr.kind.bidder": ("投标人", "Bidder"),
    "cr.kind.agency": ("招标代理机构", "Agency"),
    "cr.kind.tenderer": ("招标人", "Tenderer"),
    "cr.kind.expert_employer": ("专家所在单位", "Expert employer"),
    "cr.region": ("地区", "Region"),
    "cr.record.title": ("市场主体信用档案", "Party record"),
    "cr.score": ("信用分", "Credit score"),
    "cr.grade": ("信用等级", "Grade"),
    "cr.policy": ("评分规则版本", "Formula version"),
    "cr.facts": ("计分事实", "Counted facts"),
    "cr.fact.violations": ("违法违规行为", "Violations"),
    "cr.fact.sanctions": ("行政处罚", "Sanctions"),
    "cr.fact.complaints_upheld": ("被投诉成立", "Complaints upheld"),
    "cr.fact.projects_won": ("中标项目", "Projects won"),
    "cr.fact.projects_performed": ("履约完成项目", "Projects performed"),
    "cr.fact.red_entries": ("红名单", "Red entries"),
    "cr.fact.black_entries": ("黑名单", "Black entries"),
    "cr.qualifications": ("资质", "Qualifications"),
    "cr.q.kind": ("资质类别", "Kind"),
    "cr.q.grade": ("等级", "Grade"),
    "cr.q.number": ("证书编号", "Number"),
    "cr.q.issuer": ("发证机关", "Issuer"),
    "cr.q.valid": ("有效期", "Valid"),
    "cr.people": ("人员", "People"),
    "cr.person.name": ("姓名", "Name"),
    "cr.person.role": ("身份", "Role"),
    "cr.role.legal_representative": ("法定代表人", "Legal representative"),
    "cr.role.principal": ("主要负责人", "Principal"),
    "cr.role.project_manager": ("项目经理", "Project manager"),
    "cr.role.staff": ("从业人员", "Staff"),
    "cr.relations": ("关联关系", "Relations"),
    "cr.relation.other": ("关联方", "Other party"),
    "cr.relation.controlling": ("控股", "Controlling"),
    "cr.relation.managed_by": ("管理关系", "Managed by"),
    "cr.relation.shared_legal_representative": ("同一法定代表人", "Shared legal representative"),
    "cr.relation.shared_principal": ("同一负责人", "Shared principal"),
    "cr.projects": ("中标及履约项目", "Projects won and performed"),
    "cr.project.title": ("项目", "Project"),
    "cr.project.lot": ("标段", "Lot"),
    "cr.project.won_at": ("中标时间", "Won"),
    "cr.project.performed": ("履约验收", "Accepted"),
    "cr.yes": ("是", "Yes"),
    "cr.no": ("否", "No"),
    "cr.violations": ("违法违规行为", "Violations"),
    "cr.violation.kind": ("行为", "Kind"),
    "cr.violation.finding": ("认定依据", "Finding"),
    "cr.violation.found_at": ("认定时间", "Found"),
    "cr.sanctions": ("行政处罚", "Sanctions"),
    "cr.sanction.kind": ("处罚种类", "Kind"),
    "cr.sanction.kind.warning": ("警告", "Warning"),
    "cr.sanction.kind.fine": ("罚款", "Fine"),
    "cr.sanction.kind.suspension": ("暂停投标资格", "Suspension"),
    "cr.sanction.kind.debarment": ("取消投标资格", "Debarment"),
    "cr.entries": ("红黑名单", "List entries"),
    "cr.entries.title": ("红黑名单记录", "List entries"),
    "cr.list": ("名单", "List"),
    "cr.list.black.short": ("黑名单", "Black"),
    "cr.list.red.short": ("红名单", "Red"),
    "cr.appeals": ("申诉", "Appeals"),
    "cr.appeals.title": ("待处理的信用申诉", "Appeals awaiting a decision"),
    "cr.appeals.none": ("暂无待处理申诉。", "No appeal awaits a decision."),
    "cr.appeal.grounds": ("申诉理由", "Grounds"),
    "cr.appeal.filed_at": ("提出时间", "Filed"),
    "cr.appeal.entry": ("名单记录", "Entry"),
    "cr.appeal.decision": ("决定", "Decision"),
    "cr.appeal.reasons": ("理由", "Reasons"),
    "cr.appeal.uphold": ("申诉成立（撤销名单）", "Uphold (revoke the entry)"),
    "cr.appeal.dismiss": ("驳回申诉", "Dismiss"),
    "cr.appeal.decide": ("作出决定", "Decide"),
    "cr.appeal.file": ("提出申诉", "Appeal"),
    "cr.appeal.filed": ("申诉已提交，等待监督部门决定。", "Appeal filed; the department decides."),
    "cr.none": ("暂无。", "None."),
    "cr.form.violation": ("记录违法违规行为", "Record a violation"),
    "cr.form.entry": ("列入红黑名单", "Put on a list"),
    "cr.form.kind": ("行为代码（小写字母和下划线）", "Kind (lower-case letters and _)"),
    "cr.form.description": ("情况说明", "Description"),
    "cr.form.found_at": ("认定时间", "Found at"),
    "cr.form.choose": ("请选择", "Choose"),
    "cr.form.violation_id": ("所依据的违法违规行为", "Violation it rests on"),
    "cr.form.starts_at": ("起始时间", "Starts"),
    "cr.form.ends_at": ("截止时间", "Ends"),
    "cr.form.submit": ("提交", "Submit"),
    "cr.error.title": ("操作未完成", "Not done"),
    "cr.error.back": ("返回", "Back"),
}
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}


def translate(lang: str, key: str, **params: str) -> str:
    """The message in ``lang``; keys not of this catalogue come from web/i18n.py."""
    entry = _CATALOGUE.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether this catalogue or the site's holds ``key``."""
    return key in _CATALOGUE or i18n.has(key)


def catalogue() -> Mapping[str, tuple[str, str]]:
    """This catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
