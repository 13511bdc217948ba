"""The canonical statements of a complaint (docs/api-complaints.md, "Signed statements").

Each is RFC 8785 JSON (signing/canonical.py) that the signer's client builds and signs
CMS detached with its organisation's registered certificate, exactly like the results'
statements (tender/results/statements.py, whose parser and signature checks are reused
here; their errors are re-raised with this package's codes):

- ``etender-complaint-v1`` — a party complains to the tender's department (Reg. 60);
- ``etender-complaint-step-v1`` — every later step: the department's (accept, refuse,
  pauses, suspending and resuming the procedure, the decision) and the complainant's
  withdrawal, each naming the complaint's statement by its SHA-256.

The log carries each statement's hash only as ``statement_commitment`` (one salt per
complaint, revealed after the tender's deadline: supervision/complaints/reveal.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import asyncpg

from signing.canonical import canonical_json
from signing.log.entry import commit
from signing.trust import TrustStore
from supervision.complaints.errors import (
    ComplaintInputInvalid,
    ComplaintMatterRequired,
    ComplaintSignatureInvalid,
    ComplaintSignerNotRegistered,
    ComplaintStatementInvalid,
)
from supervision.complaints.model import Matter, Step
from tender.results import common
from tender.results.errors import (
    ObjectionSignatureInvalid,
    ObjectionSignerNotRegistered,
    ObjectionStatementInvalid,
)
from tender.results.statements import Statement, parse

COMPLAINT_FORMAT = "etender-complaint-v1"
STEP_FORMAT = "etender-complaint-step-v1"
_COMPLAINT_KEYS = frozenset(
    {"format", "tender", "complainant", "department", "matter", "objection", "known_on", "text"}
)
_STEP_KEYS = frozenset(
    {"format", "tender", "complaint", "complaint_sha256", "signer", "step", "text"}
)
# The label of an entry's commitment to its statement's hash (docs/audit-log.md §10): the
# complaint's salt serves only these commitments, the label keeps them apart from
# commit()'s own (docs/audit-log.md §1.2).
STATEMENT_COMMIT_LABEL = b"etender-complaint-statement-v1"
# ``data.format`` of a complaint's entries since 0137 (``statement``, a commitment);
# entries logged before carry no format and the plain ``statement_sha256``.
ENTRY_FORMAT = 2


def statement_commitment(statement_sha256: str, salt: bytes) -> str:
    """``data.statement`` of a complaint's entry: hex SHA-256(
    lp("etender-complaint-statement-v1") || lp(salt) || lp(statement_sha256 as ASCII hex)).

    Never the plain hash: every field of a complaint's statement or its withdrawal but the
    complainant's credit code can be public or guessed, and credit codes can be listed, so
    a log reader would hash each candidate and name the complainant — a downloader or a
    bidder, secret until the deadline (the department's statements name the complaint's
    hash, so theirs would test a guess of it too).
    """
    return commit(statement_sha256, salt, label=STATEMENT_COMMIT_LABEL)


def complaint_statement(
    *,
    tender: str,
    complainant: str,
    department: str,
    matter: str,
    objection: str,
    known_on: str,
    text: str,
) -> bytes:
    """The bytes a party signs to complain (``objection``: its id, "" for ``other``)."""
    return canonical_json(
        {
            "format": COMPLAINT_FORMAT,
            "tender": tender,
            "complainant": complainant,
            "department": department,
            "matter": matter,
            "objection": objection,
            "known_on": known_on,
            "text": text,
        }
    )


def step_statement(
    *, tender: str, complaint: str, complaint_sha256: str, signer: str, step: str, text: str
) -> bytes:
    """The bytes the department (or, to withdraw, the complainant) signs for a step."""
    return canonical_json(
        {
            "format": STEP_FORMAT,
            "tender": tender,
            "complaint": complaint,
            "complaint_sha256": complaint_sha256,
            "signer": signer,
            "step": step,
            "text": text,
        }
    )


def _parse(body: bytes, fmt: str, expected: dict[str, Any], keys: frozenset[str]) -> Statement:
    try:
        return parse(body, fmt, expected, keys)
    except ObjectionStatementInvalid as error:
        raise ComplaintStatementInvalid(error.message, details=error.details) from None


def _matter(body: bytes) -> Matter:
    """The matter the statement names: none, or an unknown one, is refused first."""
    try:
        fields = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ComplaintStatementInvalid("the statement is not JSON") from None
    named = fields.get("matter") if isinstance(fields, dict) else None
    if not isinstance(named, str) or named not in set(Matter):
        raise ComplaintMatterRequired(
            "name the complaint's matter: documents (Reg. 22), opening (Reg. 44), "
            "candidates (Reg. 54) or other",
            details={"matters": [str(m) for m in Matter]},
        )
    return Matter(named)


def parse_complaint(
    body: bytes, *, tender: str, complainant: str, department: str, today: date
) -> tuple[Statement, Matter, date]:
    """A complaint's statement of this tender, complainant and department: its matter
    and the day the complainant knew (not after ``today``)."""
    matter = _matter(body)
    expected = {"tender": tender, "complainant": complainant, "department": department}
    parsed = _parse(body, COMPLAINT_FORMAT, expected, _COMPLAINT_KEYS)
    try:
        known_on = date.fromisoformat(str(parsed.fields["known_on"]))
    except ValueError:
        raise ComplaintInputInvalid(
            "known_on is the day the complainant knew, YYYY-MM-DD", details={"field": "known_on"}
        ) from None
    if known_on > today:
        raise ComplaintInputInvalid(
            "known_on is not a day in the future", details={"field": "known_on"}
        )
    if not isinstance(parsed.fields["objection"], str):
        raise ComplaintStatementInvalid("objection is a string", details={"field": "objection"})
    return parsed, matter, known_on


def parse_step(
    body: bytes, *, tender: str, complaint: str, complaint_sha256: str, signer: str
) -> tuple[Statement, Step]:
    """A step's statement naming this complaint and signer: its step."""
    expected = {
        "tender": tender, "complaint": complaint, "complaint_sha256": complaint_sha256,
        "signer": signer,
    }  # fmt: skip
    parsed = _parse(body, STEP_FORMAT, expected, _STEP_KEYS)
    if parsed.fields["step"] not in set(Step):
        raise ComplaintStatementInvalid(
            "the statement's step is not one of a complaint's",
            details={"steps": [str(s) for s in Step]},
        )
    return parsed, Step(parsed.fields["step"])


async def verify_signed(
    conn: asyncpg.Connection,
    body: bytes,
    signature: bytes,
    trust: TrustStore | None,
    now: datetime,
    credit_code: str,
) -> str:
    """The results' check (tender/results/common.py) with this package's codes."""
    try:
        return await common.verify_signed(conn, body, signature, trust, now, credit_code)
    except ObjectionSignatureInvalid as error:
        raise ComplaintSignatureInvalid(error.message, details=error.details) from None
    except ObjectionSignerNotRegistered as error:
        raise ComplaintSignerNotRegistered(error.message, details=error.details) from None
