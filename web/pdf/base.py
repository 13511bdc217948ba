"""PDF rendering, sans-I/O: document data in, PDF bytes out (reportlab, CJK text).

Archived documents must render anywhere for ten years, so the CJK font is embedded
(Debian's ``fonts-wqy-microhei``; DESIGN.md, "Practical notes"). Every document of
the platform — receipts, notices, opening records, transcripts, reports — is built
from the same few blocks here, so they share one look and one font.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tender.model import FieldKind, OpeningField
from web.errors import FontMissing
from web.http import BIDI_CONTROLS
from web.pages import beijing_text

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT = "WenQuanYiMicroHei"
# A sealed bid's parts (docs/formats/sealed-bid.md) as a reader knows them.
PART_LABELS: Mapping[str, str] = {
    "main": "投标文件 Bid",
    "technical": "技术标 Technical envelope",
    "commercial": "商务标 Commercial envelope",
}


def beijing(at: datetime | str | None) -> str:
    """A moment in Beijing time to the second, with its label (issue 15 item 4: no PDF
    shows UTC or an ISO string); a record's ``…Z`` text is read as the moment it names."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return beijing_text(at, "zh-CN", seconds=True)


def yuan(fen: object) -> str:
    """Fen as yuan with two decimals and thousands separators (¥1,234.00); "—" if none."""
    if type(fen) is not int:
        return "—"
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def unbidi(text: str) -> str:
    """A sealed value as shown: each bidirectional control (U+202A–U+202E, U+2066–U+2069)
    as a visible ``\\u`` escape, so none reorders the text — readers accept v1 parts
    sealed with them (docs/formats/sealed-bid.md §6, §7)."""
    return "".join(f"\\u{ord(c):04x}" if c in BIDI_CONTROLS else c for c in text)


def field_value(field: OpeningField, value: object) -> str:
    """An opening-form value as its kind reads: fen as yuan, days as calendar days; text
    with any bidirectional control escaped (``unbidi``)."""
    if value is None:
        return "—"
    if field.kind is FieldKind.FEN and type(value) is int:
        return yuan(value)
    if field.kind is FieldKind.DAYS and type(value) is int:
        return f"{value} 日历天 calendar days"
    return unbidi(str(value))


def _register_font() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    if not FONT_PATH.exists():
        raise FontMissing(f"{FONT_PATH} is missing: apt-get install fonts-wqy-microhei")
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """One labelled value, shown as a row of a two-column table."""

    label: str
    value: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Section:
    """A heading followed by fields, a table, or paragraphs."""

    heading: str
    fields: Sequence[Field] = ()
    table: Sequence[Sequence[str]] = ()  # first row is the header
    paragraphs: Sequence[str] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    """A whole document: title, subtitle, sections and a footer line."""

    title: str
    subtitle: str = ""
    sections: Sequence[Section] = ()
    footer: str = ""
    generated_at: datetime | None = None


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=colors.grey),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=8),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, textColor=colors.grey),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence[Any]], header: bool, widths: list[float] | None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def render(document: Document) -> bytes:
    """The document as PDF bytes, with the CJK font embedded."""
    _register_font()
    styles = _styles()
    story: list[Any] = [_p(document.title, styles["title"])]
    if document.subtitle:
        story.append(_p(document.subtitle, styles["subtitle"]))
    for section in document.sections:
        story.append(_p(section.heading, styles["heading"]))
        if section.fields:
            rows = [[_p(f.label, styles["body"]), _p(f.value, styles["body"])]
                    for f in section.fields]  # fmt: skip
            story.append(_table(rows, header=False, widths=[45 * mm, 125 * mm]))
        if section.table:
            rows = [[_p(str(cell), styles["body"]) for cell in row] for row in section.table]
            story.append(_table(rows, header=True, widths=None))
        story.extend(_p(text, styles["body"]) for text in section.paragraphs)
    story.append(Spacer(1, 8 * mm))
    footer = document.footer
    if document.generated_at is not None:
        footer = f"{footer}  {beijing(document.generated_at)}".strip()
    if footer:
        story.append(_p(footer, styles["small"]))
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=document.title,
        author="etender",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=True,  # same input, same bytes: a PDF can be hashed and signed
    )
    pdf.build(story)
    return buffer.getvalue()
