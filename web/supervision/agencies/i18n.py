"""Messages of the agency and statistics pages, Chinese (zh-CN) first, with English.

Keys start with ``sv.``; anything else comes from the tender pages' catalogue (which
falls back to the site's, web/i18n.py), so the shared layout reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n
from web.tender import i18n as i18n_tender

_CATALOGUE: dict[str, tuple[str, str]] = {
    "sv.nav.agencies": ("代理机构", "Agencies"),
    "sv.nav.assessments": ("服务质量评价", "Service quality"),
    "sv.nav.statistics": ("统计分析", "Statistics"),
    "sv.agencies.title": ("招标代理机构名录", "Agency registry"),
    "sv.agencies.none": ("尚无登记的代理机构。", "No agency is registered yet."),
    "sv.agency.name": ("机构名称", "Agency"),
    "sv.agency.number": ("登记编号", "Registration number"),
    "sv.agency.registered_on": ("登记日期", "Registered on"),
    "sv.agency.address": ("地址", "Address"),
    "sv.agency.contact": ("联系方式", "Contact"),
    "sv.agency.scope": ("业务范围", "Scope"),
    "sv.agency.organisation": ("机构标识（UUID）", "Organisation id (UUID)"),
    "sv.agency.register": ("登记代理机构", "Register an agency"),
    "sv.staff.title": ("从业人员", "Staff"),
    "sv.staff.none": ("尚无人员记录。", "No staff recorded."),
    "sv.staff.name": ("姓名", "Name"),
    "sv.staff.id_number": ("身份证号（仅存摘要）", "ID card number (only a digest is kept)"),
    "sv.staff.role": ("岗位", "Role"),
    "sv.staff.role.principal": ("负责人", "Principal"),
    "sv.staff.role.project_manager": ("项目负责人", "Project manager"),
    "sv.staff.role.staff": ("专职人员", "Staff"),
    "sv.staff.qualification": ("资格", "Qualification"),
    "sv.staff.qualification_number": ("证书编号", "Certificate number"),
    "sv.staff.valid_until": ("有效期至", "Valid until"),
    "sv.staff.joined_on": ("入职日期", "Joined on"),
    "sv.staff.add": ("添加人员", "Add a person"),
    "sv.projects.title": ("代理项目", "Projects handled"),
    "sv.projects.none": ("尚无代理项目。", "No project yet."),
    "sv.inspections.title": ("监督检查", "Inspections"),
    "sv.inspections.none": ("尚无检查记录。", "No inspection yet."),
    "sv.inspection.kind": ("检查类型", "Kind"),
    "sv.inspection.kind.planned": ("计划检查", "Planned"),
    "sv.inspection.kind.ad_hoc": ("专项（随机）检查", "Ad hoc"),
    "sv.inspection.scheduled_on": ("检查日期", "Date"),
    "sv.inspection.subject": ("检查事项", "Subject"),
    "sv.inspection.department": ("检查部门", "Department"),
    "sv.inspection.open": ("登记检查", "Open an inspection"),
    "sv.findings.none": ("尚无检查发现。", "No finding yet."),
    "sv.finding.severity": ("问题性质", "Severity"),
    "sv.finding.severity.observation": ("提示", "Observation"),
    "sv.finding.severity.minor": ("一般问题", "Minor"),
    "sv.finding.severity.major": ("严重问题", "Major"),
    "sv.finding.description": ("检查发现", "Finding"),
    "sv.finding.found_on": ("发现日期", "Found on"),
    "sv.finding.tender": ("涉及项目（UUID，可空）", "Tender concerned (UUID, optional)"),
    "sv.finding.record": ("记录检查发现", "Record a finding"),
    "sv.assessments.title": ("代理机构服务质量评价结果", "Agency service-quality results"),
    "sv.assessments.none": ("尚未发布评价结果。", "No result is published yet."),
    "sv.assessments.formula": ("评价公式版本", "Formula version"),
    "sv.assessments.period": ("评价期间", "Period"),
    "sv.assessments.score": ("得分", "Score"),
    "sv.assessments.grade": ("等级", "Grade"),
    "sv.assessments.facts": ("评价依据", "Facts"),
    "sv.assessments.publish": ("计算并发布评价结果", "Compute and publish the results"),
    "sv.assessments.json": ("JSON 数据", "JSON data"),
    "sv.period_start": ("起始日期", "First day"),
    "sv.period_end": ("截止日期", "Last day"),
    "sv.fact.tenders_handled": ("代理项目数", "Tenders handled"),
    "sv.fact.overdue_alerts": ("超期预警", "Time limits missed"),
    "sv.fact.objections_upheld": ("异议成立", "Objections upheld"),
    "sv.fact.complaints_upheld": ("投诉成立", "Complaints upheld"),
    "sv.fact.documents_amended": ("招标文件修改", "Documents amended"),
    "sv.fact.failed_tenders": ("招标失败", "Failed tenders"),
    "sv.fact.findings_observation": ("检查提示", "Observations"),
    "sv.fact.findings_minor": ("一般问题", "Minor findings"),
    "sv.fact.findings_major": ("严重问题", "Major findings"),
    "sv.submit": ("提交", "Submit"),
    "sv.stats.title": ("交易统计分析", "Trading statistics"),
    "sv.stats.scope_all": ("全部行业监督部门", "Every supervising department"),
    "sv.stats.scope_mine": ("本部门监督的项目", "Tenders of my department"),
    "sv.stats.from": ("自", "From"),
    "sv.stats.to": ("至", "To"),
    "sv.stats.show": ("查看", "Show"),
    "sv.stats.csv": ("导出 CSV", "Export CSV"),
    "sv.stats.empty": ("暂无数据", "No data"),
    "sv.chart.volume-category": ("按类别的交易量（项目数）", "Volume by category (tenders)"),
    "sv.chart.volume-county": ("按区县的交易量（项目数）", "Volume by county (tenders)"),
    "sv.chart.savings": ("节资率（%）", "Savings against estimates (%)"),
    "sv.chart.durations": ("公告至定标天数（中位数）", "Days from notice to award (median)"),
    "sv.chart.remote-evaluation": ("远程异地评标占比（%）", "Share of remote evaluation (%)"),
    "sv.chart.expert-usage": ("按区县的专家使用（人次）", "Expert usage by county (services)"),
    "sv.chart.agency-scores": ("代理机构服务质量得分", "Agency scores"),
    "sv.unit.tenders": ("个", "tenders"),
    "sv.unit.percent": ("%", "%"),
    "sv.unit.days": ("天", "days"),
    "sv.unit.services": ("人次", "services"),
    "sv.unit.score": ("分", "points"),
    "sv.evaluation.local": ("本地评标", "Local"),
    "sv.evaluation.remote": ("远程异地评标", "Remote"),
    "sv.region.unknown": ("未登记区县", "Unknown county"),
    "sv.error.title": ("操作未完成", "Not done"),
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
