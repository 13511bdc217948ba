"""Log entries: the canonical JSON shape, strict parsing, and salted commitments."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from signing.log.entry import Actor, EntryKind, LogEntry, Subject, commit, new_salt, reveal_matches
from signing.log.errors import EntryInvalid, NaiveDatetimeRefused

SHANGHAI = timezone(timedelta(hours=8))
SALT = bytes(range(32))


def _entry(**changes: object) -> LogEntry:
    fields: dict[str, object] = {
        "kind": EntryKind.AUTH_LOGIN,
        "time": datetime(2025, 3, 1, 16, 0, 0, 5, tzinfo=SHANGHAI),
        "actor": Actor(user_id="u-1", role="bidder"),
        "address": "203.0.113.7",
        "subject": Subject(type="user", id="u-1"),
        "data": {"method": "certificate"},
    }
    fields.update(changes)
    return LogEntry(**fields)  # type: ignore[arg-type]


def test_entry_bytes_are_the_documented_canonical_json() -> None:
    """Keys sorted, no spaces, UTC time with microseconds and Z (docs/audit-log.md)."""
    expected = (
        b'{"actor":{"role":"bidder","user_id":"u-1"},"address":"203.0.113.7",'
        b'"commitments":[],"data":{"method":"certificate"},"kind":"auth.login",'
        b'"schema":1,"subject":{"id":"u-1","type":"user"},'
        b'"time":"2025-03-01T08:00:00.000005Z"}'
    )
    assert _entry().to_bytes() == expected


def test_an_entry_round_trips_through_its_bytes() -> None:
    """from_bytes(to_bytes(e)) == e, for entries with and without optional parts."""
    for entry in (
        _entry(),
        _entry(address=None, subject=None, actor=Actor(user_id=None, role="system")),
        _entry(data={"n": [1, "x", None, True, {"z": -2}]}),
    ):
        assert LogEntry.from_bytes(entry.to_bytes()) == entry


def test_the_leaf_hash_is_rfc_9162_over_the_entry_bytes() -> None:
    """leaf_hash = SHA-256(0x00 || entry bytes)."""
    entry = _entry()
    assert entry.leaf_hash() == hashlib.sha256(b"\x00" + entry.to_bytes()).digest()


def test_times_are_stored_in_utc() -> None:
    """An aware time in another zone is converted to UTC."""
    assert _entry().time == datetime(2025, 3, 1, 8, 0, 0, 5, tzinfo=UTC)


def test_a_naive_time_is_refused() -> None:
    """Time is passed in timezone-aware (STYLE.md 3)."""
    with pytest.raises(NaiveDatetimeRefused):
        _entry(time=datetime(2025, 3, 1, 8, 0))


def test_kinds_are_dotted_lowercase_names() -> None:
    """Other packages may add kinds, but always as dotted lowercase names."""
    assert _entry(kind="tender.published").kind == "tender.published"
    for kind in ("login", "Auth.login", "auth..login", "auth.login.", ""):
        with pytest.raises(EntryInvalid):
            _entry(kind=kind)


def test_the_foundation_kinds_are_the_agreed_strings() -> None:
    """EntryKind spells the kinds of the foundation; log.checkpoint is not an entry."""
    assert {k.value for k in EntryKind} == {
        "auth.login",
        "auth.logout",
        "auth.role_granted",
        "auth.role_revoked",
        "account.user_created",
        "account.organisation_created",
        "security.events_summary",
    }


@pytest.mark.parametrize("address", ["203.0.113.007", "2001:DB8::1", "2001:db8:0::1", "host", ""])
def test_addresses_must_be_canonical_ip_addresses(address: str) -> None:
    """Only one spelling per address can be logged, so entries stay canonical."""
    with pytest.raises(EntryInvalid):
        _entry(address=address)


def test_commitment_fields_must_hold_commitments() -> None:
    """commitments names data fields whose values are 64-hex-digit commitments."""
    hidden = commit("bidder-42", SALT)
    entry = _entry(data={"bidder": hidden, "lot": 1}, commitments=("bidder",))
    assert entry.commitments == ("bidder",)
    with pytest.raises(EntryInvalid):
        _entry(data={"bidder": "bidder-42"}, commitments=("bidder",))
    with pytest.raises(EntryInvalid):
        _entry(data={}, commitments=("bidder",))


def test_data_that_is_not_json_is_refused() -> None:
    """Non-finite floats, bytes and unsafe integers cannot be canonicalised."""
    for data in ({"x": float("nan")}, {"x": b"raw"}, {"x": 2**60}):
        with pytest.raises(EntryInvalid):
            _entry(data=data)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"actor": {"role":"bidder","user_id":"u-1"}}',  # not canonical, keys missing
        # Whitespace after the first colon: valid JSON, not canonical.
        _entry().to_bytes().replace(b'"actor":', b'"actor": ', 1),
        _entry().to_bytes().replace(b'"schema":1', b'"schema":2'),
        _entry().to_bytes().replace(b'"schema":1', b'"schema":true'),
        _entry().to_bytes().replace(b'"schema":1', b'"schema":1,"extra":0'),
        _entry().to_bytes().replace(b"08:00:00.000005Z", b"08:00:00Z"),
        _entry().to_bytes().replace(b"08:00:00.000005Z", b"08:00:00.000005+00:00"),
        _entry().to_bytes().replace(b'"kind":"auth.login"', b'"kind":"auth.login","kind":"x.y"'),
        _entry().to_bytes().replace(b'"role":"bidder"', b'"role":"bidder","x":1'),
        _entry().to_bytes().replace(b'"method":"certificate"', b'"method":NaN'),
        b"\xff",
        b"[]",
    ],
)
def test_non_canonical_or_unknown_entry_bytes_are_refused(raw: bytes) -> None:
    """from_bytes accepts only the exact canonical encoding of the schema."""
    with pytest.raises(EntryInvalid) as caught:
        LogEntry.from_bytes(raw)
    assert caught.value.code == "log_entry_invalid"


def _lp(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def test_a_commitment_is_sha256_of_length_prefixed_label_salt_and_value() -> None:
    """commit = hex SHA-256(lp("etender-commit-v1") || lp(salt) || lp(value))."""
    expected = hashlib.sha256(_lp(b"etender-commit-v1") + _lp(SALT) + _lp(b"x")).hexdigest()
    assert commit(b"x", SALT) == expected
    assert commit("中标人", SALT) == commit("中标人".encode(), SALT)


def test_a_commitment_opens_only_with_its_value_and_salt() -> None:
    """reveal_matches is true for the committed pair and false otherwise."""
    salt = new_salt()
    c = commit("bidder-42", salt)
    assert reveal_matches(c, "bidder-42", salt)
    assert not reveal_matches(c, "bidder-43", salt)
    assert not reveal_matches(c, "bidder-42", new_salt())
    assert not reveal_matches(c.upper(), "bidder-42", salt)


def test_moving_bytes_between_salt_and_value_changes_the_commitment() -> None:
    """Length prefixes keep (salt, value) boundaries unambiguous."""
    assert commit(b"xy", SALT) != commit(b"y", SALT + b"x")


def test_a_short_salt_is_refused() -> None:
    """Salts are at least 16 bytes, so a small value space cannot be searched."""
    with pytest.raises(EntryInvalid):
        commit("x", b"\x00" * 15)
    assert not reveal_matches(commit("x", SALT), "x", b"\x00" * 15)
