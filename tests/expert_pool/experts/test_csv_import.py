"""Expert CSV import: every row valid, or nothing imported with a per-row report."""

from __future__ import annotations

from datetime import date

import pytest

from expert_pool.errors import CsvProblem, CsvRowsInvalid
from expert_pool.experts.csv_import import credit_code_valid, import_experts_csv
from expert_pool.id_card import id_card_matches
from expert_pool.model import ExpertStatus, Title

KEY = b"csv import matching key, 32 byte"
HEADER = (
    "id,name,id_card,phone,specialties,title,years_of_practice,birth_date,region,"
    "employer_credit_code"
)
GOOD_1 = (
    "E001,张三,11010519491231002X,13800138000,A08;C01,senior,20,1949-12-31,341802,"
    "914403001922038216"
)
GOOD_2 = (
    "E002,李四,341802197006150016,0563-2345678,B04,full_senior,12,1970-06-15,340100,"
    "91341800MA2N0A1B2M"
)


def _csv(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def _problems(data: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(CsvRowsInvalid) as caught:
        import_experts_csv(data, id_card_key=KEY)
    assert caught.value.code == "csv_rows_invalid"
    return [tuple(p) for p in caught.value.problems]  # type: ignore[misc]


def _independent_credit_check(code: str) -> bool:
    """GB 32100-2015 written out: weights 3^i mod 31, check = 31 - (sum mod 31)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(ch) * (3**i % 31) for i, ch in enumerate(code[:17]))
    expected = 31 - total % 31
    return alphabet[0 if expected == 31 else expected] == code[17]


@pytest.mark.parametrize(
    "code", ["914403001922038216", "9144030071526726XG", "91341800MA2N0A1B2M", "12341800003000123N"]
)
def test_well_formed_credit_codes_pass(code: str) -> None:
    """Real-shaped codes with a correct check character pass both checks."""
    assert _independent_credit_check(code)
    assert credit_code_valid(code)


@pytest.mark.parametrize(
    "code",
    ["914403001922038217", "91440300192203821", "9144030019220382166", "91440300I922038216", ""],
)
def test_malformed_credit_codes_fail(code: str) -> None:
    """Wrong check character, length, or a letter outside the alphabet fails."""
    assert not credit_code_valid(code)


@pytest.mark.parametrize("bom", [False, True])
def test_valid_file_imports_every_row(bom: bool) -> None:
    """Both rows come back parsed, with or without a byte-order mark."""
    experts = import_experts_csv(_csv(GOOD_1, GOOD_2, bom=bom), id_card_key=KEY)
    assert [e.id for e in experts] == ["E001", "E002"]
    first, second = experts
    assert first.specialties == ("A08", "C01")
    assert first.title is Title.SENIOR
    assert first.birth_date == date(1949, 12, 31)
    assert first.status is ExpertStatus.ACTIVE
    assert second.phone == "0563-2345678"
    assert id_card_matches(first.id_card, "11010519491231002X", KEY)
    assert "11010519491231002X" not in repr(first)


def test_columns_may_come_in_any_order_with_optional_status() -> None:
    """Columns are matched by header name; status defaults to active."""
    header = "status," + HEADER
    (expert,) = import_experts_csv(_csv("suspended," + GOOD_1, header=header), id_card_key=KEY)
    assert expert.status is ExpertStatus.SUSPENDED


def test_broken_rows_give_an_exact_report_and_import_nothing() -> None:
    """Every problem of every row is listed by record number and column; nothing returns."""
    bad_3 = "E 3,王五,110105194912310021,12345,A08,senior,20,1949-12-31,341802,914403001922038216"
    bad_4 = (
        "E004,赵六,11010519491231002X,13800138000,Z99,boss,x,1950-01-01,999999,914403001922038217"
    )
    assert _problems(_csv(GOOD_1, bad_3, bad_4, GOOD_2)) == [
        (3, "id", "expert id 'E 3' does not match [A-Za-z0-9_-]{1,64}"),
        (3, "id_card", "the check character does not match (ISO 7064 MOD 11-2)"),
        (3, "phone", "a phone is a mobile number 1xxxxxxxxxx or a landline 0xxx-xxxxxxx"),
        (4, "specialties", "unknown specialty code 'Z99'"),
        (4, "title", "must be one of full_senior, senior, equivalent, intermediate"),
        (4, "years_of_practice", "years_of_practice is a whole number 0-99"),
        (4, "birth_date", "differs from the id card"),
        (4, "region", "unknown region code '999999'"),
        (4, "employer_credit_code", "not a valid unified social credit code (GB 32100-2015)"),
    ]


def test_repeated_id_or_identity_card_is_reported_on_the_later_row() -> None:
    """The same expert id, or the same person, cannot be imported twice."""
    same_id = GOOD_2.replace("E002", "E001")
    same_card = GOOD_1.replace("E001", "E009")
    assert _problems(_csv(GOOD_1, same_id, same_card)) == [
        (3, "id", "same id as row 2"),
        (4, "id_card", "same identity card as row 2"),
    ]


def test_header_problems_are_reported_on_row_1() -> None:
    """Unknown, missing and repeated columns are file-level problems."""
    header = HEADER.replace("phone", "mobile") + ",id"
    assert _problems(_csv(header=header)) == [
        (1, "id", "column appears twice"),
        (1, "phone", "missing column"),
        (1, "mobile", "unknown column"),
    ]


def test_short_row_and_blank_lines() -> None:
    """A row with the wrong number of fields is reported; blank lines are skipped."""
    assert _problems(_csv(GOOD_1, "", "E003,only")) == [(4, "", "2 fields, header has 10")]
    assert len(import_experts_csv(_csv(GOOD_1, "", GOOD_2), id_card_key=KEY)) == 2


def test_non_utf8_or_empty_file_is_refused() -> None:
    """A GBK file or an empty one imports nothing."""
    assert _problems("姓名".encode("gbk"))[0][:2] == (0, "")
    assert _problems(b"") == [(1, "", "the file has no header row")]


def test_problem_is_a_plain_tuple() -> None:
    """Reports compare equal to (row, column, message) tuples."""
    assert CsvProblem(2, "id", "x") == (2, "id", "x")
