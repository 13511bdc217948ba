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
    # The agency's pages (web/procurement/desk.py).
    "pr.desk.title": ("采购项目办理", "Running the project"),
    "pr.desk.new": ("新建采购项目", "New procurement project"),
    "pr.desk.mine": ("我的采购项目", "My procurement projects"),
    "pr.desk.none": ("暂无采购项目。", "No procurement project yet."),
    "pr.desk.new_lead": (
        "选择采购方式，邀请供应商；项目内容（时间、分包、文件）在招标项目页面编辑。",
        "Choose the method and invite suppliers; the project's dates, lots and documents "
        "are edited on its tender page.",
    ),
    "pr.desk.project_title": ("项目名称", "Project title"),
    "pr.desk.category": ("采购品目", "Category"),
    "pr.desk.purchaser": ("采购人", "Purchaser"),
    "pr.desk.department": ("监管部门", "Supervising department"),
    "pr.desk.members": ("小组人数", "Members"),
    "pr.desk.experts": ("其中专家人数", "Experts among them"),
    "pr.desk.create": ("创建项目", "Create the project"),
    "pr.desk.tender_link": (
        "编辑项目内容（时间、分包、文件）",
        "Edit the content (dates, lots, documents)",
    ),
    "pr.desk.public_link": ("公开页面", "Public page"),
    "pr.desk.plan": ("采购方式与受邀供应商", "Method and invited suppliers"),
    "pr.desk.save_plan": ("保存", "Save"),
    "pr.desk.check": ("发布前检查", "Check before publication"),
    "pr.desk.no_violations": ("符合本采购方式的规则。", "The method's rules are met."),
    "pr.desk.publish_hint": (
        "发布时再次检查采购方式和招标项目本身的规则。",
        "Publication checks the method's rules and the tender's own again.",
    ),
    "pr.desk.publish": ("发布", "Publish"),
    "pr.desk.rounds": ("谈判轮次", "Negotiation rounds"),
    "pr.desk.round_n": ("第 {number} 轮", "Round {number}"),
    "pr.desk.final": ("最后报价", "Final quotations"),
    "pr.desk.opened_at": ("开始", "Opened"),
    "pr.desk.closed_at": ("结束", "Closed"),
    "pr.desk.sealed": (
        "本轮报价在结束前密封，任何人（包括代理机构）都看不到。",
        "The round's quotations stay sealed until it closes, from everyone, the agency too.",
    ),
    "pr.desk.close_round": ("结束本轮并公开报价", "Close the round and open its quotations"),
    "pr.desk.quoted": ("报价（元）", "Quotation (CNY)"),
    "pr.desk.submitted_at": ("提交时间", "Submitted"),
    "pr.desk.no_rounds": (
        "尚未开始谈判（响应文件截止后开始）。",
        "No round yet (rounds begin at the deadline for responses).",
    ),
    "pr.desk.final_round": ("最后报价轮", "The final quotations' round"),
    "pr.desk.open_round": ("开始下一轮", "Open the next round"),
    "pr.desk.exclude": ("认定供应商不符合要求", "Find a supplier not compliant"),
    "pr.desk.exclude_reason": ("理由", "Reason"),
    "pr.desk.excluded": ("已认定不符合要求", "Found not compliant"),
    "pr.desk.award": ("按最后报价最低确定成交供应商", "Award the lowest compliant final quotation"),
    "pr.desk.answer": ("答复", "Answer"),
    "pr.desk.agreed_price": ("协商确定的成交价格（元）", "Agreed price (CNY)"),
    "pr.desk.agree": ("确定成交", "Record the agreement"),
    "pr.quote.title": ("我的报价", "My quotations"),
    "pr.quote.mine": ("我的报价（元）", "My quotation (CNY)"),
    "pr.quote.none": ("本轮未报价。", "No quotation in this round."),
    "pr.quote.price": ("第 {number} 轮报价（元）", "Quotation for round {number} (CNY)"),
    "pr.quote.submit": ("提交报价（提交后不能更改）", "Submit (it cannot be changed)"),
    "pr.object.text": ("对采用单一来源提出异议", "Object to single source"),
    "pr.object.submit": ("提交异议", "Submit the objection"),
    "pr.object.sign_in": ("登录后可提出异议。", "Sign in to object."),
    "pr.error.title": ("操作未完成", "Not done"),
    "pr.error.back": ("返回", "Back"),
    "pr.error.price_yuan": (
        "金额以元填写：只用阿拉伯数字，最多两位小数（例如 1180000.50），"
        "不带符号、逗号、空格或指数。",
        "Give the amount in yuan: digits only, at most two decimals (e.g. 1180000.50); "
        "no sign, commas, spaces or exponent.",
    ),
    "pr.category.works": ("工程", "Works"),
    "pr.category.goods": ("货物", "Goods"),
    "pr.category.services": ("服务", "Services"),
    "pr.status.draft": ("草稿", "Draft"),
    "pr.status.published": ("已发布", "Published"),
    "pr.status.bidding_closed": ("响应截止", "Responses closed"),
    "pr.status.opening": ("开启中", "Opening"),
    "pr.status.evaluation": ("评审中", "Evaluation"),
    "pr.status.awarded": ("已成交", "Awarded"),
    "pr.status.cancelled": ("已取消", "Cancelled"),
}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has
catalogue = _TEXTS.catalogue
