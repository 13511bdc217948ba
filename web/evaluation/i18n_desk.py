"""Messages of the host's and venue staff's desk and the supervisor's observer view,
Chinese (zh-CN) first, with English (issue 12, item 2).

Keys start with ``desk.`` (the desk), ``obs.`` (the observer view) or ``live.`` (the
connection banner both share); phases and anything else fall back to the evaluation
pages' catalogue (web/evaluation/i18n.py), then the site's. The pages' scripts get
their strings from :func:`script_texts` (a data attribute: no inline script).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web.evaluation import i18n as evaluation_texts

_CATALOGUE: dict[str, tuple[str, str]] = {
    # --- the connection (web/static/js/live.js) ---
    "live.connecting": ("正在连接…", "Connecting…"),
    "live.lost": ("连接已断开，正在重新连接…", "Connection lost — reconnecting…"),
    "live.resumed": ("连接已恢复，期间的事件已补齐。", "Connection resumed; nothing was missed."),
    "live.closed": ("连接已关闭，您已不能参加本会议。", "Disconnected: you no longer take part."),
    # --- both pages ---
    "desk.phase": ("阶段", "Phase"),
    "desk.deadline": ("本阶段截止", "Phase deadline"),
    "desk.paused": ("已暂停", "Paused"),
    "desk.pause_reason": ("暂停原因", "Reason for the pause"),
    "desk.resume_by": ("须在此前恢复", "Resume by"),
    "desk.starts_at": ("开始时间", "Starts at"),
    "desk.main_venue": ("主场", "Main venue"),
    "desk.chair": ("组长", "Chair"),
    "desk.none": ("—", "—"),
    "desk.members": ("评标委员会成员", "Committee members"),
    "desk.seat": ("席位", "Seat"),
    "desk.name": ("姓名", "Name"),
    "desk.kind": ("身份", "Kind"),
    "desk.kind.expert": ("评标专家", "Expert"),
    "desk.kind.representative": ("招标人代表", "Tenderer's representative"),
    "desk.venue": ("评标地点", "Venue"),
    "desk.signed_in": ("已签到", "Signed in"),
    "desk.confirmed": ("身份已核验", "Identity confirmed"),
    "desk.present": ("到场", "Present"),
    "desk.declared": ("回避声明", "Declaration"),
    "desk.declared.none": ("无利害关系", "No conflict"),
    "desk.declared.conflict": ("申请回避", "Conflict: recused"),
    "desk.status": ("状态", "Status"),
    "desk.status.seated": ("在席", "Seated"),
    "desk.status.recused": ("已回避", "Recused"),
    "desk.status.absent": ("缺席", "Absent"),
    "desk.status.replaced": ("已更换", "Replaced"),
    "desk.vacant": ("待补席", "Vacant"),
    "desk.yes": ("是", "Yes"),
    "desk.no": ("否", "No"),
    "desk.actions": ("操作", "Actions"),
    "desk.events": ("会议事件", "Session events"),
    "desk.loading": ("加载中…", "Loading…"),
    "desk.error": ("操作被拒绝：", "Refused: "),
    "desk.done": ("已完成。", "Done."),
    # --- the overseers' list (/evaluations) ---
    "desk.list.title": ("评标会议", "Evaluation sessions"),
    "desk.list.hint": (
        "交易中心工作人员主持或协助的评标会议、监督人员所监督部门的评标会议，进行中的在前。",
        "The sessions the centre's staff host or assist, and those of the departments a "
        "supervisor oversees; sessions under way first.",
    ),
    # --- the desk ---
    "desk.title": ("评标会议 · 主持人工作台", "Evaluation session · host's desk"),
    "desk.title.venue": ("评标会议 · 副场工作台", "Evaluation session · venue desk"),
    "desk.hint": (
        "主持人在此开启签到、核验主场专家身份、开始会议、暂停与恢复、处理更换，并查看各场地报告的故障。",
        "The host opens the sign-in, confirms identities at the main venue, starts the "
        "session, pauses and resumes it, handles replacements and sees the faults venues "
        "report.",
    ),
    "desk.hint.venue": (
        "副场工作人员在此核验本场地签到专家的身份，查看本场地到场情况，并报告故障。",
        "Venue staff confirm the identities of the members who signed in at this venue, "
        "see who is present here, and report faults.",
    ),
    "desk.your_venues": ("您负责的副场", "Your assisting venues"),
    "desk.to_host": ("切换到主持人工作台", "Switch to the host's desk"),
    "desk.to_venue": ("切换到副场工作台", "Switch to the venue desk"),
    "desk.host": ("主持人操作", "Host's actions"),
    "desk.open_sign_in": ("开启签到", "Open the sign-in"),
    "desk.start": ("开始评标", "Start the session"),
    "desk.pause": ("暂停", "Pause"),
    "desk.resume": ("恢复", "Resume"),
    "desk.reason": ("原因", "Reason"),
    "desk.commercial_opened": (
        "商务标开标记录已公布，继续评审",
        "The commercial record is published: go on",
    ),
    "desk.identity": ("身份核验", "Identity check"),
    "desk.id_details": ("核验信息", "Details to check"),
    "desk.user_id": ("用户编号", "User id"),
    "desk.signed_in_at": ("签到时间", "Signed in at"),
    "desk.id_checked": ("我已核对其身份证件", "I checked the ID card"),
    "desk.confirm": ("确认身份", "Confirm identity"),
    "desk.not_here": ("由签到场地的工作人员核验", "Confirmed by the staff of the venue"),
    "desk.mark_no_show": ("记为缺席", "Mark as no-show"),
    "desk.request_replacement": ("申请更换", "Request a replacement"),
    "desk.seat_replacement": ("补入新成员", "Seat the replacement"),
    "desk.replacement_user": ("补入人员的用户编号", "The newcomer's user id"),
    "desk.replacements": ("更换", "Replacements"),
    "desk.cause": ("原因类别", "Cause"),
    "desk.cause.conflict": ("回避", "Conflict"),
    "desk.cause.absent": ("缺席", "Absent"),
    "desk.cause.host": ("主持人申请", "Host's request"),
    "desk.requested_at": ("申请时间", "Requested"),
    "desk.approved_at": ("监督批准", "Approved"),
    "desk.seated_at": ("补入时间", "Seated"),
    "desk.waiting_approval": ("待监督人员批准", "Awaiting a supervisor's approval"),
    "desk.faults": ("场地故障报告", "Fault reports"),
    "desk.no_faults": ("暂无故障报告。", "No fault reported."),
    "desk.report_fault": ("报告故障", "Report a fault"),
    "desk.fault_text": ("故障说明（500 字以内）", "What happened (up to 500 characters)"),
    "desk.fault_by": ("报告人", "Reported by"),
    "desk.fault_at": ("时间", "Time"),
    "desk.no_members_here": ("暂无成员在本场地签到。", "No member has signed in here yet."),
    "desk.present_here": ("本场地到场", "Present at this venue"),
    "desk.not_staff": (
        "只有交易中心工作人员可以使用工作台。",
        "Only the centre's staff use the desk.",
    ),
    # --- the observer view ---
    "obs.title": ("评标会议 · 监督观察", "Evaluation session · supervisor's view"),
    "obs.hint": (
        "实时查看评标会议全过程（密封内容除外，仅显示其承诺值），批准成员更换，并记录经您签名的监督记录。监督记录不进入评标报告。",
        "The session live (sealed content excepted: only its commitments), approving "
        "replacements, and your own signed notes. Notes are never part of the report.",
    ),
    "obs.approve": ("批准更换", "Approve the replacement"),
    "obs.nothing_to_approve": ("没有待批准的更换。", "No replacement awaits approval."),
    "obs.notes": ("我的监督记录", "My notes"),
    "obs.note_text": ("记录内容（4000 字以内）", "Note (up to 4000 characters)"),
    "obs.sign_note": ("签名并提交", "Sign and send"),
    "obs.no_notes": ("暂无记录。", "No note yet."),
    "obs.noted_at": ("时间", "Time"),
    "obs.signer": ("签名证书 SHA-256", "Signing certificate SHA-256"),
    "obs.no_key": (
        "此浏览器没有您的签名密钥：请先在“我的签名密钥”页面创建或导入。",
        "This browser holds no signing key of yours: create or import one on the signing "
        "keys page first.",
    ),
    "obs.keys_link": ("我的签名密钥", "My signing keys"),
    "obs.signing_unavailable": (
        "签名脚本尚不可用。",
        "The signing script is not available yet.",
    ),
    "obs.bundle": ("签名脚本 SHA-256：", "Signing script SHA-256: "),
    "obs.sheets": ("已揭示评审表", "Revealed sheets"),
    "obs.not_supervisor": (
        "只有本项目监督部门的监督人员可以使用观察页。",
        "Only supervisors of the tender's department use the observer view.",
    ),
}
CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType(_CATALOGUE)

# Event kinds as the pages name them (docs/formats/evaluation-session.md §5, the sheet,
# report, clarification and note formats); an unknown kind is shown as it is.
EVENTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "session.scheduled": ("会议已排期", "Session scheduled"),
        "session.phase": ("进入阶段", "Phase"),
        "session.paused": ("会议暂停", "Session paused"),
        "pause.detail": ("暂停原因", "Reason for the pause"),
        "session.resumed": ("会议恢复", "Session resumed"),
        "session.sealed": ("会议已封存", "Session sealed"),
        "member.signed_in": ("签到", "Signed in"),
        "member.present": ("身份已核验", "Identity confirmed"),
        "member.declared": ("回避声明", "Declaration"),
        "member.absent": ("缺席", "Absent"),
        "member.replaced": ("新成员补入", "Replacement seated"),
        "member.detail": ("成员信息", "Member details"),
        "replacement.requested": ("申请更换", "Replacement requested"),
        "replacement.detail": ("更换原因", "Replacement reason"),
        "replacement.approved": ("更换已批准", "Replacement approved"),
        "bids.listed": ("投标文件清单", "Bids listed"),
        "chair.voted": ("推选组长投票", "Chair vote"),
        "chair.revote": ("组长重新推选", "Chair: another round"),
        "chair.elected": ("组长当选", "Chair elected"),
        "chair.vacant": ("组长空缺", "Chair vacant"),
        "time.short_vote": ("时间不足表决", "Time-short vote"),
        "time.extended": ("截止时间延长", "Deadline extended"),
        "sheet.submitted": ("评审表已密封提交", "Sheet sealed and submitted"),
        "sheet.revealed": ("评审表已揭示", "Sheet revealed"),
        "sheet.opened": ("评审表内容", "Sheet opened"),
        "sheet.revised": ("评审表已修正", "Sheet revised"),
        "deviation.flagged": ("评分偏离", "Deviations flagged"),
        "deviation.explained": ("偏离说明", "Deviation explained"),
        "qualification.result": ("资格评审结果", "Qualification result"),
        "ranking": ("汇总排序", "Ranking"),
        "report.drafted": ("评标报告已生成", "Report drafted"),
        "report.signed": ("评标报告签署", "Report signed"),
        "report.refused": ("拒绝签署", "Refused to sign"),
        "report.refusal_reason": ("拒签理由", "Reason for refusing"),
        "session.closed": ("评标结束", "Session closed"),
        "report.dissent": ("不同意见", "Dissent"),
        "clarification.asked": ("澄清问题", "Clarification asked"),
        "clarification.answered": ("澄清答复", "Clarification answered"),
        "clarification.refused": ("澄清答复不予采纳", "Clarification refused"),
        "supervisor.note": ("监督记录", "Supervisor's note"),
        "fault.reported": ("场地故障", "Fault reported"),
    }
)


def translate(lang: str, key: str, **params: str) -> str:
    """This page's message, else the evaluation pages' (phases too), else the site's."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return evaluation_texts.translate(lang, key, **params)
    text = entry[0] if lang == "zh-CN" else entry[1]
    return text.format(**params) if params else text


def script_texts(lang: str) -> dict[str, str]:
    """Every string the desk's and observer's scripts show, by key; event kinds under
    ``event.<kind>``, phases under ``phase.<phase>``."""
    index = 0 if lang == "zh-CN" else 1
    out = {key: entry[index] for key, entry in _CATALOGUE.items()}
    out.update({f"event.{kind}": entry[index] for kind, entry in EVENTS.items()})
    for phase, entry in evaluation_texts.PHASES.items():
        out[f"phase.{phase}"] = entry[index]
    return out
