"""Messages of the tender pages, Chinese (zh-CN) first, with English.

Keys start with ``td.``; anything else falls back to the site catalogue (web/i18n.py),
so the shared layout reads the same everywhere. Error codes of the tender package
show as ``td.error.<code>`` when a translation exists, else as the error's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n
from web.tender.i18n_staff import STRINGS as STAFF_STRINGS

_CATALOGUE: dict[str, tuple[str, str]] = {
    "td.nav.notices": ("交易公告", "Notices"),
    "td.nav.mine": ("我的招标项目", "My tenders"),
    "td.notices.title": ("招标公告", "Tender notices"),
    "td.notices.search": ("搜索", "Search"),
    "td.notices.query": ("项目名称或交易编号", "Title or code"),
    "td.notices.none": ("暂无符合条件的公告。", "No notice matches."),
    "td.notices.next": ("下一页", "Next page"),
    "td.category": ("类别", "Category"),
    "td.category.any": ("全部", "All"),
    "td.category.works": ("工程", "Works"),
    "td.category.goods": ("货物", "Goods"),
    "td.category.services": ("服务", "Services"),
    "td.procedure": ("招标方式", "Procedure"),
    "td.procedure.open": ("公开招标", "Open tendering"),
    "td.procedure.invited": ("邀请招标", "Invited tendering"),
    "td.status": ("状态", "Status"),
    "td.status.draft": ("草稿", "Draft"),
    "td.status.published": ("已发布", "Published"),
    "td.status.suspended": ("暂停（异议处理中）", "Suspended (objection pending)"),
    "td.status.bidding_closed": ("投标截止", "Bidding closed"),
    "td.status.opening": ("开标中", "Opening"),
    "td.status.evaluation": ("评标中", "Evaluation"),
    "td.status.candidates": ("候选人已产生", "Candidates"),
    "td.status.candidates_publicised": ("中标候选人公示", "Candidates publicised"),
    "td.status.awarded": ("已定标", "Awarded"),
    "td.status.contract": ("合同签订", "Contract"),
    "td.status.performance": ("合同履行", "Performance"),
    "td.status.archived": ("已归档", "Archived"),
    "td.status.cancelled": ("已取消", "Cancelled"),
    "td.status.failed": ("招标失败", "Failed"),
    "td.code": ("交易编号", "Code"),
    "td.title": ("项目名称", "Title"),
    "td.description": ("项目概况", "Scope"),
    "td.tenderer": ("招标人", "Tenderer"),
    "td.agency": ("招标代理机构", "Agency"),
    "td.department": ("行政监督部门", "Supervising department"),
    "td.estimate": ("估算价（元）", "Estimate (CNY)"),
    "td.ceiling": ("最高投标限价（元）", "Price ceiling (CNY)"),
    "td.bond": ("投标保证金（元）", "Bid bond (CNY)"),
    "td.consortia": ("联合体投标", "Consortia"),
    "td.consortia.yes": ("接受", "Accepted"),
    "td.consortia.no": ("不接受", "Not accepted"),
    "td.envelopes": ("开标方式", "Envelopes"),
    "td.envelopes.1": ("一次开标（单信封）", "One envelope"),
    "td.envelopes.2": ("技术、商务分开（双信封）", "Two envelopes"),
    "td.opening_policy": ("解密规则", "Decryption rule"),
    "td.opening_policy.strict": (
        "严格：须由开标密钥保管人解密",
        "Strict: officials' shares must open a bid",
    ),
    "td.opening_policy.lenient": ("宽松：投标人自行解密亦可", "Lenient: self-decryption counts"),
    "td.approval": ("邀请招标核准文号", "Approval for invited tendering"),
    "td.schedule": ("时间安排", "Schedule"),
    "td.documents_from": ("招标文件获取开始", "Documents from"),
    "td.documents_until": ("招标文件获取截止", "Documents until"),
    "td.cutoff": ("澄清截止", "Clarifications until"),
    "td.deadline": ("投标截止及开标时间", "Bid deadline = opening"),
    "td.decryption": ("解密时限（分钟）", "Decryption window (minutes)"),
    "td.beijing_time": ("北京时间", "Beijing time"),
    "td.award_notices": ("中标通知书", "Award notices"),
    "td.award_notice.kind": ("通知书", "Notice"),
    "td.award_notice.award": ("中标通知书", "Award notice"),
    "td.award_notice.result": ("中标结果通知书", "Result notice"),
    "td.award_notice.issued_at": ("发出时间（北京时间）", "Issued (Beijing time)"),
    "td.award_notice.superseded": ("已被新的定标取代", "superseded by a later award"),
    "td.award_notice.signature": ("平台签名（.p7s）", "Platform signature (.p7s)"),
    "td.lots": ("标段", "Lots"),
    "td.lot": ("标段号", "Lot"),
    "td.lot_title": ("标段名称", "Lot title"),
    "td.method": ("评标办法", "Evaluation method"),
    "td.method.comprehensive_scoring": ("综合评估法", "Comprehensive scoring"),
    "td.method.lowest_evaluated_price": ("经评审的最低投标价法", "Lowest evaluated price"),
    "td.criteria": ("评分项（每行：名称=分值）", "Criteria (one per line: name=points)"),
    "td.price_points": ("价格分", "Price points"),
    "td.formula": ("价格分计算方法", "Price-score formula"),
    "td.formula.lowest_price_base": ("低价优先法", "Lowest price as base"),
    "td.formula.benchmark_deviation": ("基准价偏差法", "Deviation from benchmark"),
    "td.fields": (
        "开标一览表字段（每行：字段名|类型|名称）",
        "Opening form (one per line: name|kind|label)",
    ),
    "td.fields.kinds": (
        "类型：fen（金额，分）、days（天）、integer（整数）、text（文字）",
        "Kinds: fen (money), days, integer, text",
    ),
    "td.documents": ("招标文件", "Documents"),
    "td.document": ("文件", "Document"),
    "td.version": ("版本", "Version"),
    "td.size": ("大小（字节）", "Size (bytes)"),
    "td.published_at": ("发布时间", "Published"),
    "td.staged": ("待随澄清发布", "Awaiting a clarification"),
    # A draft's uploads go out with the notice (docs/api-tenders.md, documents).
    "td.staged.draft": ("待随公告发布", "Published with the notice"),
    "td.download": ("下载", "Download"),
    "td.download.sign_in": ("投标人登录后可下载招标文件。", "Bidders sign in to download."),
    "td.no_documents": ("尚无招标文件。", "No documents yet."),
    "td.clarifications": ("澄清与修改", "Clarifications and amendments"),
    "td.no_clarifications": ("无。", "None."),
    "td.moved": ("截止时间顺延至 {deadline}", "Deadline moved to {deadline}"),
    "td.kind.clarification": ("澄清", "Clarification"),
    "td.kind.amendment": ("修改", "Amendment"),
    "td.pdf": ("公告 PDF", "Notice (PDF)"),
    "td.ocds": ("开放数据（OCDS）", "Open data (OCDS)"),
    "td.manage": ("管理本项目", "Manage this tender"),
    "td.mine.title": ("我的招标项目", "My tenders"),
    "td.mine.none": ("还没有项目。", "No tender yet."),
    "td.new.title": ("新建招标项目", "New tender"),
    "td.new.submit": ("创建草稿", "Create draft"),
    "td.save": ("保存", "Save"),
    "td.general": ("基本信息", "General"),
    "td.add_lot": ("添加或修改标段", "Add or change a lot"),
    "td.remove_lot": ("删除", "Remove"),
    "td.check": ("发布前检查", "Check before publishing"),
    "td.check.ok": ("已满足全部规则，可以发布。", "Every rule is kept: ready to publish."),
    "td.check.broken": ("以下规则尚未满足：", "These rules are broken:"),
    "td.check.lot": ("标段 {lot}：", "Lot {lot}: "),
    "td.check.field": ("（{field}）", " ({field})"),
    "td.publish": ("发布公告", "Publish the notice"),
    "td.committees": ("开标委员会", "Opening committees"),
    "td.committee.none": ("尚未由交易中心委派。", "Not appointed by the centre yet."),
    "td.committee.pending": ("待行政监督部门确认", "Awaiting the department's approval"),
    "td.committee.approved": ("已确认", "Approved"),
    "td.committee.frozen": ("已冻结（已有投标）", "Frozen (bids sealed)"),
    "td.upload": ("上传文件", "Upload"),
    "td.upload.hint": (
        "草稿阶段上传的文件随公告发布；发布后上传的新版本须随澄清或修改发布。",
        "Files uploaded to a draft are published with the notice; later versions "
        "are published with a clarification or amendment.",
    ),
    "td.downloads": ("下载记录", "Downloads"),
    "td.downloads.none": ("暂无下载。", "No download yet."),
    "td.downloader": ("下载单位", "Organisation"),
    "td.user": ("用户", "User"),
    "td.when": ("时间", "When"),
    "td.issue": ("发布澄清或修改", "Issue a clarification or amendment"),
    "td.issue.kind": ("类型", "Kind"),
    "td.issue.title": ("标题", "Title"),
    "td.issue.body": ("内容", "Text"),
    "td.issue.attach": ("随附新版本文件", "Attach new versions"),
    "td.issue.submit": ("发布", "Issue"),
    "td.objections": ("异议", "Objections"),
    "td.objections.none": ("暂无异议。", "No objection."),
    "td.objection.due": ("答复期限", "Answer due"),
    "td.objection.answer": ("答复", "Answer"),
    "td.objection.submit": ("提交答复", "Send the answer"),
    "td.error.title": ("操作未完成", "Not done"),
    "td.back": ("返回", "Back"),
    "td.yes": ("是", "Yes"),
    "td.no": ("否", "No"),
    # The contract and performance page (issue 13, items 4-5; web/tender/contracts/pages.py).
    "td.contract.link": ("合同与履约", "Contract and performance"),
    "td.results.link": ("中标候选人与结果", "Candidates and result"),
    "td.contract.title": ("合同与履约信息", "Contract and performance"),
    "td.contract.none": ("尚未订立合同。", "No contract has been signed yet."),
    "td.contract.supplier": ("中标人", "Winning bidder"),
    "td.contract.price": ("合同价款（元）", "Contract price (CNY)"),
    "td.contract.duration": ("工期（日历天）", "Duration (calendar days)"),
    "td.contract.quality": ("质量标准", "Quality standard"),
    "td.contract.project_manager": ("项目经理", "Project manager"),
    "td.contract.scope": ("标段内容", "Scope"),
    "td.contract.signed_on": ("签订日期", "Signed on"),
    "td.contract.deadline": ("订立期限", "Deadline"),
    "td.contract.late": ("逾期订立，理由", "Signed late; reason"),
    "td.contract.document": ("合同文本 SHA-256", "Contract document SHA-256"),
    "td.contract.changes": ("合同变更", "Contract changes"),
    "td.contract.what": ("变更事项", "What changed"),
    "td.contract.reason": ("理由", "Reason"),
    "td.contract.effective_on": ("生效日期", "Effective on"),
    "td.contract.performance": ("履约信息", "Performance"),
    "td.contract.kind": ("类型", "Kind"),
    "td.contract.occurred_on": ("日期", "Date"),
    "td.contract.amount": ("金额（元）", "Amount (CNY)"),
    "td.contract.kind.milestone": ("节点", "Milestone"),
    "td.contract.kind.acceptance": ("验收", "Acceptance"),
    "td.contract.kind.payment": ("支付", "Payment"),
    "td.contract.kind.change": ("变更", "Change"),
    "td.contract.none_yet": ("暂无。", "None yet."),
}
_CATALOGUE.update(STAFF_STRINGS)  # the centre's and supervisor's pages (issue 15)
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
