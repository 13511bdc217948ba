"""What the report PDF shows for the report JSON's codes: times in Beijing time, items
by the names the tender's evaluation method gives them (issue 15 item 4: PDFs use
labels, not keys; every time shown is Beijing time with its label).

The JSON keeps the ids and UTC times the members sign; only the reading copy changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tender.calendar import SHANGHAI

BEIJING = "（北京时间）"


def beijing(at: object) -> str:
    """A report time (``…Z`` text) in Beijing time to the second, labelled; — for none."""
    if not isinstance(at, str) or not at:
        return "—"
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise ValueError("a report time carries its zone")
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") + BEIJING


class Items:
    """An item id of the method (``q1``, ``c1.1``, ``a1``) as its name, the id after it
    (the id stays, so the PDF still matches the JSON it reads)."""

    def __init__(self, method: Mapping[str, Any]) -> None:
        names: dict[str, str] = {}
        for q in method.get("qualification", ()):
            names[q["id"]] = q["name"]
        for c in method.get("criteria", ()):
            for s in c["items"]:
                names[f"{c['id']}.{s['id']}"] = f"{c['name']}·{s['name']}"
        for a in method.get("adjustments", ()):
            names[a["id"]] = a["name"]
        self._names = names

    def __call__(self, item: str) -> str:
        name = self._names.get(item)
        return item if name is None else f"{name}（{item}）"
