"""The member's findings file (``etender session score --sheet FILE.json``), read strictly.

Either a list of entries, or an object with the entries and, optionally, the member's
seat and generation and the phase they are for:

    {"seat": 3, "generation": 1, "phase": "scoring", "entries": [
        {"bid": "<uuid>", "item": "2.1", "points": 850}]}

Entries are written as in the sheet (docs/formats/evaluation-sheet.md, etender-sheet-v1):

- qualification: ``{"bid", "item", "pass": true}`` or
  ``{"bid", "item", "pass": false, "reason": "<Reg. 51 code>", "explanation": "<text>"}``
- scoring: ``{"bid", "item": "<criterion>.<sub-item>", "points": <hundredths>}``
- adjustment: ``{"bid", "item", "fen": <signed integer>}``

A key this format does not have is refused (a mistyped ``"point"`` must not vanish);
signing.sheets.build_sheet then checks every value as the server will.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from uuid import UUID

from client.session.errors import SheetInputInvalid
from signing import sheets

_TOP = frozenset({"seat", "generation", "phase", "entries"})


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Findings:
    """What the file says: the entries, and the seat and generation if it names them."""

    entries: tuple[sheets.Entry, ...]
    seat: int | None = None
    generation: int | None = None


def read_findings(path: Path, phase: str) -> Findings:
    """The findings of ``phase`` in the file at ``path``."""
    try:
        body = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise SheetInputInvalid(f"{path} is not JSON: {exc}") from exc
    try:
        return parse_findings(body, phase)
    except (ValueError, KeyError, TypeError) as exc:
        raise SheetInputInvalid(f"{path}: {exc}") from exc


def parse_findings(body: object, phase: str) -> Findings:
    """Findings from parsed JSON (ValueError, KeyError or TypeError say what is wrong)."""
    if phase not in sheets.PHASES:
        raise ValueError(f"the phase is one of {', '.join(sheets.PHASES)}")
    if isinstance(body, list):
        body = {"entries": body}
    if not isinstance(body, dict) or "entries" not in body or set(body) - _TOP:
        raise ValueError(f"a list of entries, or an object with 'entries' and {sorted(_TOP)}")
    if body.get("phase", phase) != phase:
        raise ValueError(f"the file is for phase {body['phase']!r}, not {phase!r}")
    raw = body["entries"]
    if not isinstance(raw, list):
        raise TypeError("'entries' must be a list")
    entries = tuple(_entry(value, phase, n) for n, value in enumerate(raw))
    return Findings(
        entries=entries,
        seat=_optional_count(body.get("seat"), "seat"),
        generation=_optional_count(body.get("generation"), "generation"),
    )


def _optional_count(value: object, name: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise ValueError(f"'{name}' must be an integer >= 1")
    return value


_KEYS = {
    "scoring": frozenset({"bid", "item", "points"}),
    "adjustment": frozenset({"bid", "item", "fen"}),
}
_PASS = frozenset({"bid", "item", "pass"})
_FAIL = frozenset({"bid", "item", "pass", "reason", "explanation"})


def _entry(value: object, phase: str, n: int) -> sheets.Entry:
    where = f"entry {n}"
    if not isinstance(value, dict):
        raise TypeError(f"{where} must be an object")
    if phase == "qualification":
        keys = _PASS if value.get("pass") is True else _FAIL
    else:
        keys = _KEYS[phase]
    if set(value) != keys:
        raise ValueError(f"{where} must have exactly {sorted(keys)} (it has {sorted(value)})")
    bid, item = _bid(value["bid"], where), _text(value["item"], f"{where}: 'item'")
    if phase == "scoring":
        return sheets.ScoreEntry(bid=bid, item=item, points=_int(value["points"], where))
    if phase == "adjustment":
        return sheets.AdjustmentEntry(bid=bid, item=item, fen=_int(value["fen"], where))
    if value["pass"] is True:
        return sheets.QualificationEntry(bid=bid, item=item, passed=True)
    if value["pass"] is not False:
        raise ValueError(f"{where}: 'pass' must be true or false")
    return sheets.QualificationEntry(
        bid=bid, item=item, passed=False,
        reason=_text(value["reason"], f"{where}: 'reason'"),
        explanation=_text(value["explanation"], f"{where}: 'explanation'"),
    )  # fmt: skip


def _bid(value: object, where: str) -> UUID:
    try:
        if isinstance(value, str):
            return UUID(value)
    except ValueError:
        pass
    raise ValueError(f"{where}: 'bid' must be a bid's UUID")


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{where} must be a string")
    return value


def _int(value: object, where: str) -> int:
    if type(value) is not int:
        raise TypeError(f"{where}: points and fen are whole numbers (hundredths of a point)")
    return value
