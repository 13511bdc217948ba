"""Field checks shared by statement constructors and parsers, and strict JSON reading.

Statement bodies are strict: no duplicate keys, no NaN or Infinity, no unknown
fields, whole UTC seconds (docs/formats/signatures.md, "Statements").
"""

from __future__ import annotations

import datetime as dt
import json
import re

from signing.errors import StatementMalformed

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


# --- field checks shared by constructors and parsers ---


def check_text(name: str, value: object) -> None:
    """Refuse anything but a non-empty string without leading or trailing spaces."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise StatementMalformed(f"{name} must be a non-empty string without edge spaces")


def check_hex64(name: str, value: object) -> None:
    """Refuse anything but 64 lowercase hex digits (a SHA-256)."""
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise StatementMalformed(f"{name} must be 64 lowercase hex digits")


def check_int(name: str, value: object, minimum: int) -> None:
    """Refuse anything but an integer (not a bool) of at least ``minimum``."""
    # bool is an int in Python but not in JSON: refuse it.
    if type(value) is not int or value < minimum:
        raise StatementMalformed(f"{name} must be an integer >= {minimum}")


def utc_seconds(value: object, name: str) -> dt.datetime:
    """``value`` in UTC, truncated to whole seconds; refuse a naive or non-datetime."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise StatementMalformed(f"{name} must be a timezone-aware datetime")
    # Statements carry whole seconds so that parsing and re-encoding are exact.
    return value.astimezone(dt.UTC).replace(microsecond=0)


def format_time(value: dt.datetime) -> str:
    """RFC 3339 UTC with whole seconds, like 2025-01-01T08:00:00Z."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(name: str, value: str) -> dt.datetime:
    """The time ``value`` written as :func:`format_time` writes it; else refuse."""
    if not _TIME.fullmatch(value):
        raise StatementMalformed(f"{name} must be RFC 3339 UTC like 2025-01-01T08:00:00Z")
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise StatementMalformed(f"{name} is not a valid time: {exc}") from exc


# --- strict JSON reading ---


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise StatementMalformed("a JSON object has a duplicate key")
    return result


def _refuse_constant(name: str) -> object:
    raise StatementMalformed(f"{name} is not JSON")


class Reader:
    """Typed access to a JSON object that remembers which keys were read."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise StatementMalformed(f"{where} must be a JSON object")
        self._object: dict[str, object] = value
        self._where = where
        self._seen: set[str] = set()

    @classmethod
    def parse(cls, body: bytes) -> Reader:
        try:
            value = json.loads(
                body.decode("utf-8"),
                object_pairs_hook=_refuse_duplicates,
                parse_constant=_refuse_constant,
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise StatementMalformed(f"the statement is not UTF-8 JSON: {exc}") from exc
        return cls(value, "the statement")

    def take(self, key: str) -> object:
        if key not in self._object:
            raise StatementMalformed(f"{self._where} lacks the field {key!r}")
        self._seen.add(key)
        return self._object[key]

    def text(self, key: str) -> str:
        value = self.take(key)
        if not isinstance(value, str):
            raise StatementMalformed(f"field {key!r} must be a string")
        return value

    def integer(self, key: str) -> int:
        value = self.take(key)
        if type(value) is not int:
            raise StatementMalformed(f"field {key!r} must be an integer")
        return value

    def time(self, key: str) -> dt.datetime:
        return parse_time(key, self.text(key))

    def finish(self) -> None:
        unknown = sorted(set(self._object) - self._seen)
        if unknown:
            raise StatementMalformed(f"{self._where} has unknown fields {unknown}")
