"""The evaluation report (评标报告) as a Chinese PDF, sans-I/O: report JSON in, PDF bytes out.

The PDF shows what the signed canonical JSON holds (docs/formats/evaluation-report.md
§6), rendered from the parsed report bytes, plus the state of the signatures; the JSON
is what the members sign, the PDF its reading copy. Archived documents must render
anywhere for ten years, so the CJK font (Debian's ``fonts-wqy-microhei``) is embedded,
as web/pdf does for the platform's other documents (evaluation may not import web/, so
the few blocks needed are here). Rendering is deterministic: same input, same bytes.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from evaluation.model import seat_label
from evaluation.report.errors import ReportFontMissing
from evaluation.report.pdf_labels import Items, beijing, reasons

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT = "WenQuanYiMicroHei"

METHODS = {"comprehensive_scoring": "综合评估法", "lowest_evaluated_price": "经评审的最低投标价法"}
KINDS = {"expert": "评标专家", "representative": "招标人代表"}
PHASES = {"qualification": "资格审查", "scoring": "详细评审", "adjustment": "价格调整"}
STATUSES = {"recused": "回避", "absent": "缺席", "replaced": "已更换"}
# What put a bid below the one above it (docs/formats/evaluation-method.md §3.7).
DECIDED_BY = {
    "result": "得分/评审价",
    "tie_rule": "同分规则",
    "submission": "递交时间",
    "bid_id": "未能区分，由委员会按招标文件确定",
}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SeatAnswer:
    """How one seat answered the current version (docs/formats/evaluation-report.md §5)."""

    seat: int
    status: str  # signed | refused | pending
    at: str | None = None
    reason: str | None = None
    counted_as_agreement: bool | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SealedName:
    """A line of the sealed name list (centre staff's and supervisors' copy only)."""

    seat: int
    name: str
    cert_sha256: str


def _register_font() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    if not FONT_PATH.exists():
        raise ReportFontMissing(f"{FONT_PATH} is missing: apt-get install fonts-wqy-microhei")
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))


_BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
_TITLE = ParagraphStyle("title", parent=_BODY, fontSize=18, leading=24, spaceAfter=4)
_HEADING = ParagraphStyle("heading", parent=_BODY, fontSize=12, leading=18, spaceBefore=8)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7, textColor=colors.grey)


def _p(text: object, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence[object]], *, header: bool = True) -> Table:
    table = Table([[_p(c) for c in row] for row in rows], repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def _section(heading: str, rows: Sequence[Sequence[object]], empty: str = "无") -> list[Flowable]:
    """A heading and its table (header row first), or a line saying there is nothing."""
    if len(rows) <= 1:
        return [_p(heading, _HEADING), _p(empty)]
    return [_p(heading, _HEADING), _table(rows)]


def points(value: object) -> str:
    """Hundredths of a point as a decimal (12.34); — for none."""
    if type(value) is not int:
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def yuan(fen: object) -> str:
    """Fen as yuan with two decimals and thousands separators (¥1,234.00)."""
    if type(fen) is not int:
        return "—"
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


class _Names:
    """Bid ids as the bidder's name (the committee's and the tender's view)."""

    def __init__(self, report: Mapping[str, Any]) -> None:
        self._names = {b["bid"]: b["name"] for b in report["bids"]}
        self.item = Items(report["method"])  # item ids as the method names them

    def __call__(self, bid: str) -> str:
        return str(self._names.get(bid, bid))


def _summary(report: Mapping[str, Any], sha256: str) -> list[Flowable]:
    tender = report["tender"]
    records = "\n".join(f"{r['part']}: {r['sha256']}" for r in report["opening_records"]) or "—"
    chair = seat_label(report["chair"]) if report["chair"] else "—"
    rows = [
        ("交易编号", tender["code"]),
        ("项目名称", tender["title"]),
        ("标段 / 评标次数", f"第{report['lot']}标段 / 第{report['attempt']}次"),
        ("评标方法", METHODS.get(report["method"]["method"], report["method"]["method"])),
        ("报告版本", str(report["version"])),
        ("起草时间", beijing(report["drafted_at"])),
        ("评标会话", report["session"]),
        ("主任委员", chair),
        ("开标记录 SHA-256", records),
        ("报告正文 SHA-256", sha256),
    ]
    return [_p("基本信息", _HEADING), _table(rows, header=False)]


