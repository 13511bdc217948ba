"""No template shows a time but through the ``beijing`` filter (issue 15 item 4: every
time a page shows is Beijing time with its label in the page's language).

A scan of web/templates: no ``strftime``, no ``isoformat()`` but of a calendar date, no
old per-feature time filter, and every printed value whose name says it is a moment
(``…_at``, ``deadline``, ``…_due`` …) goes through ``| beijing``. The environment
itself shows a datetime printed raw the same way (web/pages.py ``_finalize``): a
forgotten filter shows Beijing time, never UTC.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from web.pages import beijing_text, environment

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
PRINTED = re.compile(r"\{\{(.*?)\}\}", re.S)
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
NAME = re.compile(r"[A-Za-z_][\w.]*")
CONDITION = re.compile(r"\bif\b.*?(?=\belse\b|$)", re.S)
# A name that holds a moment (datetime), by the platform's naming (…_at, deadline …).
MOMENT = re.compile(r"(^|_)(at|deadline|due|until|start|end|starts|ends|time)$")
# Calendar dates (no time of day, no zone) may print their ISO form.
DATE = re.compile(
    r"(_on|valid_from|valid_to|valid_until|period_start|period_end|period\.first|period\.last)$"
)
# Filters that take a moment for something other than display: a datetime-local input.
INPUT_FILTERS = ("local_input",)


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html"))


def _violations(path: Path) -> list[str]:
    found = []
    text = path.read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if "strftime" in line:
            found.append(f"{path.name}:{n}: strftime (use | beijing)")
        if re.search(r"\|\s*(local|when)\b|\blocal\(", line):
            found.append(f"{path.name}:{n}: an old time filter (use | beijing)")
        for iso in re.finditer(r"([\w.]+)\.isoformat\(\)", line):
            if not DATE.search(iso.group(1)):
                found.append(f"{path.name}:{n}: {iso.group(1)}.isoformat() (use | beijing)")
    for match in PRINTED.finditer(text):
        # ``a if cond else b`` prints a or b, never cond (``x if roster.frozen_at else y``).
        expr = CONDITION.sub(" ", STRING.sub('""', match.group(1)))
        if "beijing" in expr or any(f in expr for f in INPUT_FILTERS):
            continue
        head = expr.split("|")[0]
        names = [m.group(0) for m in NAME.finditer(head)]
        moments = [x for x in names if MOMENT.search(x.split(".")[-1]) and not DATE.search(x)]
        if moments:
            line = text[: match.start()].count("\n") + 1
            found.append(f"{path.name}:{line}: {{{{{match.group(1).strip()}}}}} without | beijing")
    return found


def test_every_time_a_template_prints_goes_through_the_beijing_filter() -> None:
    problems = [v for path in _templates() for v in _violations(path)]
    assert problems == []


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("<td>{{ row.starts_at.isoformat() }}</td>", True),
        ("<td>{{ x.deadline }}</td>", True),
        ("<td>{{ x.at | local }}</td>", True),
        ("<td>{{ c.filed_at.strftime('%Y') }}</td>", True),
        ("<td>{{ local(c.filed_at) }}</td>", True),
        ("<td>{{ x.deadline | beijing }}</td>", False),
        ("<td>{{ a.registered_on.isoformat() }}</td>", False),  # a calendar date
        ('<td>{{ t("td.deadline") }}</td>', False),  # a label, not a time
        ('<input value="{{ s.deadline | local_input }}">', False),
        ('{{ t("td.moved", deadline=x.deadline_after | beijing) }}', False),
        ("{{ 'frozen' if roster.frozen_at else 'pending' }}", False),  # a condition
        ("{{ x.deadline if x.open else '—' }}", True),
    ],
)
def test_the_scan_catches_a_raw_time_and_lets_dates_labels_and_filtered_times_pass(
    tmp_path: Path, template: str, refused: bool
) -> None:
    path = tmp_path / "page.html"
    path.write_text(template, encoding="utf-8")
    assert bool(_violations(path)) is refused


def test_a_datetime_printed_without_the_filter_still_shows_beijing_time() -> None:
    at = datetime(2026, 12, 7, 1, 2, tzinfo=UTC)
    shown = environment().from_string("{{ at }}").render(at=at, lang="en")
    assert shown == "2026-12-07 09:02 (Beijing time)"


def test_a_period_ending_at_24_00_shows_its_last_day_not_the_next_midnight() -> None:
    """api-results.md: a publicity ending 2026-03-05T16:00:00Z ends at Thursday 24:00."""
    end = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
    assert beijing_text(end, "zh-CN", day_end=True) == "2026-03-05 24:00（北京时间）"
    assert beijing_text(end, "en", day_end=True, seconds=True) == (
        "2026-03-05 24:00:00 (Beijing time)"
    )
    assert beijing_text(end, "zh-CN") == "2026-03-06 00:00（北京时间）"  # a moment, not an end
    later = datetime(2026, 3, 5, 16, 1, tzinfo=UTC)
    assert beijing_text(later, "zh-CN", day_end=True) == "2026-03-06 00:01（北京时间）"
    template = environment().from_string("{{ at | beijing(day_end=True) }}|{{ text | beijing }}")
    assert template.render(at=end, text="2026-03-05T16:00:00Z", lang="en") == (
        "2026-03-05 24:00 (Beijing time)|2026-03-06 00:00 (Beijing time)"
    )


def test_a_datetime_local_inputs_label_says_beijing_time_in_the_pages_language() -> None:
    template = environment().from_string("<label>起始时间{{ beijing_label() }}</label>")
    assert template.render(lang="zh-CN") == "<label>起始时间（北京时间）</label>"
    assert template.render(lang="en") == "<label>起始时间 (Beijing time)</label>"


def _keys_naming_beijing_time() -> set[str]:
    """The i18n keys (every web catalogue) whose Chinese text says 北京时间."""
    found: set[str] = set()
    for module in (TEMPLATES.parent).rglob("i18n*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and isinstance(key.value, str)
                        and "北京时间" in ast.unparse(value)
                    ):
                        found.add(key.value)
    return found


def test_every_datetime_local_input_says_it_is_read_as_beijing_time() -> None:
    """A form reads its ``datetime-local`` values as Beijing time (web/tender/forms.py):
    the page says so, by ``beijing_label()`` or a text of its catalogue naming it."""
    naming = _keys_naming_beijing_time()
    unlabelled = [
        path.name
        for path in _templates()
        if "datetime-local" in (text := path.read_text(encoding="utf-8"))
        and "beijing_label()" not in text
        and not set(re.findall(r"t\(\"([\w.]+)\"", text)) & naming
    ]
    assert unlabelled == []
