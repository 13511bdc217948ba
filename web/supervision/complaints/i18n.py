"""Messages of the complaints pages, Chinese (zh-CN) first, with English.

Keys start with ``cp.``; anything else comes from the tender pages' catalogue
(web/tender/i18n.py, which falls back to the site's). The scripts' strings are the
``cp.js.*`` keys, handed to web/static/js/complaints.js in a data attribute.
"""

from __future__ import annotations

from supervision.complaints.model import Matter, Status, Step
from web import i18n
from web.feature_texts import FeatureCatalogue
from web.tender import i18n as i18n_tender

_CATALOGUE: dict[str, tuple[str, str]] = {
    "cp.title": ("投诉", "Complaints"),
    "cp.desk": ("投诉受理台", "Complaints desk"),
    "cp.mine": ("我的投诉", "My complaints"),
    "cp.none": ("暂无投诉。", "No complaints."),
    "cp.new": ("提出投诉", "File a complaint"),
    "cp.new.hint": (
        "投诉应自知道或者应当知道之日起10日内提出；就招标文件（第二十二条）、开标（第四十四条）、"
        "评标结果（第五十四条）投诉的，应当先提出异议，异议答复期间不计算在内。投诉书以本单位登记的数字证书签署。",
        "Complain within 10 days of knowing; a complaint about the documents (Reg. 22), "
        "the opening (Reg. 44) or the candidates (Reg. 54) needs your objection first, and "
        "its answer period does not count. The complaint is signed with your "
        "organisation's registered certificate.",
    ),
    "cp.tender": ("项目", "Tender"),
    "cp.matter": ("投诉事项", "Matter"),
    "cp.objection": ("先行异议编号", "Objection made first (id)"),
    "cp.known_on": ("知道或者应当知道之日", "Day you knew"),
    "cp.text": ("投诉内容", "Complaint"),
    "cp.sign_file": ("签署并提交投诉", "Sign and file"),
    "cp.status": ("状态", "Status"),
    "cp.decision": ("处理决定", "Decision"),
    "cp.filed_at": ("提交时间", "Filed"),
    "cp.late": ("逾期投诉", "Filed late"),
    "cp.deadlines": (
        "期限（工作日按节假日安排计算）",
        "Deadlines (working days by the holiday calendar)",
    ),
    "cp.deadline.filing": ("投诉期限（第六十条）", "Filing (Reg. 60)"),
    "cp.deadline.acceptance": (
        "受理期限：3个工作日（第六十一条）",
        "Acceptance: 3 working days (Reg. 61)",
    ),
    "cp.deadline.decision": (
        "处理期限：30个工作日（第六十一条）",
        "Decision: 30 working days (Reg. 61)",
    ),
    "cp.deadline.paused": (
        "检验、检测、鉴定或专家评审中，期限暂停",
        "Paused for testing or expert review",
    ),
    "cp.deadline.inexact": (
        "（次年节假日安排未公布，暂按周一至周五计算）",
        "(next year's holidays not yet published: counted Monday to Friday)",
    ),
    "cp.steps": ("处理记录", "Steps"),
    "cp.step": ("步骤", "Step"),
    "cp.at": ("时间", "Time"),
    "cp.reasons": ("理由", "Reasons"),
    "cp.late_reason": ("逾期原因", "Reason it is late"),
    "cp.cert": ("签名证书 SHA-256", "Certificate SHA-256"),
    "cp.act": ("处理", "Take a step"),
    "cp.sign_step": ("签署并提交", "Sign and submit"),
    "cp.withdraw": ("撤回投诉", "Withdraw the complaint"),
    "cp.no_key": (
        "本浏览器中没有您的签名密钥：请先到",
        "No signing key of yours in this browser: go to",
    ),
    "cp.keys_page": ("我的密钥", "My keys"),
    "cp.bundle": ("签名脚本 SHA-256：", "Signing script SHA-256: "),
    "cp.open": ("查看", "Open"),
    "cp.js.sent": ("已提交。", "Submitted."),
    "cp.js.failed": ("提交失败：", "Refused: "),
}
_CATALOGUE.update(
    {
        f"cp.matter.{m}": v
        for m, v in {
            Matter.DOCUMENTS: ("招标文件（第二十二条）", "Tender documents (Reg. 22)"),
            Matter.OPENING: ("开标（第四十四条）", "Opening (Reg. 44)"),
            Matter.CANDIDATES: ("评标结果（第五十四条）", "Candidates (Reg. 54)"),
            Matter.OTHER: ("其他事项", "Other"),
        }.items()
    }
)
_CATALOGUE.update(
    {
        f"cp.status.{s}": v
        for s, v in {
            Status.FILED: ("待受理", "Filed"),
            Status.ACCEPTED: ("已受理", "Accepted"),
            Status.REFUSED: ("不予受理", "Refused"),
            Status.DECIDED: ("已处理", "Decided"),
            Status.WITHDRAWN: ("已撤回", "Withdrawn"),
        }.items()
    }
)
_CATALOGUE.update(
    {
        f"cp.step.{s}": v
        for s, v in {
            Step.ACCEPT: ("受理", "Accept"),
            Step.REFUSE: ("不予受理", "Refuse"),
            Step.PAUSE_TESTING: ("检验、检测、鉴定（期限暂停）", "Pause for testing"),
            Step.PAUSE_EXPERT_REVIEW: ("专家评审（期限暂停）", "Pause for expert review"),
            Step.END_PAUSE: ("暂停结束", "End the pause"),
            Step.SUSPEND: ("暂停招标投标活动（第六十二条）", "Suspend the procedure (Reg. 62)"),
            Step.RESUME: ("恢复招标投标活动", "Resume the procedure"),
            Step.UPHOLD: ("投诉成立", "Uphold"),
            Step.DISMISS: ("驳回投诉", "Dismiss"),
            Step.WITHDRAW: ("撤回投诉", "Withdraw"),
        }.items()
    }
)
_CATALOGUE.update(
    {
        "cp.decision.upheld": ("投诉成立", "Upheld"),
        "cp.decision.dismissed": ("驳回", "Dismissed"),
        "cp.decision.withdrawn": ("撤回", "Withdrawn"),
    }
)
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n_tender)
translate = _TEXTS.translate
has = _TEXTS.has


catalogue = _TEXTS.catalogue


def script_texts(lang: str) -> dict[str, str]:
    """The strings web/static/js/complaints.js shows."""
    index = _INDEX.get(lang, 0)
    return {k: v[index] for k, v in _CATALOGUE.items() if k.startswith("cp.js.")}
