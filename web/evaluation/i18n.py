"""Messages of the evaluation pages, Chinese (zh-CN) first, with English.

Keys start with ``ev.``; anything else falls back to the site catalogue (web/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from evaluation.model import Phase
from web import i18n

PHASES: Mapping[Phase, tuple[str, str]] = MappingProxyType(
    {
        Phase.SCHEDULED: ("已排期", "Scheduled"),
        Phase.SIGN_IN: ("签到", "Sign-in"),
        Phase.CONFLICTS: ("回避声明", "Conflict declarations"),
        Phase.CHAIR_ELECTION: ("推选组长", "Chair election"),
        Phase.QUALIFICATION: ("资格评审", "Qualification review"),
        Phase.QUALIFICATION_REVEAL: ("资格评审揭示", "Qualification reveal"),
        Phase.SCORING: ("详细评审打分", "Detailed scoring"),
        Phase.SCORING_REVEAL: ("评分揭示与偏离复核", "Score reveal and deviation review"),
        Phase.COMMERCIAL_OPENING: ("商务标开启", "Commercial opening"),
        Phase.ADJUSTMENT: ("价格调整评审", "Evaluated-price adjustments"),
        Phase.ADJUSTMENT_REVEAL: ("价格调整揭示", "Adjustment reveal"),
        Phase.RANKING: ("汇总排序", "Aggregation and ranking"),
        Phase.SIGNING: ("签署评标报告", "Report signing"),
        Phase.CLOSED: ("已结束", "Closed"),
        Phase.SEALED: ("已封存（重新组建评标委员会）", "Sealed (a new committee is formed)"),
    }
)

_CATALOGUE: dict[str, tuple[str, str]] = {
    "ev.list.title": ("我的评标", "My evaluations"),
    "ev.list.hint": (
        "评标项目在评标开始时才向评标委员会公开（两随机、四不知）。点击“查看”进入网页评标室评审、"
        "揭示和签署；也可使用评标客户端（etender session）。",
        "The project is shown to the committee only when the evaluation starts (experts are "
        "drawn at random and do not know the project, or each other, beforehand). "
        "Open a session to score, reveal and sign in the browser's scoring room, or use the "
        "evaluation client (etender session).",
    ),
    "ev.list.none": ("目前没有您参加的评标。", "You are on no evaluation committee now."),
    "ev.session": ("评标会议", "Evaluation session"),
    "ev.attempt": ("第{n}次组建", "Committee no. {n}"),
    "ev.project": ("项目", "Project"),
    "ev.project_hidden": ("评标开始时公开", "Shown when the evaluation starts"),
    "ev.phase": ("阶段", "Phase"),
    "ev.seat": ("席位", "Seat"),
    "ev.open": ("查看", "View"),
    "ev.page.title": ("评标会议（只读）", "Evaluation session (read-only)"),
    "ev.page.hint": (
        "本页只读：显示阶段、到场席位和会议事件。",
        "This page is read-only: phase, seats present and the session's events.",
    ),
    "ev.seats_present": ("已签到并核验身份的席位", "Seats signed in and confirmed"),
    "ev.chair": ("评标委员会组长", "Chair"),
    "ev.deadline": ("本阶段截止", "Phase deadline"),
    "ev.paused": ("已暂停", "Paused"),
    "ev.events": ("会议事件", "Session events"),
    "ev.event.seq": ("序号", "Seq"),
    "ev.event.kind": ("事件", "Event"),
    "ev.event.at": ("时间", "Time"),
    "ev.event.data": ("内容", "Content"),
    "ev.no_events": ("暂无事件。", "No events yet."),
    "ev.loading": ("加载中…", "Loading…"),
    "ev.refused": ("您不能查看此评标会议。", "You may not view this evaluation session."),
}
CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType(_CATALOGUE)


def translate(lang: str, key: str, **params: str) -> str:
    """This area's message (phases: ``ev.phase.<phase>``), else the site's."""
    if key.startswith("ev.phase."):
        entry = PHASES.get(Phase(key.removeprefix("ev.phase.")))
    else:
        entry = CATALOGUE.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[0] if lang == "zh-CN" else entry[1]
    return text.format(**params) if params else text
