"""What the audit administrator's log browser shows, decided without I/O (issue 15,
item 3; docs/audit-log.md §8).

An entry is shown as the log holds it: the exact leaf bytes parsed with the canonical
parser (docs/audit-log.md §1), never enriched from other tables — a name or a tender
title the log does not hold would not be evidence. Bytes that do not parse as a
canonical entry are shown as such (their leaf hash still counts in the tree).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from audit.errors import LogFilterInvalid
from signing.errors import EtenderError
from signing.log.entry import LogEntry
from signing.log.merkle import leaf_hash

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A search scans at most this many entries per page before it hands the visitor a
# "search older entries" link, so one request never walks the whole log.
SCAN_WINDOW = 2000
PAGE_SIZE = 50
MAX_TEXT = 128  # ids are at most 128 characters (docs/audit-log.md §1)
TENDER_DATA_KEYS = ("tender", "tender_id")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DecodedEntry:
    """One leaf: its index, exact bytes, and the parsed entry (None when not canonical)."""

    index: int
    raw: bytes
    entry: LogEntry | None
    problem: str | None = None

    @property
    def leaf_hash_hex(self) -> str:
        return leaf_hash(self.raw).hex()

    @property
    def text(self) -> str:
        """The leaf bytes as text (UTF-8; undecodable bytes shown as U+FFFD)."""
        return self.raw.decode("utf-8", errors="replace")

    @property
    def data_json(self) -> str:
        """``data`` pretty-printed, non-ASCII as itself, keys in the log's order."""
        if self.entry is None:
            return ""
        return json.dumps(dict(self.entry.data), ensure_ascii=False, indent=2)


def decode(index: int, raw: bytes) -> DecodedEntry:
    """Parse one leaf strictly; a leaf that is not a canonical entry says why."""
    try:
        return DecodedEntry(index=index, raw=raw, entry=LogEntry.from_bytes(raw))
    except EtenderError as error:
        return DecodedEntry(index=index, raw=raw, entry=None, problem=error.message)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LogFilter:
    """A search: kind (exact), tender (id or code), and Beijing days (both inclusive)."""

    kind: str | None = None
    tender: str | None = None
    first_day: date | None = None
    last_day: date | None = None

    @property
    def since(self) -> datetime | None:
        if self.first_day is None:
            return None
        return datetime.combine(self.first_day, time(), SHANGHAI)

    @property
    def until(self) -> datetime | None:
        """Exclusive: the Beijing midnight after the last day. The calendar's last day
        (9999-12-31, which a date field accepts) has none: the search is open-ended."""
        if self.last_day is None or self.last_day == date.max:
            return None
        return datetime.combine(self.last_day + timedelta(days=1), time(), SHANGHAI)

    @property
    def active(self) -> bool:
        return any((self.kind, self.tender, self.first_day, self.last_day))

    def query(self) -> dict[str, str]:
        """The filter as the page's query parameters (for "older" links)."""
        pairs = {
            "kind": self.kind or "",
            "tender": self.tender or "",
            "from": self.first_day.isoformat() if self.first_day else "",
            "to": self.last_day.isoformat() if self.last_day else "",
        }
        return {k: v for k, v in pairs.items() if v}

    def matches(self, decoded: DecodedEntry) -> bool:
        """Whether the leaf passes every condition (an undecodable leaf passes only
        a search with no condition on what the entry says)."""
        entry = decoded.entry
        if entry is None:
            return self.tender is None and self.first_day is None and self.last_day is None
        if self.kind is not None and entry.kind != self.kind:
            return False
        if self.tender is not None and not about_tender(entry, self.tender):
            return False
        if self.since is not None and entry.time < self.since:
            return False
        return self.until is None or entry.time < self.until


def about_tender(entry: LogEntry, tender: str) -> bool:
    """An entry is about a tender when its subject is that tender, or its ``data``
    names it under ``tender`` or ``tender_id`` (an id, or the code an opening record
    carries) — the exact rule docs/audit-log.md §8 states."""
    subject = entry.subject
    if subject is not None and subject.type == "tender" and subject.id == tender:
        return True
    return any(entry.data.get(key) == tender for key in TENDER_DATA_KEYS)


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LogFilterInvalid(
            f"{field} is not a date (YYYY-MM-DD)", details={"field": field, "problem": "not_a_date"}
        ) from None


def parse_filter(params: dict[str, Any]) -> LogFilter:
    """The search from the page's query parameters; bad input is ``log_filter_invalid``."""
    kind = str(params.get("kind", "")).strip()
    tender = str(params.get("tender", "")).strip()
    for field, value in (("kind", kind), ("tender", tender)):
        if len(value) > MAX_TEXT:
            raise LogFilterInvalid(
                f"{field} is longer than {MAX_TEXT} characters",
                details={"field": field, "problem": "too_long"},
            )
    first = _day(str(params.get("from", "")).strip(), "from")
    last = _day(str(params.get("to", "")).strip(), "to")
    if first is not None and last is not None and first > last:
        raise LogFilterInvalid(
            "the first day is after the last day", details={"field": "from", "problem": "order"}
        )
    return LogFilter(kind=kind or None, tender=tender or None, first_day=first, last_day=last)


def parse_position(text: str, field: str) -> int | None:
    """A leaf index from the query string (``before``), None when absent."""
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise LogFilterInvalid(
            f"{field} is not an entry number", details={"field": field, "problem": "not_a_number"}
        )
    return int(text)
