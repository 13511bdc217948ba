"""The sheet's bytes: etender-sheet-v1, RFC 8785 canonical JSON, parsed strictly.

docs/formats/evaluation-sheet.md §1–2. A sheet has one spelling: parsing re-encodes
and compares, so its SHA-256 (the commitment) is well defined. Binary values in
sheets and commands are base64url without padding (RFC 4648 §5).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from uuid import UUID

from signing.canonical import canonical_json
from signing.sheets.errors import SheetEncodingInvalid, SheetMalformed, SheetTooLarge

FORMAT = "etender-sheet-v1"
PHASES = ("qualification", "scoring", "adjustment")
KEY_SIZE = 32  # RFC 8439 §2.8: a 256-bit key
NONCE_SIZE = 12  # RFC 8439 §2.8: a 96-bit nonce
TAG_SIZE = 16  # the Poly1305 tag appended to the ciphertext
SALT_SIZE = 32
COMMITMENT_SIZE = 32  # SHA-256
MAX_CIPHERTEXT = 1 << 20  # 1 MiB, also a CHECK of evaluation_sheets (0058)
MAX_SHEET = MAX_CIPHERTEXT - TAG_SIZE
MAX_SIGNATURE = 64 << 10  # a CMS signature with its chain: a few KiB in practice
MAX_ENTRIES = 10_000
MAX_EXPLANATION = 2000
MAX_JSON_INT = (1 << 53) - 1  # RFC 8785 §3.2.2.3 (I-JSON): integers exact in a double

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_ITEM = re.compile(r"[A-Za-z0-9_-]{1,32}(\.[A-Za-z0-9_-]{1,32}){0,3}")
_REASON = re.compile(r"[a-z][a-z0-9_]{0,63}")


# --- base64url without padding (RFC 4648 §5, §3.2) ---


def b64url_encode(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: object, *, field: str, size: int | None = None, limit: int) -> bytes:
    """Strict base64url without padding: the one encoding of ``size`` (or ≤ ``limit``) bytes."""
    if not isinstance(text, str):
        raise SheetEncodingInvalid(
            f"'{field}' must be a base64url string", details={"field": field}
        )
    if size is not None and len(text) != (size * 4 + 2) // 3:
        raise SheetEncodingInvalid(f"'{field}' must be {size} bytes", details={"field": field})
    if len(text) > (limit * 4 + 2) // 3:
        raise SheetTooLarge(f"'{field}' is over {limit} bytes", details={"field": field})
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise SheetEncodingInvalid(
            f"'{field}' is not base64url without padding", details={"field": field}
        )
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # RFC 4648 §3.5: unused trailing bits must be zero, so each value has one spelling.
    if b64url_encode(raw) != text:
        raise SheetEncodingInvalid(
            f"'{field}' is not canonical base64url", details={"field": field}
        )
    if size is not None and len(raw) != size:
        raise SheetEncodingInvalid(f"'{field}' must be {size} bytes", details={"field": field})
    return raw


# --- the sheet ---


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class QualificationEntry:
    """A qualification item of a bid: passed, or failed with a Reg. 51 reason."""

    bid: UUID
    item: str
    passed: bool  # "pass" in the JSON
    reason: str | None = None  # a Reg. 51 reason code when failed (the method lists them)
    explanation: str | None = None  # the member's words when failed


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ScoreEntry:
    """A sub-item's points in hundredths ("<criterion id>.<sub-item id>")."""

    bid: UUID
    item: str
    points: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AdjustmentEntry:
    """An evaluated-price adjustment in fen (lowest evaluated price)."""

    bid: UUID
    item: str
    fen: int


