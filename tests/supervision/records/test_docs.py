"""docs/api-supervision-records.md is exact: its statements are the builder's bytes,
its error table the classes' codes and statuses, its keys the format's."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from uuid import UUID

from supervision.records import errors
from supervision.records.model import Attached, Attachment
from supervision.records.statements import KEYS, record_statement

DOC = (Path(__file__).parents[3] / "docs" / "api-supervision-records.md").read_text(
    encoding="utf-8"
)
TENDER = UUID("0b6f6a52-2f4e-4c5b-9a3e-6d1c2b7f9a10")
DEPARTMENT = UUID("3e0a9c1d-6b2f-4d8e-9a7c-1f2e3d4c5b6a")
SUPERVISOR = UUID("9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a")


def test_the_documented_statements_are_the_canonical_bytes() -> None:
    session = Attachment(
        attached=Attached.EVALUATION, lot="1",
        session_id=UUID("5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"),
    )  # fmt: skip
    on_session = record_statement(
        record=UUID("7c0e5d2a-1b3f-4a6e-9d8c-2f1e0a9b8c7d"), tender=TENDER, attachment=session,
        department=DEPARTMENT, supervisor=SUPERVISOR,
        text="14:05 副场网络中断约3分钟，主持人暂停评标，恢复后继续；评分未受影响。",
    )  # fmt: skip
    on_opening = record_statement(
        record=UUID("1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"), tender=TENDER,
        attachment=Attachment(attached=Attached.OPENING, lot="1"), department=DEPARTMENT,
        supervisor=SUPERVISOR, text="开标准时进行，全部投标文件解密成功，唱标无异议。",
    )  # fmt: skip
    examples = re.findall(r"```\n(\{\"attached.*\})\n```", DOC)
    assert [e.encode() for e in examples] == [on_session, on_opening]


def test_the_key_table_is_the_formats_keys() -> None:
    section = DOC.split("## The signed statement", 1)[1].split("A record attached", 1)[0]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)) == KEYS


def test_every_error_of_the_records_is_in_the_table_with_its_status() -> None:
    table = DOC.split("## Error codes", 1)[1]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", table, flags=re.MULTILINE))
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.SupervisionRecordError) and c.__module__ == errors.__name__
    ]  # fmt: skip
    assert {c.code: str(c.status) for c in classes} == rows
