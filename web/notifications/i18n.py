"""Messages of the notifications pages, Chinese (zh-CN) first, with English.

Keys start with ``nt.``; anything else falls back to the site catalogue (web/i18n.py).
A refusal shows as ``nt.error.<code>`` when a translation exists, else as its message.
"""

from __future__ import annotations

from web import i18n
from web.feature_texts import FeatureCatalogue

_CATALOGUE: dict[str, tuple[str, str]] = {
    "nt.title": ("通知设置", "Notifications"),
    "nt.lead": (
        "抽取通知、投标截止提醒和中标结果会通过您在此登记的短信或微信送达；"
        "未登记时仅记入平台日志。号码只显示末四位。",
        "Draw invitations, bid-deadline reminders and results reach you by the SMS number "
        "or WeChat account you give here; without one they are only logged by the "
        "platform. Numbers show their last four digits only.",
    ),
    "nt.channel.sms": ("短信（手机号码）", "SMS (mobile number)"),
    "nt.channel.wechat": ("微信（公众号 OpenID）", "WeChat (official-account OpenID)"),
    "nt.current": ("当前：{address}", "Now: {address}"),
    "nt.none": ("未登记", "Not given"),
    "nt.updated": ("更新于 {at}", "Updated {at}"),
    "nt.address": ("新的地址", "New address"),
    "nt.save": ("保存", "Save"),
    "nt.remove": ("删除", "Remove"),
    "nt.saved": ("已保存。", "Saved."),
    "nt.removed": ("已删除。", "Removed."),
    "nt.hint.sms": ("11 位中国大陆手机号码。", "An 11-digit mainland China mobile number."),
    "nt.hint.wechat": (
        "关注平台公众号后在公众号菜单中查看的 OpenID。",
        "The OpenID the platform's official account shows you once you follow it.",
    ),
    "nt.failures.title": ("未送达的通知", "Notifications not delivered"),
    "nt.failures.lead": (
        "以下通知经有限次重试后仍未送达，请以电话等方式联系当事人。不显示号码和姓名。",
        "These could not be delivered after the bounded retries: reach the people another "
        "way. No number and no name is shown.",
    ),
    "nt.failures.link": ("未送达的通知", "Notifications not delivered"),
    "nt.failures.none": ("暂无未送达的通知。", "Every notification was delivered."),
    "nt.col.kind": ("类型", "Kind"),
    "nt.col.channel": ("渠道", "Channel"),
    "nt.col.tender": ("交易编号", "Tender"),
    "nt.col.attempts": ("尝试次数", "Attempts"),
    "nt.col.detail": ("最后结果", "Last answer"),
    "nt.col.at": ("时间", "Time"),
    "nt.kind.draw_invitation": ("专家抽取通知", "Draw invitation"),
    "nt.kind.bid_deadline": ("投标截止提醒", "Bid-deadline reminder"),
    "nt.kind.result": ("中标结果", "Result"),
    "nt.ch.log": ("平台日志", "Platform log"),
    "nt.ch.sms": ("短信", "SMS"),
    "nt.ch.wechat": ("微信", "WeChat"),
    "nt.error.title": ("操作未完成", "Not done"),
    "nt.error.back": ("返回", "Back"),
    "nt.error.notification_contact_invalid": (
        "号码格式不正确：短信请填写 11 位手机号码，微信请填写公众号提供的 OpenID。",
        "That address is not right: SMS takes an 11-digit mobile number, WeChat the "
        "OpenID the official account gives you.",
    ),
    "nt.error.notification_channel_unknown": (
        "只能登记短信或微信地址。",
        "Only an SMS number or a WeChat account can be given.",
    ),
    "nt.error.notification_contact_not_found": (
        "您没有登记该渠道的地址。",
        "You have no address on that channel.",
    ),
    "nt.error.permission_denied": (
        "未送达的通知仅向交易中心工作人员显示。",
        "Undelivered notifications are shown to centre staff only.",
    ),
}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has


catalogue = _TEXTS.catalogue
