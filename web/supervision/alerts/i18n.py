"""Messages of the alert pages, Chinese (zh-CN) first, with English.

Keys start with ``al.``; anything else comes from the tender pages' catalogue
(web/tender/i18n.py, which falls back to the site's), so the shared layout reads the
same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n
from web.tender import i18n as i18n_tender

_CATALOGUE: dict[str, tuple[str, str]] = {
    "al.title": ("预警", "Alerts"),
    "al.lead": (
        "平台发现的串标迹象、逾期事项与专家库预警；本部门监督人员确认、上报或办结，"
        "上报后由交易中心办结。",
        "Collusion signs, overdue deadlines and expert pool alerts found by the platform; "
        "the department's supervisors acknowledge, escalate or resolve them, the centre "
        "resolves what is escalated.",
    ),
    "al.filter": ("筛选", "Filter"),
    "al.filter.any": ("全部", "Any"),
    "al.filter.apply": ("筛选", "Apply"),
    "al.none": ("没有符合条件的预警。", "No alert matches."),
    "al.rule": ("规则", "Rule"),
    "al.state": ("状态", "State"),
    "al.tender": ("项目", "Tender"),
    "al.tender_id": ("项目编号（UUID）", "Tender id (UUID)"),
    "al.draw": ("抽取", "Draw"),
    "al.raised_at": ("发现时间", "Raised"),
    "al.subject": ("对象", "Subject"),
    "al.department": ("监督部门", "Department"),
    "al.department.centre": ("交易中心", "The centre"),
    "al.parties": ("涉及主体", "Parties"),
    "al.evidence": ("证据", "Evidence"),
    "al.history": ("处理记录", "History"),
    "al.by": ("处理人", "By"),
    "al.at": ("时间", "Time"),
    "al.note": ("说明", "Note"),
    "al.platform": ("平台", "The platform"),
    "al.open_it": ("查看", "Open"),
    "al.back": ("返回预警列表", "Back to the alerts"),
    "al.actions": ("处理", "Act"),
    "al.no_action": ("您当前不能处理此预警。", "You cannot act on this alert now."),
    "al.acknowledge": ("确认收到", "Acknowledge"),
    "al.acknowledge.note": ("说明（可选）", "Note (optional)"),
    "al.escalate": ("上报交易中心", "Escalate to the centre"),
    "al.escalate.note": ("上报说明（必填）", "Why (required)"),
    "al.resolve": ("办结", "Resolve"),
    "al.resolve.note": ("处理结果（必填）", "Resolution (required)"),
    "al.state.open": ("待处理", "Open"),
    "al.state.acknowledged": ("已确认", "Acknowledged"),
    "al.state.escalated": ("已上报", "Escalated"),
    "al.state.resolved": ("已办结", "Resolved"),
    "al.rule.bond_same_account": ("保证金同一账户缴纳", "Bonds paid from one account"),
    "al.rule.bond_refund_overdue": ("保证金退还逾期", "Bond refund overdue"),
    "al.rule.objection_answer_overdue": ("异议答复逾期", "Objection answer overdue"),
    "al.rule.bid_parts_identical": ("投标文件雷同", "Identical bid files"),
    "al.rule.organisation_in_two_bids": ("同一单位参与两份投标", "One organisation in two bids"),
    "al.rule.candidates_publicity_overdue": ("候选人公示逾期", "Candidates publicity overdue"),
    "al.rule.candidate_objection_answer_overdue": (
        "候选人异议答复逾期",
        "Candidate objection answer overdue",
    ),
    "al.rule.procedure_report_overdue": ("书面报告逾期", "Procedure report overdue"),
    "al.rule.contract_overdue": ("合同签订逾期", "Contract overdue"),
    "al.rule.archive_overdue": ("归档逾期", "Archive overdue"),
    "al.rule.evaluation_sign_in_missing": ("专家未签到", "Experts not signed in"),
    "al.rule.venue_records_overdue": ("分会场资料移交逾期", "Venue records overdue"),
    "al.rule.shortfall": ("专家不足", "Pool shortfall"),
    "al.rule.replacement_needed": ("需补抽专家", "Replacement needed"),
    "al.rule.expert_reported": ("专家被通报", "Expert reported"),
    "al.rule.expert_suspended": ("专家被暂停", "Expert suspended"),
    "al.error.title": ("无法完成操作", "This could not be done"),
    "al.error.alert_not_found": ("没有此预警。", "There is no such alert."),
    "al.error.alert_state_conflict": (
        "预警当前状态不允许此操作（已办结的预警不能再处理）。",
        "The alert's state does not allow this step (a resolved alert is final).",
    ),
    "al.error.alert_note_invalid": (
        "请填写说明（不超过2000字）。",
        "Write the note (at most 2000 characters).",
    ),
    "al.error.permission_denied": (
        "您无权处理此预警：它由其他监督部门或交易中心处理。",
        "You may not act on this alert: another department or the centre does.",
    ),
}
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}


def translate(lang: str, key: str, **params: str) -> str:
    """The message in ``lang``; other keys come from the tender pages' catalogue."""
    entry = _CATALOGUE.get(key)
    if entry is None:
        return i18n_tender.translate(lang, key, **params)
    text = entry[_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in _CATALOGUE or i18n_tender.has(key)


def catalogue() -> Mapping[str, tuple[str, str]]:
    """This catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
