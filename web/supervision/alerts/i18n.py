"""Messages of the alert pages, Chinese (zh-CN) first, with English.

Keys start with ``al.``; anything else comes from the tender pages' catalogue
(web/tender/i18n.py, which falls back to the site's), so the shared layout reads the
same everywhere.
"""

from __future__ import annotations

from web.feature_texts import FeatureCatalogue
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
    # Every rule and evidence key by its label, never the raw key (issue 15; the
    # platform's rules: tender/events.py AlertKind, expert_pool AlertKind, evaluation).
    "al.rule.complaint_acceptance_overdue": ("投诉受理逾期", "Complaint acceptance overdue"),
    "al.rule.complaint_decision_overdue": ("投诉处理决定逾期", "Complaint decision overdue"),
    "al.rule.bids_same_network": ("同一网络地址投标", "Bids from one network address"),
    "al.rule.bids_same_installation": ("同一客户端投标", "Bids from one client installation"),
    "al.rule.bid_files_metadata_identical": ("投标文件属性雷同", "Bid files with one author"),
    "al.rule.bid_people_shared": ("同一人员出现在多份投标", "One person named in two bids"),
    "al.rule.bid_prices_progression": ("投标报价呈规律性差异", "Bid prices in a progression"),
    "al.rule.bid_prices_band": ("投标报价过于接近", "Bid prices in a narrow band"),
    "al.rule.expert_deviations_frequent": ("专家评分频繁偏离", "Expert scores often far off"),
    "al.rule.expert_pair_frequent": ("两名专家同组过于频繁", "Two experts sit together often"),
    "al.rule.expert_counterpart_repeated": (
        "专家反复评审同一代理机构或招标人项目",
        "Expert meets one agency or tenderer again and again",
    ),
    "al.rule.bidders_related": ("投标人之间存在关联关系", "Related bidders in one lot"),
    "al.rule.agency_conflict": ("代理机构与项目存在利害关系", "Agency with a conflict of interest"),
    "al.rule.agency_exceptions_frequent": (
        "代理机构频繁申请例外事项",
        "Agency often granted exceptions",
    ),
    "al.evidence.agency": ("代理机构", "Agency"),
    "al.evidence.answer_due": ("答复期限", "Answer due"),
    "al.evidence.award_id": ("定标记录", "Award"),
    "al.evidence.awarded_at": ("定标时间", "Awarded at"),
    "al.evidence.below_ceiling": ("低于最高限价", "Below the price ceiling"),
    "al.evidence.bidder_ids": ("投标人", "Bidders"),
    "al.evidence.bidders": ("投标人", "Bidders"),
    "al.evidence.bids": ("投标", "Bids"),
    "al.evidence.bond_id": ("保证金记录", "Bond"),
    "al.evidence.bond_ids": ("保证金记录", "Bonds"),
    "al.evidence.cause": ("原因", "Cause"),
    "al.evidence.ceiling_fen": ("最高投标限价（分）", "Price ceiling (fen)"),
    "al.evidence.complaint_id": ("投诉", "Complaint"),
    "al.evidence.conflicts": ("利害关系", "Conflicts"),
    "al.evidence.deadline": ("期限", "Deadline"),
    "al.evidence.deviation": ("偏离程度", "Deviation"),
    "al.evidence.due": ("期限", "Due"),
    "al.evidence.ended_at": ("结束时间", "Ended at"),
    "al.evidence.examples": ("示例", "Examples"),
    "al.evidence.expected": ("预期值", "Expected"),
    "al.evidence.expert": ("专家", "Expert"),
    "al.evidence.expert_id": ("专家", "Expert"),
    "al.evidence.experts": ("专家", "Experts"),
    "al.evidence.field": ("相同的项", "Shared item"),
    "al.evidence.kinds": ("类别", "Kinds"),
    "al.evidence.label": ("专业类别", "Category"),
    "al.evidence.large": ("偏离较大的次数", "Large deviations"),
    "al.evidence.lift": ("提升度", "Lift"),
    "al.evidence.lot": ("标段", "Lot"),
    "al.evidence.matches": ("相同之处", "Matches"),
    "al.evidence.missing": ("缺少人数", "Missing"),
    "al.evidence.next_round": ("下一轮次", "Next round"),
    "al.evidence.objection_id": ("异议", "Objection"),
    "al.evidence.p_value": ("显著性（p值）", "Significance (p-value)"),
    "al.evidence.pairs": ("成对关系", "Pairs"),
    "al.evidence.pairs_tested": ("检验的组合数", "Pairs tested"),
    "al.evidence.parties": ("涉及主体", "Parties"),
    "al.evidence.paying_account": ("缴纳账户", "Paying account"),
    "al.evidence.places": ("待补位置", "Places"),
    "al.evidence.points": ("记分", "Points"),
    "al.evidence.pool": ("专家库人数", "Pool size"),
    "al.evidence.prices_fen": ("投标报价（分）", "Bid prices (fen)"),
    "al.evidence.published_at": ("公布时间", "Published at"),
    "al.evidence.q_value": ("校正后显著性（q值）", "Adjusted significance (q-value)"),
    "al.evidence.r": ("轮次", "Round"),
    "al.evidence.reason": ("理由", "Reason"),
    "al.evidence.refund_due": ("退还期限", "Refund due"),
    "al.evidence.rule": ("预警规则", "Warning rule"),
    "al.evidence.scores": ("评分", "Scores"),
    "al.evidence.seats": ("席位", "Seats"),
    "al.evidence.session": ("评标会议", "Evaluation session"),
    "al.evidence.sha256": ("文件摘要（SHA-256）", "File digest (SHA-256)"),
    "al.evidence.share": ("占比", "Share"),
    "al.evidence.sittings": ("同组次数", "Sittings"),
    "al.evidence.spread": ("价差", "Spread"),
    "al.evidence.starts_at": ("开始时间", "Starts at"),
    "al.evidence.step_fen": ("等差（分）", "Step (fen)"),
    "al.evidence.tenders": ("项目", "Tenders"),
    "al.evidence.tenders_in_pool": ("统计的项目数", "Tenders counted"),
    "al.evidence.tenders_with_exceptions": ("有例外事项的项目数", "Tenders with exceptions"),
    "al.evidence.times": ("时间", "Times"),
    "al.evidence.together": ("同组次数", "Times together"),
    "al.evidence.tolerance": ("容差", "Tolerance"),
    "al.evidence.value": ("相同的值", "Shared value"),
    "al.evidence.venue_id": ("分会场", "Venue"),
    "al.evidence.within_minutes": ("时间间隔（分钟）", "Within (minutes)"),
    "al.evidence.year": ("年度", "Year"),
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
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n_tender)
translate = _TEXTS.translate
has = _TEXTS.has


def rules() -> list[str]:
    """Every rule with a label, for the list's filter (the rules are labelled in full:
    tests/web/supervision/alerts/test_labels.py)."""
    return sorted(key.removeprefix("al.rule.") for key in _CATALOGUE if key.startswith("al.rule."))


catalogue = _TEXTS.catalogue