Entry = QualificationEntry | ScoreEntry | AdjustmentEntry
_ENTRY_OF_PHASE: dict[str, type] = {
    "qualification": QualificationEntry,
    "scoring": ScoreEntry,
    "adjustment": AdjustmentEntry,
}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Sheet:
    """One member's findings of one sheet phase (docs/formats/evaluation-sheet.md §1)."""

    session: UUID
    phase: str
    seat: int
    generation: int
    version: int
    salt: bytes
    entries: tuple[Entry, ...]

    def entry(self, bid: UUID, item: str) -> Entry | None:
        """The entry of (bid, item), if the sheet has one."""
        return next((e for e in self.entries if e.bid == bid and e.item == item), None)


def build_sheet(sheet: Sheet) -> bytes:
    """The canonical bytes of ``sheet`` (entries sorted by bid, item); refuses what
    :func:`parse_sheet` would refuse (sheet_malformed, sheet_too_large)."""
    entries = sorted(sheet.entries, key=lambda e: (str(e.bid), e.item))
    body = {
        "format": FORMAT,
        "session": str(sheet.session),
        "phase": sheet.phase,
        "seat": sheet.seat,
        "generation": sheet.generation,
        "version": sheet.version,
        "salt": b64url_encode(sheet.salt),
        "entries": [_entry_json(e) for e in entries],
    }
    try:
        data = canonical_json(body)
    except Exception as exc:  # rfc8785 refuses floats and other non-JSON values
        raise SheetMalformed(f"the sheet is not JSON of the format: {exc}") from exc
    parse_sheet(data)
    return data


def _entry_json(entry: Entry) -> dict[str, object]:
    head: dict[str, object] = {"bid": str(entry.bid), "item": entry.item}
    if isinstance(entry, ScoreEntry):
        return {**head, "points": entry.points}
    if isinstance(entry, AdjustmentEntry):
        return {**head, "fen": entry.fen}
    if entry.passed:
        return {**head, "pass": True}
    return {**head, "pass": False, "reason": entry.reason, "explanation": entry.explanation}


def parse_sheet(data: bytes) -> Sheet:
    """A sheet from its bytes, strictly: exact keys and types, and canonical form."""
    if len(data) > MAX_SHEET:
        raise SheetTooLarge(f"a sheet is at most {MAX_SHEET} bytes")
    body = _object(_load(data), "the sheet", _SHEET_KEYS)
    if body["format"] != FORMAT:
        raise SheetMalformed(f"'format' must be {FORMAT!r}")
    phase = body["phase"]
    if phase not in PHASES:
        raise SheetMalformed(f"'phase' must be one of {', '.join(PHASES)}")
    raw_entries = body["entries"]
    if not isinstance(raw_entries, list) or len(raw_entries) > MAX_ENTRIES:
        raise SheetMalformed(f"'entries' must be a list of at most {MAX_ENTRIES} entries")
    salt = body["salt"]
    if not isinstance(salt, str) or len(salt) != 43:
        raise SheetMalformed("'salt' must be 32 bytes in base64url without padding")
    sheet = Sheet(
        session=_uuid(body["session"], "session"),
        phase=str(phase),
        seat=_count(body["seat"], "seat"),
        generation=_count(body["generation"], "generation"),
        version=_count(body["version"], "version"),
        salt=_salt(salt),
        entries=tuple(_entry(raw, str(phase)) for raw in raw_entries),
    )
    keys = [(str(e.bid), e.item) for e in sheet.entries]
    if keys != sorted(set(keys)):
        raise SheetMalformed("entries must be sorted by (bid, item), each pair once")
    # RFC 8785: one value, one encoding; a sheet in any other spelling is not ours.
    if canonical_json(body) != data:
        raise SheetMalformed("the sheet is not in RFC 8785 canonical form")
    return sheet


_SHEET_KEYS = frozenset(
    {"format", "session", "phase", "seat", "generation", "version", "salt", "entries"}
)


