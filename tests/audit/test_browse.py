"""What the log browser shows and matches, decided without I/O (audit/browse.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from audit.browse import LogFilter, about_tender, decode, parse_filter, parse_position
from audit.errors import LogFilterInvalid
from signing.log.entry import Actor, LogEntry, Subject

TENDER = "t-1"


def entry(when: datetime, *, subject: Subject | None = None, **data: object) -> LogEntry:
    return LogEntry(kind="tender.published", time=when, actor=Actor(user_id="u1", role="agency"),
                    subject=subject, data=data)  # fmt: skip


def test_a_canonical_leaf_decodes_and_anything_else_says_why() -> None:
    """The canonical parser decides; a non-canonical leaf keeps its bytes and a reason."""
    raw = entry(datetime(2026, 3, 1, tzinfo=UTC), title="道路").to_bytes()
    good = decode(7, raw)
    assert good.entry is not None
    assert good.problem is None
    assert good.data_json == '{\n  "title": "道路"\n}'
    spaced = decode(8, raw.replace(b'"schema":1', b'"schema": 1'))
    assert spaced.entry is None
    assert spaced.problem
    assert decode(9, b"\xff").text == "\ufffd"


def test_a_tender_is_the_subject_or_named_in_data_as_tender_or_tender_id() -> None:
    """docs/audit-log.md §8: the subject, or data's ``tender`` / ``tender_id``."""
    when = datetime(2026, 3, 1, tzinfo=UTC)
    assert about_tender(entry(when, subject=Subject(type="tender", id=TENDER)), TENDER)
    assert about_tender(entry(when, tender=TENDER), TENDER)
    assert about_tender(entry(when, tender_id=TENDER), TENDER)
    assert not about_tender(entry(when, subject=Subject(type="lot", id=TENDER)), TENDER)
    assert not about_tender(entry(when, tender={"id": TENDER}), TENDER)


def test_days_are_beijing_days_with_both_ends_included() -> None:
    """15:59:59Z is 23:59:59 of the Beijing day; 16:00Z is the next Beijing day."""
    day = LogFilter(first_day=date(2026, 3, 1), last_day=date(2026, 3, 1))
    assert day.matches(decode(0, entry(datetime(2026, 2, 28, 16, 0, tzinfo=UTC)).to_bytes()))
    assert day.matches(decode(0, entry(datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)).to_bytes()))
    assert not day.matches(decode(0, entry(datetime(2026, 3, 1, 16, 0, tzinfo=UTC)).to_bytes()))
    assert not day.matches(decode(0, entry(datetime(2026, 2, 28, 15, 59, tzinfo=UTC)).to_bytes()))


def test_an_undecodable_leaf_passes_only_a_search_on_nothing_it_would_say() -> None:
    """With no condition on content, every leaf is listed; with one, it cannot match."""
    leaf = decode(0, b"not an entry")
    assert LogFilter().matches(leaf)
    assert LogFilter(kind="test.raw").matches(leaf)  # the stored kind column chose it
    assert not LogFilter(tender=TENDER).matches(leaf)
    assert not LogFilter(first_day=date(2026, 3, 1)).matches(leaf)


def test_the_filter_round_trips_through_its_query() -> None:
    """The "older" link carries exactly the search."""
    wanted = parse_filter({"kind": " auth.login ", "tender": "", "from": "2026-03-01"})
    assert wanted == LogFilter(kind="auth.login", first_day=date(2026, 3, 1))
    assert parse_filter(wanted.query()) == wanted
    assert not LogFilter().active
    assert wanted.active


@pytest.mark.parametrize(
    "params",
    [{"from": "2026-02-30"}, {"to": "tomorrow"}, {"from": "2026-03-02", "to": "2026-03-01"},
     {"kind": "k" * 129}],
)  # fmt: skip
def test_a_bad_search_is_log_filter_invalid(params: dict[str, str]) -> None:
    """400 ``log_filter_invalid`` naming the field."""
    with pytest.raises(LogFilterInvalid) as refused:
        parse_filter(params)
    assert refused.value.status == 400
    assert refused.value.code == "log_filter_invalid"


@pytest.mark.parametrize("text", ["-1", "1.5", "１２", "9" * 19, "abc"])
def test_a_position_is_a_plain_decimal_number(text: str) -> None:
    """Only ASCII digits (no sign, no full-width digits, no bigint overflow)."""
    with pytest.raises(LogFilterInvalid):
        parse_position(text, "before")
    assert parse_position("", "before") is None
    assert parse_position("42", "before") == 42


def test_the_calendars_first_and_last_days_are_a_search_not_an_overflow() -> None:
    """to=9999-12-31 has no Beijing midnight after it: the search is open-ended then."""
    leaf = decode(0, entry(datetime(2026, 3, 1, tzinfo=UTC)).to_bytes())
    assert LogFilter(last_day=date.max).matches(leaf)
    assert LogFilter(first_day=date.min, last_day=date.max).matches(leaf)
    assert not LogFilter(first_day=date.max, last_day=date.max).matches(leaf)
    assert not LogFilter(first_day=date.min, last_day=date.min).matches(leaf)
