"""Messages of the scoring room, Chinese (zh-CN) first, with English.

Keys ``room.*`` are the template's; keys ``js.*`` are handed to the page's scripts
(``script_texts``) as one JSON object, so that every string the scripts show comes from
this table too. Anything else falls back to web/evaluation/i18n.py (phases ``ev.phase.*``)
and the site catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web.evaluation import i18n as evaluation_texts

_CATALOGUE: dict[str, tuple[str, str]] = {
    # --- the template ---------------------------------------------------------------
    "room.title": ("评标室", "Scoring room"),
    "room.hint": (
        "本页实时显示评标会议；评审表在本机浏览器中填写、密封和签名，揭示前不离开本机。",
        "This page follows the session live; your sheet is filled in, sealed and signed in "
        "this browser, and nothing of it leaves this device before the reveal.",
    ),
    "room.phase": ("阶段", "Phase"),
    "room.deadline": ("本阶段截止", "Phase deadline"),
    "room.countdown": ("剩余", "Time left"),
    "room.present": ("已到场席位", "Seats present"),
    "room.chair": ("组长", "Chair"),
    "room.you": ("我的席位", "My seat"),
    "room.connecting": ("正在连接…", "Connecting…"),
    "room.nokey": (
        "本设备没有您的签名密钥，无法提交评审表或签署报告。请先在“我的签名密钥”页面创建或导入密钥。",
        "This device holds no signing key of yours: you cannot submit a sheet or sign the "
        "report. Create or import a key on the signing keys page first.",
    ),
    "room.nokey.link": ("我的签名密钥", "My signing keys"),
    "room.sign_in": ("签到", "Sign in"),
    "room.venue": ("签到场地", "Venue"),
    "room.sign_in.button": ("签到", "Sign in"),
    "room.declare": ("回避声明", "Conflict declaration"),
    "room.declare.none": ("本人与各投标人无利害关系", "I have no conflict with any bidder"),
    "room.declare.conflict": ("本人需要回避", "I have a conflict and withdraw"),
    "room.declare.explanation": ("说明", "Explanation"),
    "room.declare.button": ("提交声明", "Declare"),
    "room.vote": ("推选组长", "Elect the chair"),
    "room.vote.seat": ("推选", "Vote for"),
    "room.vote.button": ("投票", "Vote"),
    "room.time_short": ("时间不足", "Time is short"),
    "room.time_short.hint": (
        "超过三分之一的成员认为时间不足时，本阶段延长。",
        "When more than a third of the members say so, the phase is extended.",
    ),
    "room.time_short.button": ("时间不足，申请延长", "Time is short: extend"),
    "room.briefing": ("项目与投标", "Project and bids"),
    "room.bids": ("投标", "Bids"),
    "room.bidder": ("投标人", "Bidder"),
    "room.credit_code": ("统一社会信用代码", "Credit code"),
    "room.price": ("投标报价", "Price"),
    "room.method": ("评标办法", "Evaluation method"),
    "room.files": ("已解密的投标文件", "Opened bid files"),
    "room.files.hint": (
        "每次打开文件均记入透明日志。",
        "Each file you open is recorded in the transparency log.",
    ),
    "room.file": ("文件", "File"),
    "room.part": ("部分", "Part"),
    "room.size": ("大小", "Size"),
    "room.open": ("打开", "Open"),
    "room.items": ("评审项目", "Items"),
    "room.sheet": ("我的评审表", "My sheet"),
    "room.sheet.hint": (
        "每次修改都保存为本机草稿；提交时在本机密封并签名，只发送承诺值、密文和签名。",
        "Every change is saved as a draft on this device; on submit the sheet is sealed "
        "and signed here, and only its commitment, ciphertext and signature are sent.",
    ),
    "room.submit": ("密封并提交", "Seal and submit"),
    "room.reveal": ("揭示与复核", "Reveal and review"),
    "room.reveal.button": ("揭示我的评审表", "Reveal my sheet"),
    "room.opened": ("已揭示的评审表", "Revealed sheets"),
    "room.qualification_result": ("资格评审结论", "Qualification result"),
    "room.flags": ("需要说明的偏离", "Deviations to explain"),
    "room.errors": ("组长记录的事实性错误", "Factual errors recorded by the chair"),
    "room.revise": ("修改评审表", "Revise my sheet"),
    "room.revise.button": ("签名并提交修改", "Sign and submit the revision"),
    "room.report": ("评标报告", "Evaluation report"),
    "room.report.sign": ("签署报告", "Sign the report"),
    "room.report.refuse": ("拒绝签署", "Refuse to sign"),
    "room.report.refuse_reason": (
        "拒绝理由（不填写理由视为同意）",
        "Reason for refusing (without one, it counts as agreement)",
    ),
    "room.report.dissent": ("不同意见", "Dissent"),
    "room.report.dissent.button": ("提交不同意见", "Submit the dissent"),
    "room.chair_controls": ("组长操作", "Chair's controls"),
    "room.close_phase": ("截止后结束本阶段", "Close the phase after its deadline"),
    "room.record_error": ("记录事实性错误", "Record a factual error"),
    "room.seat": ("席位", "Seat"),
    "room.bid": ("投标", "Bid"),
    "room.item": ("项目", "Item"),
    "room.text": ("内容", "Text"),
    "room.ask": ("书面澄清", "Ask for clarification"),
    "room.question": ("问题", "Question"),
    "room.ask.button": ("发出澄清", "Ask"),
    "room.clarifications": ("澄清", "Clarifications"),
    "room.refuse_clar": (
        "不予采纳澄清（改变实质内容）",
        "Refuse an answer (changes the substance)",
    ),
    "room.reason": ("理由", "Reason"),
    "room.refuse_clar.button": ("不予采纳", "Refuse the answer"),
    "room.rank": ("汇总排序", "Rank"),
    "room.draft_report": ("生成评标报告", "Draft the report"),
    "room.events": ("会议记录", "Session events"),
    "room.bundle": ("签名脚本 SHA-256：{sha}", "Signing script SHA-256: {sha}"),
    "room.refused.title": ("无法进入评标室", "You cannot enter this scoring room"),
    "room.not_member": (
        "只有本评标会议的在席成员可以进入评标室。",
        "Only the seated members of this evaluation session may enter its scoring room.",
    ),
    "room.not_found": ("没有这个评标会议。", "There is no such evaluation session."),
    "room.back": ("返回我的评标", "Back to my evaluations"),
}

# The session's events, as the room's log names them (docs/formats/evaluation-session.md
# §5, evaluation-sheet.md §5, evaluation-report.md §7); an unlisted kind shows as sent.
_KINDS: dict[str, tuple[str, str]] = {
    "session.scheduled": ("会议已排期", "Session scheduled"),
    "session.phase": ("阶段变更", "Phase changed"),
    "session.paused": ("会议暂停", "Session paused"),
    "session.resumed": ("会议恢复", "Session resumed"),
    "session.sealed": ("会议封存", "Session sealed"),
    "session.closed": ("评标结束", "Evaluation closed"),
    "member.signed_in": ("签到", "Signed in"),
    "member.present": ("身份已核验", "Identity confirmed"),
    "member.declared": ("回避声明", "Declaration"),
    "member.absent": ("缺席", "Absent"),
    "member.replaced": ("已替换", "Replaced"),
    "replacement.requested": ("申请替换", "Replacement requested"),
    "replacement.approved": ("替换已批准", "Replacement approved"),
    "bids.listed": ("公布项目与投标", "Project and bids shown"),
    "chair.voted": ("组长投票", "Chair vote"),
    "chair.revote": ("重新投票", "New round"),
    "chair.elected": ("组长当选", "Chair elected"),
    "chair.vacant": ("组长空缺", "Chair vacant"),
    "time.short_vote": ("时间不足表决", "Time-short vote"),
    "time.extended": ("截止时间延长", "Deadline extended"),
    "sheet.submitted": ("评审表已密封提交", "Sheet sealed and submitted"),
    "sheet.revealed": ("评审表已揭示", "Sheet revealed"),
    "sheet.opened": ("评审表内容公开", "Sheet opened"),
    "sheet.revised": ("评审表已修改", "Sheet revised"),
    "qualification.result": ("资格评审结论", "Qualification result"),
    "deviation.flagged": ("偏离标记", "Deviations flagged"),
    "deviation.explained": ("偏离说明", "Deviation explained"),
    "factual_error.recorded": ("记录事实性错误", "Factual error recorded"),
    "clarification.asked": ("书面澄清", "Clarification asked"),
    "clarification.answered": ("澄清已答复", "Clarification answered"),
    "clarification.refused": ("澄清不予采纳", "Clarification refused"),
    "ranking": ("汇总排序", "Ranking"),
    "report.drafted": ("评标报告生成", "Report drafted"),
    "report.dissent": ("不同意见", "Dissent"),
    "report.signed": ("签署报告", "Report signed"),
    "report.refused": ("拒绝签署", "Report refused"),
}

_SCRIPT: dict[str, tuple[str, str]] = {
    "js.lost": (
        "与评标会议的连接已断开，正在重新连接…",
        "Connection to the session lost: reconnecting…",
    ),
    "js.resumed": (
        "连接已恢复，错过的事件已补齐。",
        "Connection resumed: missed events caught up.",
    ),
    "js.conn_closed": (
        "连接已关闭：您已不是本评标会议的参与者（回避、缺席或被替换），或会话已失效。",
        "Connection closed: you are no longer a participant of this session (recused, absent "
        "or replaced), or your sign-in has expired.",
    ),
    "js.connecting": ("正在连接…", "Connecting…"),
    "js.paused": (
        "会议已暂停，须在 {at} 前恢复。",
        "The session is paused; it must resume by {at}.",
    ),
    "js.sealed": (
        "会议已封存（暂停超过时限），将重新组建评标委员会。",
        "The session is sealed (paused past its limit); a new committee will evaluate.",
    ),
    "js.closed": ("评标已结束。", "The evaluation is closed."),
    "js.error": ("未能完成：{message}（{code}）", "Not done: {message} ({code})"),
    "js.none": ("—", "—"),
    "js.main_venue": ("{name}（主场）", "{name} (main venue)"),
    "js.signed_in": (
        "已签到，等待场地工作人员核验身份。",
        "Signed in; venue staff will confirm your identity.",
    ),
    "js.present": ("已到场（身份已核验）。", "Present (identity confirmed)."),
    "js.declared": ("已提交回避声明。", "Declaration made."),
    "js.voted": ("本轮已投票。", "You voted in this round."),
    "js.revote": (
        "第 {round} 轮未形成多数，请重新投票。",
        "Round {round}: no majority, vote again.",
    ),
    "js.time_short_votes": (
        "已有 {votes}/{seated} 名成员认为时间不足。",
        "{votes} of {seated} members say time is short.",
    ),
    "js.time_extended": ("截止时间已延长至 {deadline}。", "Deadline extended to {deadline}."),
    "js.seat": ("专家{seat}", "Expert {seat}"),
    "js.you": ("（我）", " (me)"),
    "js.chair_you": ("您是组长。", "You are the chair."),
    "js.countdown": ("{h}小时{m}分{s}秒", "{h} h {m} min {s} s"),
    "js.overdue": ("已截止", "Past the deadline"),
    "js.open": ("打开", "Open"),
    "js.file_read": (
        "已读取，日志序号 {index}，SHA-256 {sha}",
        "Read; log entry {index}, SHA-256 {sha}",
    ),
    "js.file_mismatch": (
        "文件的 SHA-256 与清单不符！",
        "The file's SHA-256 differs from the manifest!",
    ),
    "js.file_binary": (
        "此文件无法在页面中显示，请下载后查看。",
        "This file cannot be shown in the page: download it.",
    ),
    "js.download": ("下载", "Download"),
    "js.method.comprehensive_scoring": ("综合评估法", "Comprehensive scoring"),
    "js.method.lowest_evaluated_price": ("经评审的最低投标价法", "Lowest evaluated price"),
    "js.qualification": ("资格评审项", "Qualification items"),
    "js.criteria": ("评分项", "Scoring criteria"),
    "js.adjustments": ("价格调整项", "Price adjustments"),
    "js.range": ("{min}–{max} 分", "{min}–{max} points"),
    "js.steps": ("可选分值：{steps}", "Steps: {steps}"),
    "js.fen_range": ("{min}–{max} 分（人民币分）", "{min}–{max} fen"),
    "js.price_points": ("价格分 {points} 分", "Price: {points} points"),
    "js.pass": ("合格", "Pass"),
    "js.fail": ("不合格", "Fail"),
    "js.choose": ("请选择", "Choose"),
    "js.reason": ("否决理由（第五十一条）", "Reason (Reg. 51)"),
    "js.explanation": ("说明", "Explanation"),
    "js.points": ("得分", "Points"),
    "js.fen": ("调整额（分）", "Adjustment (fen)"),
    "js.reason.no_signature": ("未按要求签字盖章", "Not signed or sealed as required"),
    "js.reason.not_qualified": ("不符合资格条件", "Does not meet a qualification requirement"),
    "js.reason.two_bids": ("提交两份以上投标或报价", "Two bids or two prices"),
    "js.reason.price_above_ceiling": ("报价高于最高投标限价", "Price above the ceiling"),
    "js.reason.price_below_cost": ("报价低于成本", "Price below cost"),
    "js.reason.not_responsive": ("未实质性响应招标文件", "Not responsive to the documents"),
    "js.reason.collusion_or_fraud": ("串通投标或弄虚作假", "Collusion or fraud"),
    "js.draft_saved": ("草稿已保存在本机（{at}）。", "Draft saved on this device ({at})."),
    "js.draft_restored": ("已恢复本机草稿。", "Draft restored from this device."),
    "js.incomplete": ("评审表未填完：{bid} · {item}", "The sheet is incomplete: {bid} · {item}"),
    "js.invalid_points": ("分值无效：{bid} · {item}", "Invalid value: {bid} · {item}"),
    "js.submitted": (
        "第 {version} 版已密封提交，承诺值 {commitment}。密钥保存在本机，揭示前不发送。",
        "Version {version} sealed and submitted, commitment {commitment}. The key stays on "
        "this device until the reveal.",
    ),
    "js.resent": (
        "本机保存的第 {version} 版密封评审表此前未送达，现已提交。",
        "Sealed version {version}, kept on this device, had not reached the session: it is "
        "submitted now.",
    ),
    "js.resubmit": (
        "截止前可修改后重新提交（新版本）。",
        "Until the deadline you may resubmit (a new version).",
    ),
    "js.seal_mismatch": (
        "本机保存的密封评审表与服务器记录的承诺值不一致，无法揭示。",
        "The sealed sheet on this device does not match the commitment the server holds: "
        "it cannot be revealed.",
    ),
    "js.no_sealed": (
        "本机没有这一阶段的密封评审表。",
        "This device holds no sealed sheet of this phase.",
    ),
    "js.revealed": ("已揭示第 {version} 版。", "Version {version} revealed."),
    "js.submitted_by": (
        "专家{seat} 已提交第 {version} 版",
        "Expert {seat} submitted version {version}",
    ),
    "js.revealed_by": ("专家{seat} 已揭示", "Expert {seat} revealed"),
    "js.flag": ("偏离：{bid} · {item}", "Deviation: {bid} · {item}"),
    "js.explain": ("提交说明", "Explain"),
    "js.explained": ("已说明", "Explained"),
    "js.error_recorded": (
        "专家{seat} · {bid} · {item}：{text}",
        "Expert {seat} · {bid} · {item}: {text}",
    ),
    "js.changed_reason": ("修改理由", "Reason for the change"),
    "js.revised": ("已提交修改（第 {version} 版）。", "Revision submitted (version {version})."),
    "js.nothing_to_revise": ("没有可修改的项目。", "Nothing may be revised."),
    "js.passed": ("通过", "Passed"),
    # A label and its text, and a list's separator, in the page's language (issue 15,
    # item 4: the fixed "：" and "、" showed on English pages).
    "js.labelled": ("{label}：{text}", "{label}: {text}"),
    "js.list_sep": ("、", ", "),
    "js.failed": ("未通过", "Failed"),
    "js.rank": ("排名", "Rank"),
    "js.total": ("得分", "Score"),
    "js.evaluated_price": ("评审价", "Evaluated price"),
    "js.decided_by": ("排序依据", "Decided by"),
    "js.candidates": ("中标候选人", "Candidates"),
    "js.dissents": ("不同意见", "Dissents"),
    "js.report_version": ("第 {version} 版，SHA-256 {sha}", "Version {version}, SHA-256 {sha}"),
    "js.report_signed": ("您已签署第 {version} 版。", "You signed version {version}."),
    "js.report_refused": (
        "您已答复第 {version} 版（拒绝）。",
        "You answered version {version} (refused).",
    ),
    "js.answers": ("签署情况", "Answers"),
    "js.answer.signed": ("已签署", "Signed"),
    "js.answer.refused": ("拒绝", "Refused"),
    "js.answer.pending": ("待签署", "Pending"),
    "js.clar_asked": ("向 {bid} 提问：{question}", "To {bid}: {question}"),
    "js.clar_answer": ("答复：{answer}", "Answer: {answer}"),
    "js.clar_refused": ("不予采纳：{reason}", "Not accepted: {reason}"),
    "js.done": ("已完成。", "Done."),
    "js.column.seat": ("席位", "Seat"),
    "js.column.bid": ("投标", "Bid"),
    "js.column.item": ("项目", "Item"),
    "js.column.value": ("结论/分值", "Finding / value"),
    "js.column.version": ("版本", "Version"),
    "js.decided.result": ("得分/评审价", "Result"),
    "js.decided.tie_rule": ("同分规则", "Tie rule"),
    "js.decided.submission": ("递交时间", "Submission time"),
    "js.decided.bid_id": ("投标编号（委员会按招标文件确定）", "Bid id (the committee settles it)"),
    "js.member_sums": ("各成员技术评分合计", "Each member's technical sum"),
    "js.rejected": ("否决投标", "Rejected bids"),
    "js.deviations": ("偏离复核", "Deviation review"),
    "js.no_items": (
        "本评标办法在这一阶段没有评审项：评审表为空，仍须密封提交。",
        "The method has no items in this phase: the sheet is empty and is still sealed and "
        "submitted.",
    ),
    "js.part.main": ("投标文件", "Bid"),
    "js.part.technical": ("技术标", "Technical part"),
    "js.part.commercial": ("商务标", "Commercial part"),
    **{f"js.kind.{kind}": pair for kind, pair in _KINDS.items()},
}

CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType({**_CATALOGUE, **_SCRIPT})


def translate(lang: str, key: str, **params: str) -> str:
    """This page's message, else the evaluation pages' (phases) and the site's."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return evaluation_texts.translate(lang, key, **params)
    text = entry[0] if lang == "zh-CN" else entry[1]
    return text.format(**params) if params else text


def script_texts(lang: str) -> dict[str, str]:
    """Every ``js.*`` message in ``lang``, keyed without the prefix (placeholders kept)."""
    return {
        key.removeprefix("js."): pair[0 if lang == "zh-CN" else 1] for key, pair in _SCRIPT.items()
    }
