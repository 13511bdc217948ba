"""docs/formats/evaluation-report.md is exact: its worked example, its commitment example
and its table of codes are what the code produces (§4, §8, §12)."""

from __future__ import annotations

import json
import re

from evaluation.errors import EvaluationError
from evaluation.model import SheetPhase
from evaluation.report import errors
from evaluation.report.model import certificate_commitment, parse_report, report_bytes
from evaluation.sheets import findings
from signing.canonical import canonical_json, sha256_hex
from tests.docs.markdown import code_blocks, found, read, section
from tests.evaluation.report.example import cert_sha256, inputs

DOC = read("formats/evaluation-report.md")


def test_the_worked_example_is_the_report_the_code_builds() -> None:
    """§12: the indented JSON is the report; its canonical bytes, size and SHA-256 match."""
    example = section(DOC, "## 12. Worked example")
    (shown,) = code_blocks(example, "json")
    built = report_bytes(inputs())
    assert canonical_json(json.loads(shown)) == built
    match = found(r"canonical bytes are (\d+) bytes with SHA-256\n?\s*`([0-9a-f]{64})`", example)
    assert (int(match[1]), match[2]) == (len(built), sha256_hex(built))
    assert parse_report(built)["version"] == 2


def test_the_examples_flag_is_the_one_the_deviation_review_sets() -> None:
    """§12's one flagged score (seat 3, bid A) is what evaluation-method.md §3.4 flags on
    the example's revealed scoring sheets, and nothing else is."""
    given = inputs()
    revealed = {
        s.seat: s.entries
        for s in given.sheets
        if s.phase is SheetPhase.SCORING and s.reasons is None
    }
    percent = given.policy.deviation_percent
    flagged = findings.deviations(given.state.method, given.outcome.passed, revealed, percent)
    assert [(d.seat, d.bid, d.item) for d in flagged] == [
        (f.seat, f.bid, f.item) for f in given.flags
    ]


def test_the_commitment_example_opens_to_seat_ones_certificate() -> None:
    """§12 / §4: commit(cert_sha256, salt) with the stated values."""
    example = section(DOC, "## 12. Worked example")
    stated = dict(re.findall(r"^(cert_sha256|certificate)\s+= ([0-9a-f]{64})$", example, re.M))
    assert stated["cert_sha256"] == cert_sha256(1)
    assert stated["certificate"] == certificate_commitment(cert_sha256(1), bytes([1]) * 32)
    assert (
        json.loads(code_blocks(example, "json")[0])["members"][0]["certificate"]
        == stated["certificate"]
    )


def test_the_table_of_codes_is_the_error_classes() -> None:
    """§8 lists every class of evaluation/report/errors.py with its status, and no other."""
    table = section(DOC, "## 8. Error codes")
    rows = dict(
        (code, int(status))
        for code, status in re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", table, re.M)
    )
    classes = {
        cls.code: cls.status
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, EvaluationError) and cls is not EvaluationError
    }
    assert rows == classes
