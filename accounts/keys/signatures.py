"""Every signature made with a member's certificates, listed to that member (issue 12).

A key made in a browser is bound to one member and one device; whatever it signs is
listed to its member, so a member sees at once a signature it does not remember making
(docs/api-auth.md, "Signatures"). The list is the platform's record, newest first, a
page at a time by an opaque keyset cursor.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import asyncpg

from accounts.errors import CursorInvalid
from accounts.keys import signature_queries as queries
from accounts.keys.model import Device, DeviceKind, SignaturePage, SignatureRecord
from accounts.model import Actor

# A cursor is exactly what encode_cursor writes: base64url (no padding) of
# "<at>|<key>", ``at`` the row's time as isoformat() in UTC and ``key`` one of the list's
# keys (signature_queries.SIGNATURES). Anything else — a NUL or control character
# PostgreSQL would choke on above all — is refused before a query sees it.
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?\+00:00")
_U = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_N = "(?:0|[1-9][0-9]{0,9})"
_KEY = re.compile(
    rf"sheet/{_U}/(?:qualification|scoring|adjustment)/{_N}/{_N}/{_N}"
    rf"|report/{_U}/{_N}/{_N}|bid/{_U}/{_N}|(?:note|clarification|recipient)/{_U}"
)


def encode_cursor(at: datetime, key: str) -> str:
    """The position after which the next page starts (opaque to clients)."""
    raw = f"{at.astimezone(UTC).isoformat()}|{key}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The position a cursor names; anything this server did not issue is refused."""
    invalid = CursorInvalid("the cursor is not one this server issued")
    if not _B64URL.fullmatch(cursor) or len(cursor) % 4 == 1:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):  # bad base64, or not ASCII as we write it
        raise invalid from None
    stamp, sep, key = raw.partition("|")
    if not (sep and _STAMP.fullmatch(stamp) and _KEY.fullmatch(key)):
        raise invalid
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:  # the right shape, not a real time (month 13)
        raise invalid from None
    if encode_cursor(at, key) != cursor:  # the one spelling the server writes
        raise invalid
    return at, key


def _record(row: asyncpg.Record) -> SignatureRecord:
    kind = row["device_kind"]
    return SignatureRecord(
        at=row["at"],
        purpose=row["purpose"],
        cert_sha256=row["cert_sha256"],
        device=None if kind is None else Device(kind=DeviceKind(kind), label=row["device_label"]),
        content_sha256=row["content_sha256"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        key=row["key"],
    )


async def list_signatures(
    conn: asyncpg.Connection, actor: Actor, *, cursor: str | None, limit: int
) -> SignaturePage:
    """A page of the actor's own signatures, newest first (only its own: by user id)."""
    before = decode_cursor(cursor) if cursor else None
    rows = await queries.signatures(conn, actor.user_id, before=before, limit=limit + 1)
    items = tuple(_record(r) for r in rows[:limit])
    more = len(rows) > limit
    last = items[-1] if items else None
    next_cursor = encode_cursor(last.at, last.key) if more and last is not None else None
    return SignaturePage(items=items, next_cursor=next_cursor)
