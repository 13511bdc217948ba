"""Messages of the bidder's results page (web/tender/my_results.py), Chinese (zh-CN)
first, with English. Keys start with ``mr.``; anything else comes from the tender
pages' catalogue (web/tender/i18n.py, which falls back to the site's)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n
from web.tender import i18n as i18n_tender

_CATALOGUE: dict[str, tuple[str, str]] = {
    "mr.title": ("开标与结果", "Openings and results"),
    "mr.lead": (
        "本单位投标的每个标段：进展到哪一步、公示的排名、中标或结果通知书。只显示已经公开的信息。",
        "Every lot your organisation bid on: how far it has gone, your rank once the "
        "candidates are publicised, and your award or result notices. Only what is "
        "already public is shown.",
    ),
    "mr.none": ("本单位还没有投标。", "Your organisation has not bid yet."),
    "mr.tender": ("项目", "Tender"),
    "mr.lot": ("标段", "Lot"),
    "mr.deadline": ("投标截止（开标）时间", "Bid deadline (opening)"),
    "mr.stage": ("进展", "Stage"),
    "mr.rank": ("公示排名", "Publicised rank"),
    "mr.rank.none": ("未列入候选人", "Not a candidate"),
    "mr.notices": ("通知书", "Notices"),
    "mr.results": ("结果公示", "Results"),
    "mr.won": ("本单位中标", "Awarded to you"),
    "mr.lost": ("未中标", "Awarded to another bidder"),
    "mr.stage.submitted": ("已投标，待开标", "Bid submitted, not opened yet"),
    "mr.stage.opened": ("已开标", "Opened"),
    "mr.stage.candidates_publicised": ("中标候选人公示中", "Candidates publicised"),
    "mr.stage.awarded": ("已定标", "Awarded"),
    "mr.stage.failed": ("招标失败或重新招标", "Failed, or to be tendered again"),
    "mr.stage.cancelled": ("招标已终止", "Cancelled"),
    "mr.notice.award": ("中标通知书", "Award notice"),
    "mr.notice.result": ("中标结果通知书", "Result notice"),
    "mr.notice.superseded": ("已被新的定标取代", "superseded by a later award"),
    "mr.notice.signature": ("平台签名（.p7s）", "Platform signature (.p7s)"),
}
_INDEX = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}


def translate(lang: str, key: str, **params: str) -> str:
    """The message in ``lang``; other keys come from the tender pages' catalogue."""
    entry = _CATALOGUE.get(key)
    if entry is None:
        return i18n_tender.translate(lang, key, **params)
    text = entry[_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether this catalogue or the ones it falls back on holds ``key``."""
    return key in _CATALOGUE or i18n_tender.has(key)


def catalogue() -> Mapping[str, tuple[str, str]]:
    """This catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
