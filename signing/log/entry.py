"""The transparency log entry: one RFC 8785 JSON object per leaf, and salted commitments.

Entry bytes are ``canonical_json`` of::

    {"schema": 1, "kind": "auth.login", "time": "2025-03-01T08:00:00.000000Z",
     "actor": {"user_id": "u-1" | null, "role": "bidder"},
     "address": "203.0.113.7" | null,
     "subject": {"type": "tender", "id": "t-1"} | null,
     "data": {...}, "commitments": ["bidder"]}

Every key is always present. ``commitments`` names the ``data`` fields whose values are
salted commitments (``commit``), sorted; they are revealed by later entries when the
rules allow (DESIGN.md, "Transparency log").
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from signing.canonical import canonical_json
from signing.log.errors import EntryInvalid, NaiveDatetimeRefused
from signing.log.merkle import leaf_hash

SCHEMA_VERSION = 1
_T = TypeVar("_T")
COMMIT_LABEL = b"etender-commit-v1"
MIN_SALT_SIZE = 16

_KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
_COMMITMENT = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_FIELDS = frozenset(
    {"schema", "kind", "time", "actor", "address", "subject", "data", "commitments"}
)


class EntryKind(enum.StrEnum):
    """Entry kinds of the foundation; other packages add their own dotted kinds."""

    AUTH_LOGIN = "auth.login"
    AUTH_LOGOUT = "auth.logout"
    AUTH_ROLE_GRANTED = "auth.role_granted"
    AUTH_ROLE_REVOKED = "auth.role_revoked"
    ACCOUNT_USER_CREATED = "account.user_created"
    ACCOUNT_ORGANISATION_CREATED = "account.organisation_created"
    SECURITY_EVENTS_SUMMARY = "security.events_summary"


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    """Who acted: a user id (null for the platform itself) and the role acted in."""

    user_id: str | None
    role: str

    def __post_init__(self) -> None:
        if self.user_id is not None and not _is_id(self.user_id):
            raise EntryInvalid(f"invalid actor user id {self.user_id!r}")
        if not _is_name(self.role):
            raise EntryInvalid(f"invalid actor role {self.role!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class Subject:
    """What the entry is about, e.g. ``Subject(type="tender", id="…")``."""

    type: str
    id: str

    def __post_init__(self) -> None:
        if not _is_name(self.type) or not _is_id(self.id):
            raise EntryInvalid(f"invalid subject {self.type!r} {self.id!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class LogEntry:
    """One leaf of the transparency log (treat ``data`` as read-only)."""

    kind: str
    time: datetime
    actor: Actor
    address: str | None = None
    subject: Subject | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    commitments: tuple[str, ...] = ()
    schema: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if self.schema != SCHEMA_VERSION or not isinstance(self.kind, str):
            raise EntryInvalid(f"unsupported entry schema {self.schema!r}")
        if not _KIND.fullmatch(self.kind):
            raise EntryInvalid(f"entry kind {self.kind!r} is not a dotted lowercase name")
        object.__setattr__(self, "kind", str(self.kind))
        object.__setattr__(self, "time", _to_utc(self.time))
        object.__setattr__(self, "commitments", tuple(sorted(set(self.commitments))))
        _check_address(self.address)
        _check_data(self.data, self.commitments)
        self.to_bytes()  # fail at construction, not at append, if data is not JSON

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON-ready dict (see the module docstring)."""
        subject = self.subject and {"type": self.subject.type, "id": self.subject.id}
        return {
            "schema": self.schema,
            "kind": self.kind,
            "time": format_time(self.time),
            "actor": {"user_id": self.actor.user_id, "role": self.actor.role},
            "address": self.address,
            "subject": subject,
            "data": dict(self.data),
            "commitments": list(self.commitments),
        }

    def to_bytes(self) -> bytes:
        """The exact leaf bytes: RFC 8785 canonical JSON."""
        try:
            return canonical_json(self.to_json())
        except (ValueError, TypeError) as error:
            raise EntryInvalid(f"entry data is not canonical JSON: {error}") from None

    def leaf_hash(self) -> bytes:
        """RFC 9162 leaf hash of the entry bytes."""
        return leaf_hash(self.to_bytes())

    @classmethod
    def from_bytes(cls, raw: bytes) -> LogEntry:
        """Parse leaf bytes strictly: known schema, every key, canonical encoding."""
        obj = _load_json(raw)
        if not isinstance(obj, dict) or set(obj) != _FIELDS:
            raise EntryInvalid(f"an entry is an object with exactly the keys {sorted(_FIELDS)}")
        entry = cls(
            schema=_typed(obj["schema"], int, "schema"),
            kind=_typed(obj["kind"], str, "kind"),
            time=parse_time(_typed(obj["time"], str, "time")),
            actor=_actor_from(obj["actor"]),
            address=obj["address"],
            subject=_subject_from(obj["subject"]),
            data=_typed(obj["data"], dict, "data"),
            commitments=tuple(_typed(obj["commitments"], list, "commitments")),
        )
        if entry.to_bytes() != raw:
            raise EntryInvalid("entry bytes are not in canonical form")
        return entry


