"""tender/holiday_rules.py: the festivals' names and days (breaker F11) and the notice's
title, address and characters (breaker F12). Each row was accepted before; each refusal
is matched by its message, so a row refused for another reason would not pass."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tender.calendar import HOLIDAY_DIR, parse_year
from tender.errors import CalendarInvalid
from tests.tender.calendar_kit import synthetic_year

Change = Callable[[dict[str, Any]], None]
# The synthetic 2027 (tests/tender/calendar_kit.py): 0 元旦, 1 春节 (6–9 February),
# 2 清明节, 3 劳动节, 4 端午节, 5 中秋节 (11 September), 6 国庆节 (1–3 October).
NAMES = "a holiday is named"
STATUTORY = "statutory day"


def _parse(body: dict[str, Any]) -> None:
    parse_year(json.dumps(body, ensure_ascii=False).encode(), name="2027.json", need_url=True)


def _with(change: Change) -> dict[str, Any]:
    body = synthetic_year(2027)
    change(body)
    return body


def _holiday(index: int, name: str, dates: list[str]) -> Change:
    return lambda body: body["holidays"].__setitem__(index, {"name": name, "dates": dates})


def _days(month: int, first: int, last: int) -> list[str]:
    return [f"2027-{month:02d}-{d:02d}" for d in range(first, last + 1)]


def _merge_autumn(name: str, dates: list[str]) -> Change:
    """中秋节 and 国庆节 as one entry ``name`` on ``dates``."""

    def change(body: dict[str, Any]) -> None:
        del body["holidays"][5:]
        body["holidays"].append({"name": name, "dates": dates})

    return change


def _set(key: str, value: object) -> Change:
    return lambda body: body.__setitem__(key, value)


def _spring_in_new_year(body: dict[str, Any]) -> None:
    """The tester's file: 春节 vanishes inside 元旦、春节 on 1–3 January."""
    body["holidays"][0] = {"name": "元旦、春节", "dates": _days(1, 1, 3)}
    del body["holidays"][1]


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (_spring_in_new_year, NAMES),
        (_holiday(0, "元旦、清明节", ["2027-01-01"]), NAMES),
        (_holiday(1, "春节", ["2027-02-06"]), STATUTORY),  # one day of four
        (_holiday(1, "春节", _days(2, 6, 8)), STATUTORY),  # three days of four
        (_holiday(1, "春节", _days(12, 4, 7)), STATUTORY),  # in December
        (_holiday(1, "春节", _days(1, 10, 31) + _days(2, 1, 28)), "within a week"),
        (_holiday(2, "清明节", ["2027-04-10"]), STATUTORY),
        (_holiday(4, "端午节", ["2027-12-04"]), STATUTORY),
        (_holiday(5, "中秋节", ["2027-12-04"]), STATUTORY),
        # The combined entry is named in the order its days come (2023: 中秋节、国庆节 from
        # 29 September; 2025: 国庆节、中秋节 from 1 October).
        (_merge_autumn("中秋节、国庆节", _days(10, 1, 8)), "the order they come"),
        (_merge_autumn("国庆节、中秋节", _days(9, 29, 30) + _days(10, 1, 6)), "the order"),
        (_merge_autumn("国庆节、元旦", _days(10, 1, 8)), NAMES),
        # F12: the address is an https one on gov.cn, the title names the year, no controls.
        (_set("source_url", "http://www.gov.cn/zhengce/2027.htm"), "https address"),
        (_set("source_url", "https://www.gov.cn/%00"), "https address"),
        (_set("source_url", "https://www.gov.cn/x%e2%80%ae"), "https address"),
        (_set("source_url", "https://www.gov.cn:8443/x"), "https address"),
        (_set("source", "国务院办公厅关于2027年部分节假日安排的\u202e通知"), "format characters"),
        (_set("source", "国务院办公厅关于2027年部分\u200b节假日安排的通知"), "format characters"),
        (_set("source", "国务院办公厅关于2028年部分节假日安排的通知"), "notice for 2027"),
        (_set("source", "国务院办公厅关于2027年部分节假日安排的通知（2029年）"), "notice for 2027"),
        (_set("source", "国务院办公厅关于部分节假日安排的通知"), "notice for 2027"),
    ],
)
def test_a_file_the_notice_could_not_be_is_refused_saying_why(change: Change, refusal: str) -> None:
    with pytest.raises(CalendarInvalid, match=refusal):
        _parse(_with(change))


@pytest.mark.parametrize(
    "change",
    [
        _set("source_url", "HTTPS://www.gov.cn/zhengce/2027.htm"),  # the same address
        _set("source_url", "https://WWW.GOV.CN/zhengce/2027.htm"),
        _set("source_url", "https://www.gov.cn:443/zhengce/2027.htm"),
        _set("source_url", "https://gov.cn/zhengce/2027.htm"),
        _set("source", "国务院办公厅关于2027年部分节假日安排的通知（2026年11月4日）"),
        _merge_autumn("中秋节、国庆节", _days(9, 29, 30) + _days(10, 1, 6)),  # as in 2023
    ],
)
def test_what_a_notice_can_be_is_accepted(change: Change) -> None:
    """The address written another way, the notice's date in its title, a combined entry
    in the order its days come: all parse."""
    _parse(_with(change))


def test_the_shipped_combined_entry_of_2025_is_named_in_its_order() -> None:
    """2025: 国庆节、中秋节 from 1 October (Mid-Autumn on 6 October), as the notice has it;
    the same days named the other way round are refused."""
    raw = (HOLIDAY_DIR / "2025.json").read_text(encoding="utf-8")
    parse_year(raw.encode(), name="2025.json")
    swapped = raw.replace("国庆节、中秋节", "中秋节、国庆节")
    with pytest.raises(CalendarInvalid, match="the order they come"):
        parse_year(swapped.encode(), name="2025.json")


@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        (b"[" * 60_000, "nested too deeply"),  # was a RecursionError traceback
        (b'{"a":' * 30_000, "nested too deeply"),
        (b"\xef\xbb\xbf{}", "UTF-8 without a BOM"),  # was "decode using utf-8-sig"
        (b"{\xff}", "not UTF-8 at byte 1"),
    ],
)
def test_bytes_that_are_no_json_file_are_refused_in_words(raw: bytes, refusal: str) -> None:
    with pytest.raises(CalendarInvalid, match=refusal) as refused:
        parse_year(raw, name="2027.json")
    assert "utf-8-sig" not in refused.value.message