def _load(data: bytes) -> object:
    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        if len({k for k, _ in items}) != len(items):
            raise SheetMalformed("a JSON object of the sheet has a duplicate key")
        return dict(items)

    def refuse(name: str) -> object:
        raise SheetMalformed(f"{name} is not JSON")

    def no_float(text: str) -> object:
        raise SheetMalformed("a sheet holds integers only, never fractions")

    try:
        return json.loads(
            data.decode("utf-8"), object_pairs_hook=pairs, parse_constant=refuse,
            parse_float=no_float,
        )  # fmt: skip
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SheetMalformed(f"the sheet is not UTF-8 JSON: {exc}") from exc


def _object(value: object, where: str, keys: frozenset[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise SheetMalformed(f"{where} must be a JSON object")
    if set(value) != keys:
        raise SheetMalformed(
            f"{where} must have exactly the fields {sorted(keys)}",
            details={"fields": sorted(value)},
        )
    return value


def _uuid(value: object, name: str) -> UUID:
    try:
        parsed = UUID(str(value))
    except ValueError:
        parsed = None
    if not isinstance(value, str) or parsed is None or str(parsed) != value:
        raise SheetMalformed(f"'{name}' must be a UUID in lowercase hyphenated form")
    return parsed


def _count(value: object, name: str) -> int:
    if type(value) is not int or not 1 <= value <= MAX_JSON_INT:
        raise SheetMalformed(f"'{name}' must be an integer >= 1")
    return value


def _salt(text: str) -> bytes:
    try:
        return b64url_decode(text, field="salt", size=SALT_SIZE, limit=SALT_SIZE)
    except SheetEncodingInvalid as exc:
        raise SheetMalformed("'salt' must be 32 bytes in base64url without padding") from exc


_QUALIFICATION_PASS = frozenset({"bid", "item", "pass"})
_QUALIFICATION_FAIL = frozenset({"bid", "item", "pass", "reason", "explanation"})


def _entry(raw: object, phase: str) -> Entry:
    if not isinstance(raw, dict):
        raise SheetMalformed("each entry must be a JSON object")
    kind = _ENTRY_OF_PHASE[phase]
    if kind is QualificationEntry:
        keys = _QUALIFICATION_PASS if raw.get("pass") is True else _QUALIFICATION_FAIL
    else:
        keys = frozenset({"bid", "item", "points" if kind is ScoreEntry else "fen"})
    body = _object(raw, f"a {phase} entry", keys)
    bid, item = _uuid(body["bid"], "bid"), body["item"]
    if not isinstance(item, str) or not _ITEM.fullmatch(item):
        raise SheetMalformed("'item' must be an item id like '2.1' (A-Z a-z 0-9 _ -)")
    if kind is ScoreEntry:
        return ScoreEntry(bid=bid, item=item, points=_points(body["points"]))
    if kind is AdjustmentEntry:
        return AdjustmentEntry(bid=bid, item=item, fen=_fen(body["fen"]))
    if body["pass"] is True:
        return QualificationEntry(bid=bid, item=item, passed=True)
    if body["pass"] is not False:
        raise SheetMalformed("'pass' must be true or false")
    return QualificationEntry(
        bid=bid, item=item, passed=False, reason=_reason(body["reason"]),
        explanation=_explanation(body["explanation"]),
    )  # fmt: skip


def _points(value: object) -> int:
    if type(value) is not int or not 0 <= value <= MAX_JSON_INT:
        raise SheetMalformed("'points' must be a whole number of hundredths >= 0")
    return value


def _fen(value: object) -> int:
    if type(value) is not int or abs(value) > MAX_JSON_INT:
        raise SheetMalformed("'fen' must be a whole number of fen")
    return value


def _reason(value: object) -> str:
    if not isinstance(value, str) or not _REASON.fullmatch(value):
        raise SheetMalformed("'reason' must be a Reg. 51 reason code like 'not_responsive'")
    return value


def _explanation(value: object) -> str:
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > MAX_EXPLANATION
        or any((ord(c) < 32 and c not in "\n\t") or c == "\x7f" for c in value)
    ):
        raise SheetMalformed(f"'explanation' must be printable text of 1–{MAX_EXPLANATION} chars")
    return value
