"""Messages of the expert-pool pages, Chinese (zh-CN) first, with English.

Keys start with ``ep.``; anything else falls back to the site catalogue (web/i18n.py),
so the shared layout (header, language switch) reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n
from web.expert_pool.i18n_venues import STRINGS as VENUE_STRINGS

_CATALOGUE: dict[str, tuple[str, str]] = {
    # navigation
    "ep.nav.pool": ("专家库", "Expert pool"),
    "ep.nav.draws": ("专家抽取", "Expert draws"),
    "ep.nav.new_draw": ("申请抽取", "Request a draw"),
    "ep.nav.invitations": ("抽取通知", "Draw notices"),
    "ep.nav.record": ("我的记录", "My record"),
    # the pool
    "ep.pool.title": ("综合评标专家库", "Comprehensive expert pool"),
    "ep.pool.search": ("查询", "Search"),
    "ep.pool.hint": (
        "仅行政监督和管理员可查询专家库；抽取操作人员无权浏览。",
        "Only supervisors and administrators may search the pool; draw operators cannot.",
    ),
    "ep.pool.none": ("没有符合条件的专家。", "No expert matches."),
    "ep.pool.next": ("下一页", "Next page"),
    "ep.field.any": ("不限", "Any"),
    "ep.field.id": ("编号", "Id"),
    "ep.field.name": ("姓名", "Name"),
    "ep.field.specialty": ("专业", "Specialty"),
    "ep.field.region": ("地区", "Region"),
    "ep.field.status": ("状态", "Status"),
    "ep.field.title": ("职称", "Title"),
    "ep.field.years": ("从业年限", "Years"),
    "ep.field.employer": ("工作单位信用代码", "Employer (credit code)"),
    "ep.field.id_card": ("身份证后四位", "ID card (last 4)"),
    "ep.expert.active": ("正常", "Active"),
    "ep.expert.suspended": ("暂停", "Suspended"),
    "ep.expert.retired": ("退出", "Retired"),
    "ep.expert.banned": ("禁入", "Banned"),
    "ep.title.full_senior": ("正高级", "Full senior"),
    "ep.title.senior": ("副高级", "Senior"),
    "ep.title.equivalent": ("同等专业水平", "Equivalent"),
    "ep.title.intermediate": ("中级", "Intermediate"),
    # draws
    "ep.draws.title": ("专家抽取", "Expert draws"),
    "ep.draws.none": ("暂无抽取。", "No draws yet."),
    "ep.draws.tender": ("项目", "Tender"),
    "ep.draws.session": ("评标时间", "Session"),
    "ep.draws.seats": ("已确认 / 需要", "Confirmed / needed"),
    "ep.status.requested": ("已申请", "Requested"),
    "ep.status.prepared": ("已回避筛选", "Pools prepared"),
    "ep.status.committed": ("已承诺，待随机数", "Committed, awaiting entropy"),
    "ep.status.drawing": ("抽取与确认中", "Drawing and confirming"),
    "ep.status.complete": ("组建完成", "Committee complete"),
    "ep.status.cancelled": ("已取消", "Cancelled"),
    "ep.member.notified": ("待确认", "Awaiting answer"),
    "ep.member.confirmed": ("已确认", "Confirmed"),
    "ep.member.declined": ("已拒绝", "Declined"),
    "ep.member.timed_out": ("超时未答复", "Timed out"),
    "ep.member.released": ("已替换释放", "Released (replaced)"),
    "ep.draw.title": ("抽取 {id}", "Draw {id}"),
    "ep.draw.status": ("状态", "Status"),
    "ep.draw.attempt": ("第 {n} 次抽取", "Attempt {n}"),
    "ep.draw.rounds": ("已抽取轮次", "Rounds drawn"),
    "ep.draw.seats": ("席位", "Seats"),
    "ep.draw.label": ("类别", "Category"),
    "ep.draw.places": ("人数", "Places"),
    "ep.draw.confirmed": ("已确认", "Confirmed"),
    "ep.draw.waiting": ("待答复", "Waiting"),
    "ep.draw.declined": ("拒绝或超时", "Declined or timed out"),
    "ep.draw.missing": ("缺额", "Shortfall"),
    "ep.draw.shortfall": (
        "专家库不足，已记录缺额并通知代理机构和监督人员。",
        "The pool ran out: the shortfall is recorded and the agency and supervisors alerted.",
    ),
    "ep.draw.sealed": (
        "评标委员会名单在定标前保密：代理机构只能看到人数和确认状态。",
        "The committee list is sealed until the award: the agency sees counts and status only.",
    ),
    "ep.draw.commit_hash": ("承诺哈希", "Commit hash"),
    "ep.draw.entropy_in": ("本轮已提供随机数", "Entropy in for this round"),
    "ep.draw.reason": ("理由", "Reason"),
    "ep.action.prepare": ("回避筛选并生成专家库", "Apply exclusions and build pools"),
    "ep.action.commit": ("记录承诺（不可更改）", "Log the commit (final)"),
    "ep.action.approve_pool": ("批准库容不足的抽取", "Approve pools below the ratio"),
    "ep.action.approve_redraw": ("批准取消并重新抽取", "Approve cancel-and-redraw"),
    "ep.action.cancel": ("取消本次抽取", "Cancel this draw"),
    "ep.reopen.title": ("补抽（评标专家更换）", "Replacement round (evaluation replacement)"),
    "ep.reopen.hint": (
        "监督人员批准评标会议中的更换后，为该席位补抽专家：原专家退出本次抽取，"
        "监督人员提交新的熵值后抽取补位专家。",
        "Once a supervisor approved a session's replacement, draw the seat's place again: "
        "the leaving expert is released and a supervisor's fresh entropy draws the new one.",
    ),
    "ep.reopen.session": ("评标会议编号", "Evaluation session id"),
    "ep.reopen.seats": ("席位（如 3 或 3, 4）", "Seats (e.g. 3 or 3, 4)"),
    "ep.reopen.submit": ("开始补抽", "Open the replacement round"),
    "ep.done": ("操作已完成。", "Done."),
    "ep.error": ("操作未完成：{message}", "Not done: {message}"),
    "ep.pools.below": (
        "以下类别的专家库小于抽取人数的 {ratio} 倍，需监督人员批准：{labels}",
        "These pools are below {ratio} × the places and need a supervisor's approval: {labels}",
    ),
    "ep.pools.sizes": ("各类别专家库人数", "Pool sizes"),
    "ep.excl.title": ("回避与排除（提交承诺前复核）", "Exclusions (review before the commit)"),
    "ep.excl.count": ("共排除 {n} 名候选专家", "{n} candidates excluded"),
    "ep.excl.reasons": ("原因", "Reasons"),
    "ep.members.title": ("抽取名单（保密）", "The drawn (sealed)"),
    "ep.members.seated": ("在席", "Seated"),
    "ep.members.venues": ("副场（随机抽取）", "Assisting venues (drawn)"),
    "ep.members.round": ("轮次", "Round"),
    "ep.commit.title": ("承诺与见证检查点", "Commit and witnessed checkpoint"),
    "ep.commit.index": ("日志序号", "Log index"),
    "ep.commit.covered": (
        "该承诺已被检查点（树大小 {size}）覆盖，包含证明共 {n} 个哈希。",
        "The commit is covered by the checkpoint of size {size}; inclusion proof of {n} hashes.",
    ),
    "ep.commit.pending": (
        "尚无覆盖该承诺的检查点，请稍候刷新后再提供随机数。",
        "No checkpoint covers the commit yet: refresh shortly before contributing.",
    ),
    "ep.commit.cosigners": ("见证方联署", "Cosigned by"),
    "ep.commit.no_cosigners": ("尚无见证方联署", "Not cosigned yet"),
    "ep.entropy.title": ("提供随机数（第 {r} 轮）", "Contribute entropy (round {r})"),
    "ep.entropy.hint": (
        "随机数在您的浏览器本地生成（crypto.getRandomValues，256 位），服务器从不生成随机数。"
        "也可使用命令行：etender draw entropy。",
        "The entropy is generated in your own browser (crypto.getRandomValues, 256 bits); "
        "the server never generates it. Or use the command line: etender draw entropy.",
    ),
    "ep.entropy.generate": ("本地生成随机数", "Generate locally"),
    "ep.entropy.value": ("随机数（十六进制）", "Entropy (hex)"),
    "ep.entropy.submit": ("提交随机数", "Submit entropy"),
    "ep.entropy.replacement": (
        "有专家拒绝或超时，需要监督人员提供新的随机数进行补抽。",
        "Declines or timeouts wait for a replacement round: a supervisor's fresh entropy.",
    ),
    "ep.links.transcript": ("抽取记录 JSON", "Transcript JSON"),
    "ep.links.pdf": ("抽取记录 PDF", "Transcript PDF"),
    "ep.links.pools": ("专家库名单 JSON", "Pools JSON"),
    "ep.links.verify": (
        "核验：etender draw verify transcript.json pools.json",
        "Verify: etender draw verify transcript.json pools.json",
    ),
    "ep.att.title": ("考勤", "Attendance"),
    "ep.att.record": ("记录考勤", "Record attendance"),
    "ep.att.expert": ("专家编号", "Expert id"),
    "ep.att.event": ("事件", "Event"),
    "ep.att.time": ("时间", "Time"),
    "ep.event.signed_in": ("签到", "Signed in"),
    "ep.event.left": ("离场", "Left"),
    "ep.event.late": ("迟到", "Late"),
    "ep.event.absent": ("缺席", "Absent"),
    "ep.event.left_early": ("早退", "Left early"),
    "ep.event.unable_to_operate": ("不会操作电子评标", "Unable to operate"),
    "ep.assess.title": ("评价", "Assessment"),
    "ep.assess.score": ("评分（0–100）", "Score (0–100)"),
    "ep.assess.comment": ("评语", "Comment"),
    "ep.assess.offences": ("扣分事项", "Offences"),
    "ep.assess.submit": ("提交评价", "Submit assessment"),
    "ep.offence.late": ("迟到超过15分钟", "Late over 15 min"),
    "ep.offence.unable_to_operate": ("不会操作电子评标", "Unable to operate"),
    "ep.offence.absent": ("缺席", "Absent"),
    "ep.offence.left_early": ("早退", "Left early"),
    "ep.offence.hid_conflict": ("隐瞒应回避情形", "Hid a conflict"),
    # a new draw
    "ep.new.title": ("申请抽取评标专家", "Request an expert draw"),
    "ep.new.tender": ("项目编号", "Tender id"),
    "ep.new.lot": ("标段", "Lot"),
    "ep.new.project": ("工程项目编号", "Project id"),
    "ep.new.tenderer": ("招标人统一社会信用代码", "Tenderer's credit code"),
    "ep.new.department": ("行政监督部门", "Supervising department"),
    "ep.new.start": ("评标开始（北京时间）", "Session start (Beijing time)"),
    "ep.new.end": ("评标结束（北京时间）", "Session end (Beijing time)"),
    "ep.new.category": ("专业类别 {n}", "Category {n}"),
    "ep.new.count": ("人数", "Count"),
    "ep.new.rule.local": ("本地库", "Local pool"),
    "ep.new.rule.remote": ("异地库", "Remote pool"),
    "ep.new.venues": ("副场数量（远程异地评标）", "Assisting venues (remote evaluation)"),
    "ep.new.representatives": ("招标人代表人数", "Tenderer's representatives"),
    "ep.new.agency_entropy": (
        "代理机构也提供随机数（须在监督人员之前）",
        "The agency contributes entropy too (before the supervisor)",
    ),
    "ep.new.submit": ("提交申请", "Submit the request"),
    "ep.new.rule_hint": (
        "委员会至少 5 人且为单数，专家不少于三分之二；不得指定专家。",
        "At least 5 members, an odd number, experts at least two thirds; "
        "naming experts is forbidden.",
    ),
    # the expert
    "ep.inv.title": ("抽取通知", "Draw notices"),
    "ep.inv.none": ("暂无抽取通知。", "No draw notices."),
    "ep.inv.deadline": ("答复截止", "Answer by"),
    "ep.inv.statement": ("待签名声明", "Statement to sign"),
    "ep.inv.signature": ("CMS 签名（Base64）", "CMS signature (base64)"),
    "ep.inv.confirm": ("签名确认参加", "Sign and confirm"),
    "ep.inv.decline": ("签名拒绝参加", "Sign and decline"),
    "ep.inv.hint": (
        "请用您登记的数字证书在本机签名：etender draw respond --statement 声明文件 "
        "--cert 证书 --key 私钥，把输出的签名粘贴到下方。平台不保存您的私钥。",
        "Sign with your registered certificate on your own machine: etender draw respond "
        "--statement FILE --cert CERT --key KEY, then paste the signature below. "
        "The platform never holds your private key.",
    ),
    "ep.rec.title": ("我的年度记录", "My yearly record"),
    "ep.rec.year": ("{year} 年", "Year {year}"),
    "ep.rec.points": ("扣分", "Points"),
    "ep.rec.accepted": ("已接受抽取", "Draws accepted"),
    "ep.rec.attended": ("已出席", "Attended"),
    "ep.rec.sanctions": ("处理", "Sanctions"),
    "ep.rec.no_sanctions": ("无", "None"),
    "ep.rec.incidents": ("扣分记录", "Incidents"),
    "ep.rec.calendar": ("不可参加评标的时间", "When I cannot serve"),
    "ep.rec.from": ("开始（北京时间）", "From (Beijing time)"),
    "ep.rec.to": ("结束（北京时间）", "To (Beijing time)"),
    "ep.rec.note": ("备注", "Note"),
    "ep.rec.add": ("添加", "Add"),
    "ep.rec.remove": ("删除", "Remove"),
    "ep.rec.empty": ("暂无。", "None yet."),
    "ep.sanction.report_and_publish": ("通报并公开", "Reported and published"),
    "ep.sanction.suspend": ("暂停抽取", "Suspended"),
}

# Exclusion reasons, for the supervisors' review.
_REASONS: dict[str, tuple[str, str]] = {
    "works_for_bidder": ("投标人员工", "Works for a bidder"),
    "works_for_tenderer": ("招标人员工", "Works for the tenderer"),
    "works_for_agency": ("代理机构员工", "Works for the agency"),
    "supervising_department_staff": ("行政监督部门人员", "Supervising department staff"),
    "declared_relationship": ("申报有利害关系", "Declared relationship"),
    "penalised": ("受过行政或刑事处罚", "Penalised"),
    "suspended": ("暂停中", "Suspended"),
    "banned": ("已禁入", "Banned"),
    "retired": ("已退出", "Retired"),
    "over_age_limit": ("超过年龄上限", "Over the age limit"),
    "under_min_years": ("从业年限不足", "Too few years of practice"),
    "title_not_senior": ("职称不符", "Title below senior"),
    "cool_off_same_tenderer": ("近期服务过同一招标人", "Served the tenderer recently"),
    "monthly_cap_reached": ("本月评标次数已满", "Monthly cap reached"),
    "took_part_in_prequalification": ("参加过本项目资格预审", "Took part in prequalification"),
    "unavailable": ("评标时间不可参加", "Unavailable at the session"),
}
_CATALOGUE.update({f"ep.reason.{k}": v for k, v in _REASONS.items()})
_CATALOGUE.update(VENUE_STRINGS)  # the venue catalogue's page (issue 15)
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}


def translate(lang: str, key: str, **params: str) -> str:
    """The message in `lang`; keys not of this catalogue come from web/i18n.py."""
    entry = _CATALOGUE.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def catalogue() -> Mapping[str, tuple[str, str]]:
    """This catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
