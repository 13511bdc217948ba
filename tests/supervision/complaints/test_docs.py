"""docs/api-complaints.md is exact: its statements are the builders' bytes, its error
table the classes' codes and statuses, its worked example the model's deadlines."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path

from signing.log.entry import format_time
from supervision.complaints import errors
from supervision.complaints.model import Step, acceptance_due, decision_due, filing_due, load_policy
from supervision.complaints.statements import (
    ENTRY_FORMAT,
    STATEMENT_COMMIT_LABEL,
    complaint_statement,
    statement_commitment,
    step_statement,
)
from tests.docs.markdown import found, read, section
from tests.supervision.complaints.test_model import CAL, local, record

DOC = (Path(__file__).parents[3] / "docs" / "api-complaints.md").read_text(encoding="utf-8")
TENDER = "0b6f6a52-2f4e-4c5b-9a3e-6d1c2b7f9a10"


def test_the_documented_statements_are_the_canonical_bytes() -> None:
    complaint = complaint_statement(
        tender=TENDER, complainant="91341800MA2N00002C", department="11341800MB0000000B",
        matter="candidates", objection="7d1e2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b",
        known_on="2026-09-18", text="异议答复未核实第一中标候选人业绩",
    )  # fmt: skip
    step = step_statement(
        tender=TENDER, complaint="c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b",
        complaint_sha256="9e4d" + "0" * 60, signer="11341800MB0000000B", step="accept",
        text="投诉符合受理条件，予以受理。",
    )  # fmt: skip
    assert [e.encode() for e in re.findall(r"```\n(\{.*\})\n```", DOC)] == [complaint, step]


def test_every_error_of_complaints_is_in_the_table_with_its_status() -> None:
    rows = dict(re.findall(r"^\| `(complaint_[a-z_]+)` \| (\d{3}) \|", DOC, flags=re.MULTILINE))
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.ComplaintError)
    ]  # fmt: skip
    assert {c.code: str(c.status) for c in classes} == rows


def test_the_worked_example_is_the_models() -> None:
    policy = load_policy()
    assert '{"within": "10d", "acceptance": "3wd",\n"decision": "30wd"}' in DOC
    span = (local("2026-09-21", "10:00"), local("2026-09-23", "15:00"))
    accepted = local("2026-10-12", "10:00")
    pause = [
        record(1, Step.PAUSE_EXPERT_REVIEW, local("2026-10-20", "09:00")),
        record(2, Step.END_PAUSE, local("2026-10-22", "17:00")),
    ]
    dues = [
        filing_due(dt.date(2026, 9, 18), span, policy, CAL).at,
        acceptance_due(local("2026-10-08", "16:00"), policy, CAL).at,
        decision_due(accepted, [], policy, CAL).at,
        decision_due(accepted, pause, policy, CAL).at,
    ]
    for due in dues:
        assert due is not None
        assert f"`{format_time(due).replace('.000000', '')}`" in DOC


def test_the_documented_log_entries_are_the_services() -> None:
    """docs/audit-log.md §10: the label and the example commitment are recomputed; the
    entries' data keys in both docs are the ones the service logs."""
    audit = section(read("audit-log.md"), "## 10. Entry kinds of complaints")
    label = found(r'lp\("(etender-complaint-statement-v1)"\)', audit)[1].encode()
    assert label == STATEMENT_COMMIT_LABEL
    stated = found(r"`statement` =\n`([0-9a-f]{64})`", audit)[1]
    assert found(r"`9e4d` followed by 60 `0` digits", audit)
    assert found(r"salt 0x00…01 \(32 bytes\)", audit)
    assert statement_commitment("9e4d" + "0" * 60, bytes(31) + b"\x01") == stated
    assert ENTRY_FORMAT == 2
    filed = found(r"`complaint.filed` \| [^|]+ \| ([^|]+) \|", audit)[1]
    assert re.findall(r"`([a-z_]+)`", filed) == [
        "format", "complaint_id", "matter", "regulation", "late", "filing_due", "statement"
    ]  # fmt: skip
    logs = section(DOC, "## Log entries")
    filed_keys = "{format, complaint_id, matter, regulation, late, filing_due,\n  statement}"
    assert f"- `complaint.filed` {filed_keys}" in logs
    assert "`complaint.withdrawn` {format, complaint_id, step, status, late, statement}" in logs
    assert 'lp("etender-complaint-statement-v1")' in logs