def _members(report: Mapping[str, Any]) -> list[Flowable]:
    rows: list[Sequence[object]] = [("席位", "类别", "代次", "证书承诺值")]
    rows += [
        (m["label"], KINDS.get(m["kind"], m["kind"]), m["generation"], m["certificate"])
        for m in report["members"]
    ]
    rows += [
        (
            seat_label(v["seat"]),
            STATUSES.get(v["status"], v["status"]),
            v["generation"],
            "\n".join(["其评审结论作废", *(_void_sheet(x) for x in v["sheets"])]),
        )
        for v in report["void"]
    ]
    return _section("评标委员会（姓名密封至定标）", rows)


def _void_sheet(sheet: Mapping[str, Any]) -> str:
    phase = PHASES.get(sheet["phase"], sheet["phase"])
    state = "未揭示" if sheet["revealed_at"] is None else "已揭示"
    return f"{phase}评审表第{sheet['version']}版（{state}）{sheet['sha256']}"


def _qualification(report: Mapping[str, Any], name: _Names) -> list[Flowable]:
    q = report["qualification"]
    rows: list[Sequence[object]] = [("专家", "投标人", "审查项", "结论", "否决理由", "说明")]
    rows += [
        (
            seat_label(f["seat"]),
            name(f["bid"]),
            name.item(f["item"]),
            "通过" if f["pass"] else "不通过",
            reasons(f.get("reason")),
            f.get("explanation", ""),
        )
        for f in q["findings"]
    ]
    result: list[Sequence[object]] = [("投标人", "委员会结论", "理由", "各项表决（通过/不通过）")]
    result += [
        (
            name(r["bid"]),
            "通过" if r["passed"] else "否决",
            reasons(r["reasons"]),
            "\n".join(f"{name.item(i['item'])}：{i['passes']}/{i['fails']}" for i in r["items"]),
        )
        for r in q["result"]
    ]
    return _section("资格审查（各成员意见）", rows) + _section("资格审查结论", result)


def _rejected(report: Mapping[str, Any], name: _Names) -> list[Flowable]:
    rows: list[Sequence[object]] = [("投标人", "否决理由（第五十一条）", "成员说明")]
    for r in report["rejected"]:
        said = "\n".join(f"{seat_label(e['seat'])}：{e['explanation']}" for e in r["explanations"])
        rows.append((name(r["bid"]), reasons(r["reasons"]), said))
    return _section("否决投标", rows)


def _clarifications(report: Mapping[str, Any], name: _Names) -> list[Flowable]:
    rows: list[Sequence[object]] = [("投标人", "问题", "答复", "提出时间", "答复时间", "不予采纳")]
    rows += [
        (
            name(c["bid"]),
            c["question"],
            c["answer"] or "（未答复）",
            beijing(c["asked_at"]),
            beijing(c["answered_at"]),
            c["refusal"] or "",
        )
        for c in report["clarifications"]
    ]
    return _section("澄清记录", rows)


def _values(report: Mapping[str, Any], name: _Names) -> list[Flowable]:
    rows: list[Sequence[object]] = [("专家", "投标人", "评分项", "分值", "版本")]
    rows += [
        (
            seat_label(s["seat"]),
            name(s["bid"]),
            name.item(s["item"]),
            points(s["points"]),
            s["version"],
        )
        for s in report["scores"]
    ]
    adjust: list[Sequence[object]] = [("专家", "投标人", "调整项", "金额", "版本")]
    adjust += [
        (seat_label(a["seat"]), name(a["bid"]), name.item(a["item"]), yuan(a["fen"]), a["version"])
        for a in report["adjustments"]
    ]
    versions: list[Sequence[object]] = [("阶段", "专家", "版本", "SHA-256", "修改理由")]
    versions += [
        (
            PHASES.get(s["phase"], s["phase"]),
            seat_label(s["seat"]),
            s["version"],
            s["sha256"],
            _reasons(s["reasons"], name),
        )
        for s in report["sheets"]
    ]
    return (
        (_section("评分（最新版本）", rows) if report["scores"] else [])
        + (_section("价格调整（最新版本）", adjust) if report["adjustments"] else [])
        + _section("评审表及修改记录", versions)
    )


