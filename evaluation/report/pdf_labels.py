"""What the report PDF shows for the report JSON's codes: times in Beijing time, items
by the names the tender's evaluation method gives them (issue 15 item 4: PDFs use
labels, not keys; every time shown is Beijing time with its label).

The JSON keeps the ids and UTC times the members sign; only the reading copy changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from evaluation.method.model import RejectionReason
from tender.calendar import SHANGHAI

BEIJING = "（北京时间）"
# Reg. 51's reasons in words, as the scoring room names them (web/evaluation/i18n_room.py).
REJECTION: Mapping[str, str] = {
    RejectionReason.NO_SIGNATURE: "未按要求签字盖章",
    RejectionReason.NOT_QUALIFIED: "不符合资格条件",
    RejectionReason.TWO_BIDS: "提交两份以上投标或报价",
    RejectionReason.PRICE_ABOVE_CEILING: "报价高于最高投标限价",
    RejectionReason.PRICE_BELOW_COST: "报价低于成本",
    RejectionReason.NOT_RESPONSIVE: "未实质性响应招标文件",
    RejectionReason.COLLUSION_OR_FRAUD: "串通投标或弄虚作假",
}


def reasons(codes: str | Sequence[str] | None) -> str:
    """Reg. 51 reason codes (one, or a list) in words, joined; an unknown code as is."""
    if not codes:
        return ""
    listed = [codes] if isinstance(codes, str) else codes
    return "、".join(REJECTION.get(str(c), str(c)) for c in listed)


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
