"""Messages of the listings' public pages, Chinese first, with English.

Keys start with ``ls.``; anything else falls back to the site catalogue (web/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from web import i18n

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
}
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}


def translate(lang: str, key: str, **params: Any) -> str:
    """The message in ``lang``; keys not of this catalogue come from web/i18n.py."""
    entry = _CATALOGUE.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def catalogue() -> Mapping[str, tuple[str, str]]:
    """This catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