def _reasons(reasons: Sequence[Mapping[str, str]] | None, name: _Names) -> str:
    """A revision's reasons, one line per changed entry."""
    return "\n".join(
        f"{name(r['bid'])} {name.item(r['item'])}：{r['reason']}" for r in reasons or ()
    )


def _deviations(report: Mapping[str, Any], name: _Names) -> list[Flowable]:
    money = report["method"]["method"] == "lowest_evaluated_price"
    show = yuan if money else points
    rows: list[Sequence[object]] = [
        ("专家", "投标人", "项", "揭示值", "他人均值", "最终值", "书面说明")
    ]
    rows += [
        (
            seat_label(d["seat"]),
            name(d["bid"]),
            name.item(d["item"]),
            show(d["value"]),
            show(d["others_mean"]),
            show(d["final"]),
            d["explanation"] or "（已修改）",
        )
        for d in report["deviations"]
    ]
    return _section("偏离复核", rows)


def _outcome(report: Mapping[str, Any], name: _Names) -> list[Flowable]:
    outcome = report["outcome"]
    totals: list[Sequence[object]] = [
        ("投标人", "报价", "技术/商务分", "剔除", "价格分", "总分", "评审价")
    ]
    totals += [
        (
            name(t["bid"]),
            yuan(t["price_fen"]),
            points(t["technical"]),
            "、".join(seat_label(seat) for seat in t["dropped"]),
            points(t["price_score"]),
            points(t["total"]),
            yuan(t["evaluated_price_fen"]),
        )
        for t in outcome["totals"]
    ]
    ranking: list[Sequence[object]] = [("名次", "投标人", "总分", "评审价", "排序依据")]
    ranking += [
        (
            r["rank"],
            name(r["bid"]),
            points(r["total"]),
            yuan(r["evaluated_price_fen"]),
            DECIDED_BY.get(r["decided_by"], "—"),
        )
        for r in outcome["ranking"]
    ]
    candidates: list[Sequence[object]] = [("名次", "中标候选人", "统一社会信用代码")]
    candidates += [(c["rank"], c["name"], c["bidder"]) for c in outcome["candidates"]]
    return _section("汇总", totals) + _section("排序", ranking) + _section("中标候选人", candidates)


def _dissents(report: Mapping[str, Any]) -> list[Flowable]:
    rows: list[Sequence[object]] = [("专家", "不同意见（原文）", "时间")]
    rows += [(seat_label(d["seat"]), d["text"], beijing(d["at"])) for d in report["dissents"]]
    return _section("不同意见", rows)


def _answers(answers: Sequence[SeatAnswer]) -> list[Flowable]:
    def status(a: SeatAnswer) -> str:
        if a.status == "signed":
            return "已签署"
        if a.status == "refused":
            return "拒签，视为同意（未书面说明理由）" if a.counted_as_agreement else "拒签"
        return "未签署"

    rows: list[Sequence[object]] = [("席位", "签署情况", "时间", "理由")]
    rows += [(seat_label(a.seat), status(a), beijing(a.at), a.reason or "") for a in answers]
    return _section("签署", rows)


def _names(names: Sequence[SealedName]) -> list[Flowable]:
    rows: list[Sequence[object]] = [("席位", "姓名", "证书 SHA-256")]
    rows += [(seat_label(n.seat), n.name, n.cert_sha256) for n in names]
    return _section("密封名单（仅限交易中心和监督人员，定标前不得公开）", rows)


def render_report(
    report: Mapping[str, Any],
    sha256: str,
    answers: Sequence[SeatAnswer],
    names: Sequence[SealedName] | None = None,
) -> bytes:
    """The report as PDF bytes (``names``: the sealed list, for staff's copy only)."""
    _register_font()
    name = _Names(report)
    story: list[Flowable] = [_p("评标报告", _TITLE)]
    story += _summary(report, sha256) + _members(report)
    story += _qualification(report, name) + _rejected(report, name)
    story += _clarifications(report, name) + _values(report, name) + _deviations(report, name)
    story += _outcome(report, name) + _dissents(report) + _answers(answers)
    if names is not None:
        story += _names(names)
    story += [Spacer(1, 6 * mm), _p(f"以签署的 JSON 正文为准（SHA-256 {sha256}）。", _SMALL)]
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title="评标报告",
        author="etender",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    )
    pdf.build(story)
    return buffer.getvalue()
