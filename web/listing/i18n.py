"""Messages of the listings' pages (public, the centre's desk, a bidder's own), Chinese
first, with English.

Keys start with ``ls.``; anything else falls back to the site catalogue (web/i18n.py).
Error codes show as ``ls.error.<code>`` when a translation exists, else as the catalogue
of errors has them (web/errortext/).
"""

from __future__ import annotations

from web import i18n
from web.feature_texts import FeatureCatalogue

_CATALOGUE: dict[str, tuple[str, str]] = {
    "ls.title": ("挂牌交易", "Listings"),
    "ls.lead": (
        "国有建设用地使用权、采矿权挂牌出让与企业国有资产挂牌转让的公告与结果。",
        "Notices and results of listings: land use rights, mining rights, state-owned property.",
    ),
    "ls.none": ("暂无挂牌项目。", "No listings yet."),
    "ls.not_found": ("没有这个挂牌项目。", "No listing has this id."),
    "ls.code": ("项目编号", "Code"),
    "ls.kind": ("类型", "Kind"),
    "ls.kind.land_use": ("国有建设用地使用权", "Land use rights"),
    "ls.kind.mining": ("采矿权", "Mining rights"),
    "ls.kind.state_property": ("企业国有资产", "State-owned property"),
    "ls.published_at": ("公告时间", "Notice published"),
    "ls.starts_at": ("挂牌开始", "Listing starts"),
    "ls.ends_at": ("挂牌截止", "Listing ends"),
    "ls.start_price": ("起始价（元）", "Start price (CNY)"),
    "ls.increment": ("加价幅度（元）", "Increment (CNY)"),
    "ls.deposit": ("竞买保证金（元）", "Deposit (CNY)"),
    "ls.reserve": ("底价", "Reserve price"),
    "ls.reserve.yes": ("设有底价（密封，挂牌结束时开启）", "Set (sealed; opened at the end)"),
    "ls.reserve.no": ("未设底价", "None"),
    "ls.phase": ("当前阶段", "Phase"),
    "ls.phase.notice": ("公告期", "Notice"),
    "ls.phase.listing": ("挂牌期", "Listing period"),
    "ls.phase.ended": ("挂牌已截止", "Ended"),
    "ls.bidders": ("竞买人（竞买号）", "Bidders (bidder numbers)"),
    "ls.bidders.hint": (
        "结果公布前仅显示竞买号，不显示竞买人名称。",
        "Until the result, bidders are shown by number only, never by name.",
    ),
    "ls.number": ("竞买号", "Number"),
    "ls.organisation": ("竞买人", "Bidder"),
    "ls.result": ("交易结果", "Result"),
    "ls.result.pending": ("尚未产生结果。", "No result yet."),
    "ls.outcome.sold": ("成交", "Sold"),
    "ls.outcome.no_bids": ("流拍（无人出价）", "No sale (no bids)"),
    "ls.outcome.below_reserve": ("流拍（最高报价低于底价）", "No sale (under the reserve)"),
    "ls.price": ("成交价（元）", "Price (CNY)"),
    "ls.winner": ("竞得人", "Winner"),
    "ls.reserve_fen": ("底价（元）", "Reserve (CNY)"),
    "ls.decided_at": ("结果时间", "Decided"),
    "ls.ocds": ("开放数据（OCDS）", "Open data (OCDS)"),
    "ls.room.link": ("竞价室", "Auction room"),
    # The centre's desk: registrations (names shown: the centre checks qualification).
    "ls.desk.link": ("竞买申请审核", "Registrations"),
    "ls.desk.title": ("竞买申请与保证金", "Registrations and deposits"),
    "ls.desk.none": ("尚无竞买申请。", "No registrations yet."),
    "ls.desk.registered_at": ("申请时间", "Registered"),
    "ls.desk.credit_code": ("统一社会信用代码", "Credit code"),
    "ls.desk.actions": ("操作", "Actions"),
    "ls.qualification": ("资格审查", "Qualification"),
    "ls.qualification.pending": ("待审查", "Pending"),
    "ls.qualification.qualified": ("已确认竞买资格", "Qualified"),
    "ls.qualification.refused": ("不予确认", "Refused"),
    "ls.reason": ("理由", "Reason"),
    "ls.qualify": ("确认竞买资格", "Qualify"),
    "ls.refuse": ("不予确认", "Refuse"),
    "ls.deposit.status": ("保证金", "Deposit"),
    "ls.deposit.none": ("未缴纳", "Not paid"),
    "ls.deposit.held": ("已到账", "Held"),
    "ls.deposit.applied": ("已转作价款", "Applied to the price"),
    "ls.deposit.refund_due": ("待退还", "To refund"),
    "ls.deposit.refunded": ("已退还", "Refunded"),
    "ls.deposit.record": ("登记保证金", "Record the deposit"),
    "ls.deposit.correct": ("更正保证金登记", "Correct the deposit record"),
    "ls.deposit.correct.reason": (
        "更正理由（将记入日志，勿写竞买人名称）",
        "Reason for the correction (it is logged: name no bidder)",
    ),
    "ls.deposit.kind": ("缴纳方式", "Kind"),
    "ls.deposit.kind.transfer": ("银行转账", "Bank transfer"),
    "ls.deposit.kind.guarantee": ("保函", "Guarantee letter"),
    "ls.deposit.amount_fen": ("金额（分）", "Amount (fen)"),
    "ls.deposit.paid_at": ("到账时间（北京时间）", "Paid at (Beijing time)"),
    "ls.deposit.reference": ("付款账号或保函编号", "Paying account or guarantee number"),
    "ls.refund": ("登记退还", "Record the refund"),
    "ls.refund.reference": ("银行退款凭证号", "Bank reference"),
    # A bidder's own registration.
    "ls.mine.link": ("我的竞买申请", "My registration"),
    "ls.mine.title": ("我的竞买申请", "My registration"),
    "ls.mine.none": ("贵单位尚未申请竞买。", "Your organisation has not registered."),
    "ls.mine.register": ("申请竞买", "Register to bid"),
    "ls.mine.number_pending": ("资格确认后分配", "Given once qualified"),
    "ls.mine.number_hint": (
        "竞买号仅贵单位可见；结果公布前其他人只看到竞买号。",
        "Only your organisation sees this number with your name until the result.",
    ),
    "ls.mine.go_on": ("申请参加限时竞价", "Go on to the timed auction"),
    "ls.mine.going_on": ("已申请参加限时竞价", "Going on to the timed auction"),
    "ls.error.title": ("操作未完成", "Not done"),
    "ls.error.back": ("返回", "Back"),
}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has
catalogue = _TEXTS.catalogue
