"""Horizontal bar charts as SVG made on the server (issue 14, item 6: "SVG made on the
server", no JavaScript library). Sans-I/O: a chart and its words in, SVG text out.

Every text is escaped (labels are data: agency names come from their registration);
only presentation attributes are used, never ``style`` (the pages' CSP). Each bar
carries ``data-label`` and ``data-value`` so a reader or a test finds the numbers
without measuring pixels; the ``<title>`` names the chart for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from html import escape

from supervision.statistics.model import Chart

WIDTH = 640
LABEL_WIDTH = 180
VALUE_WIDTH = 80
ROW = 28
BAR = 18
TOP = 8
COLOURS = ("#2b6cb0", "#2f855a", "#b7791f", "#9b2c2c", "#6b46c1", "#2c7a7b")


def _number(value: Decimal) -> str:
    """A value as shown beside its bar: integers plain, others with two places."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}"


def bar_chart(
    chart: Chart, *, title: str, label: Callable[[str], str], unit: str, empty: str
) -> str:
    """The chart as an ``<svg>`` element: one bar per row, scaled to the largest value."""
    bars = chart.bars
    height = TOP * 2 + ROW * max(len(bars), 1)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'data-chart="{escape(chart.key)}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="chart-{escape(chart.key)}-title">'
        f'<title id="chart-{escape(chart.key)}-title">{escape(title)}</title>'
    )
    if not bars:
        middle = f'<text x="{WIDTH // 2}" y="{TOP + ROW // 2 + 5}" text-anchor="middle" fill="#555">{escape(empty)}</text>'  # noqa: E501
        return head + middle + "</svg>"
    largest = max((value for _, value in bars), default=Decimal(0))
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [head]
    for index, (key, value) in enumerate(bars):
        y = TOP + index * ROW
        width = int(span * value / largest) if largest > 0 and value > 0 else 0
        name = label(key)
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end" '
            f'font-size="13" fill="#222">{escape(name)}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" '
            f'fill="{colour}" data-label="{escape(name)}" data-value="{_number(value)}">'
            f"<title>{escape(name)}: {_number(value)} {escape(unit)}</title></rect>"
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR - 4}" font-size="12" '
            f'fill="#222">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
