"""Messages of the auction room, Chinese (zh-CN) first, with English.

Keys start with ``au.``; anything else comes from the site's catalogue. The scripts'
strings are the ``au.js.*`` keys, handed to web/static/js/auction.js in a data attribute.
"""

from __future__ import annotations

from web import i18n
from web.feature_texts import FeatureCatalogue

_CATALOGUE: dict[str, tuple[str, str]] = {
    "au.title": ("网上竞价室", "Auction room"),
    "au.hint": (
        "本页实时显示竞价：当前价、倒计时和您的状态以服务器时钟为准。出价在本机浏览器中以您的数字证书签名；"
        "只有服务器确认（已入库）后才算出价成功。本页只显示价格、时间和出价次数：其他竞买人的竞买号和身份都不显示。",
        "This page follows the auction live: the standing price, the countdown and your "
        "status follow the server's clock. Your bid is signed in this browser with your "
        "certificate and counts only once the server confirms it (committed). The page shows "
        "prices, times and how many bids: other bidders' numbers and names are never shown.",
    ),
    "au.phase": ("阶段", "Phase"),
    "au.standing": ("当前价", "Standing price"),
    "au.minimum": ("最低可出价", "Lowest valid bid"),
    "au.bids": ("出价次数", "Bids"),
    "au.ends": ("截止时间", "Ends at"),
    "au.countdown": ("剩余时间", "Time left"),
    "au.you": ("我的竞买号", "My bidder number"),
    "au.status": ("我的状态", "My status"),
    "au.price": ("出价（元）", "Bid (yuan)"),
    "au.bid": ("签名并出价", "Sign and bid"),
    "au.connecting": ("正在连接…", "Connecting…"),
    "au.nokey": (
        "本设备没有您的签名密钥，无法出价。请先在“我的签名密钥”页面创建或导入密钥。",
        "This device holds no signing key of yours: you cannot bid. Create or import a "
        "key on the signing keys page first.",
    ),
    "au.nokey.link": ("我的签名密钥", "My signing keys"),
    "au.back": ("返回", "Back"),
    "au.not_found": (
        "找不到该竞价，或您不是本场竞价的竞买人。",
        "No such auction, or you do not bid in it.",
    ),
    # --- the script's -----------------------------------------------------------------
    "au.js.phase.pending": ("挂牌期未开始", "Listing period not started"),
    "au.js.phase.listing": ("挂牌期", "Listing period"),
    "au.js.phase.countdown": ("限时竞价", "Timed auction"),
    "au.js.phase.ended": ("已结束", "Ended"),
    "au.js.status.none": ("尚未出价", "No bid yet"),
    "au.js.status.leading": (
        "领先（当前最高价为您的出价）",
        "Leading (the standing price is yours)",
    ),
    "au.js.status.outbid": ("已被超越", "Outbid"),
    "au.js.status.watching": ("观察", "Watching"),
    "au.js.none": ("暂无", "None"),
    "au.js.placed": ("出价已确认：{price} 元。", "Bid confirmed: {price} yuan."),
    "au.js.error": (
        "出价未被接受：{message}（代码 {code}）",
        "Bid not accepted: {message} (code {code})",
    ),
    "au.js.bad_price": (
        "请输入有效金额（元，最多两位小数）。",
        "Enter a valid amount (yuan, at most two decimals).",
    ),
    "au.js.lost": ("连接中断，正在重新连接…", "Connection lost — reconnecting…"),
    "au.js.resumed": ("连接已恢复", "Connection resumed"),
    "au.js.connecting": ("正在连接…", "Connecting…"),
    "au.js.closed": ("已断开", "Disconnected"),
}
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has
catalogue = _TEXTS.catalogue


def script_texts(lang: str) -> dict[str, str]:
    """The strings web/static/js/auction.js shows, keyed without the ``au.js.`` prefix."""
    index = _INDEX.get(lang, 0)
    return {
        k.removeprefix("au.js."): v[index] for k, v in _CATALOGUE.items() if k.startswith("au.js.")
    }
