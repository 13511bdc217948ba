"""The OCDS feed's cursor: opaque to clients, strict on the way back in.

A cursor is exactly what :func:`encode_cursor` writes: base64url without padding of
``"<date>|<release id>"``, ``date`` the last served release's date (format_time, UTC,
microseconds) and ``release id`` its id (docs/open-data.md, "Release ids"). The feed
serves the releases after that position in (date, id) order. Anything else — another
spelling of the same position, a control character, a made-up id — is refused before
a query sees it (the pattern of accounts/keys/signatures.py).
"""

from __future__ import annotations

import base64
import re
from datetime import datetime

from signing.log.entry import format_time
from tender.disclosure.errors import FeedCursorInvalid

_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_CODE = r"[A-Z]{2,8}-[0-9]{4}-(?:GC|HW|FW)-[0-9]{6}"
# Another transaction type's code (a listing's: "XC-GP-2026-0001"; docs/api-listing.md).
_OTHER_CODE = r"[A-Z]{2,8}-[A-Z]{2}-[0-9]{4}-[0-9]{4,6}"
# A milestone's id ends in its recording time, e.g. "…-20261207T031646504126Z".
_ID = re.compile(rf"(?:{_CODE}|{_OTHER_CODE})-[a-z][A-Za-z0-9-]{{0,200}}")
MAX_CURSOR = 400


def release_code(release_id: str) -> str | None:
    """The tender's transaction code a (decoded, hence well-formed) release id starts
    with; None for another transaction type's release."""
    found = re.match(_CODE, release_id)
    return None if found is None else found.group(0)


def encode_cursor(date: datetime, release_id: str) -> str:
    """The position after which the next page starts."""
    raw = f"{format_time(date)}|{release_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (date, release id) a cursor names; anything this server did not write is refused."""
    invalid = FeedCursorInvalid(
        "the cursor is not one this server issued: start again without it",
        details={"param": "cursor"},
    )
    if len(cursor) > MAX_CURSOR or not _B64URL.fullmatch(cursor) or len(cursor) % 4 == 1:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    stamp, sep, release_id = raw.partition("|")
    if not (sep and _DATE.fullmatch(stamp) and _ID.fullmatch(release_id)):
        raise invalid
    try:
        date = datetime.fromisoformat(stamp)
    except ValueError:  # the right shape, not a real time (month 13)
        raise invalid from None
    if encode_cursor(date, release_id) != cursor:  # the one spelling the server writes
        raise invalid
    return date, release_id