def _is_name(value: object) -> bool:
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def _is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _to_utc(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise EntryInvalid("entry time must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeRefused("entry time must be timezone-aware")
    return value.astimezone(UTC)


def _check_address(address: object) -> None:
    if address is None:
        return
    try:
        canonical = isinstance(address, str) and str(ipaddress.ip_address(address)) == address
    except ValueError:
        canonical = False
    if not canonical:
        raise EntryInvalid(f"address {address!r} is not an IP address in canonical form")


def _check_data(data: object, commitments: tuple[str, ...]) -> None:
    if not isinstance(data, Mapping) or not all(isinstance(k, str) for k in data):
        raise EntryInvalid("entry data is a JSON object")
    for name in commitments:
        value = data.get(name)
        if not isinstance(value, str) or not _COMMITMENT.fullmatch(value):
            raise EntryInvalid(f"data field {name!r} is not a commitment")


def format_time(value: datetime) -> str:
    """RFC 3339 UTC with microseconds: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    utc = _to_utc(value).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    """Parse the entry time format (only that exact form) into an aware UTC datetime."""
    if not _TIME.fullmatch(text):
        raise EntryInvalid(f"entry time {text[:40]!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise EntryInvalid(f"entry time {text!r} is not a valid date") from None


def _load_json(raw: bytes) -> object:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({key for key, _ in pairs}) != len(pairs):
            raise EntryInvalid("duplicate key in entry JSON")
        return dict(pairs)

    def no_constant(name: str) -> None:
        raise EntryInvalid(f"{name} is not JSON")

    try:
        text = raw.decode("utf-8")
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise EntryInvalid("entry bytes are not UTF-8 JSON") from None


def _typed(value: object, kind: type[_T], name: str) -> _T:
    # bool is an int in Python but not a schema version.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise EntryInvalid(f"entry {name} has the wrong JSON type")
    return value


def _actor_from(value: object) -> Actor:
    obj = _typed(value, dict, "actor")
    if set(obj) != {"user_id", "role"}:
        raise EntryInvalid("actor has exactly user_id and role")
    return Actor(user_id=obj["user_id"], role=obj["role"])


def _subject_from(value: object) -> Subject | None:
    if value is None:
        return None
    obj = _typed(value, dict, "subject")
    if set(obj) != {"type", "id"}:
        raise EntryInvalid("subject has exactly type and id")
    return Subject(type=obj["type"], id=obj["id"])


def _lp(value: bytes) -> bytes:
    """``lp(x)`` = 4-byte big-endian length || x (DESIGN.md, etender-draw-v1 encoding)."""
    return len(value).to_bytes(4, "big") + value


def new_salt() -> bytes:
    """32 random bytes for one commitment; never reuse a salt."""
    return secrets.token_bytes(32)


def commit(value: bytes | str, salt: bytes, *, label: bytes = COMMIT_LABEL) -> str:
    """Salted commitment: hex SHA-256(lp("etender-commit-v1") || lp(salt) || lp(value)).

    Text is UTF-8. The salt is at least 16 bytes (use ``new_salt``). Another ``label``
    separates a second commitment under the same salt from the first (one bid
    version's statement commitment, signing.statements.bid; docs/audit-log.md §1.2).
    """
    if len(salt) < MIN_SALT_SIZE:
        raise EntryInvalid(f"a commitment salt is at least {MIN_SALT_SIZE} bytes")
    raw = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(_lp(label) + _lp(salt) + _lp(raw)).hexdigest()


def reveal_matches(
    commitment: str, value: bytes | str, salt: bytes, *, label: bytes = COMMIT_LABEL
) -> bool:
    """Whether ``value`` and ``salt`` open ``commitment`` (constant-time comparison)."""
    if len(salt) < MIN_SALT_SIZE or not _COMMITMENT.fullmatch(commitment):
        return False
    return hmac.compare_digest(commit(value, salt, label=label), commitment)
