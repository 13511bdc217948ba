"""The canonical statements a bidder and the agency sign about the results (no I/O).

docs/api-results.md, "Signed statements": each is RFC 8785 JSON (signing/canonical.py)
that the signer's client builds, signs CMS detached with its registered certificate
(DESIGN.md, "Signatures") and sends with the signature. The platform parses the bytes,
requires them canonical and of the expected format, and checks that they name this
tender, lot and signer — a statement is never rebuilt around the signature.

- ``etender-candidate-objection-v1`` — a bidder objects to a lot's candidates (Reg. 54);
- ``etender-candidate-objection-answer-v1`` — the agency answers it;
- ``etender-procedure-report-v1`` — the agency's written report on the procedure to the
  supervising department (Law 47).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from signing.canonical import canonical_json
from tender.results.errors import ObjectionStatementInvalid

OBJECTION_FORMAT = "etender-candidate-objection-v1"
ANSWER_FORMAT = "etender-candidate-objection-answer-v1"
REPORT_FORMAT = "etender-procedure-report-v1"
MAX_TEXT = 20_000

_KEYS = {
    OBJECTION_FORMAT: {"format", "tender", "lot", "publicity_sha256", "bidder", "text"},
    ANSWER_FORMAT: {
        "format", "tender", "lot", "objection", "objection_sha256", "agency", "upheld", "answer"
    },
    REPORT_FORMAT: {"format", "tender", "code", "agency", "department", "text"},
}  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Statement:
    """A parsed statement: its fields and the exact bytes that were signed."""

    fields: Mapping[str, Any]
    body: bytes

    @property
    def text(self) -> str:
        value: str = self.fields["answer" if "answer" in self.fields else "text"]
        return value


def objection_statement(
    *, tender: str, lot: str, publicity_sha256: str, bidder: str, text: str
) -> bytes:
    """The bytes a bidder signs to object (its certificate carries ``bidder``)."""
    return canonical_json(
        {
            "format": OBJECTION_FORMAT,
            "tender": tender,
            "lot": lot,
            "publicity_sha256": publicity_sha256,
            "bidder": bidder,
            "text": text,
        }
    )


def answer_statement(
    *,
    tender: str,
    lot: str,
    objection: str,
    objection_sha256: str,
    agency: str,
    upheld: bool,
    answer: str,
) -> bytes:
    """The bytes the agency signs to answer an objection (its statement's SHA-256)."""
    return canonical_json(
        {
            "format": ANSWER_FORMAT,
            "tender": tender,
            "lot": lot,
            "objection": objection,
            "objection_sha256": objection_sha256,
            "agency": agency,
            "upheld": upheld,
            "answer": answer,
        }
    )


def report_statement(*, tender: str, code: str, agency: str, department: str, text: str) -> bytes:
    """The bytes the agency signs as its written report on the procedure (Law 47)."""
    return canonical_json(
        {
            "format": REPORT_FORMAT,
            "tender": tender,
            "code": code,
            "agency": agency,
            "department": department,
            "text": text,
        }
    )


def _storable(value: object) -> bool:
    """A field a statement may hold: a scalar whose text the database stores as it is
    (PostgreSQL text holds no NUL; UTF-8 has no unpaired surrogate: "\u0000" and
    "\ud800" parse as JSON, then fail where they are stored or encoded)."""
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value)
    return value is None or isinstance(value, bool | int | float)


def parse(
    body: bytes, fmt: str, expected: Mapping[str, Any], keys: frozenset[str] | None = None
) -> Statement:
    """``body`` as a canonical statement of ``fmt`` whose fields equal ``expected``;
    ``keys`` for a format of another package (supervision complaints and records)."""
    allowed = _KEYS[fmt] if keys is None else keys
    try:
        fields = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nesting deeper than the parser goes is no statement either.
        raise ObjectionStatementInvalid("the statement is not JSON") from None
    if not isinstance(fields, dict) or set(fields) != allowed:
        raise ObjectionStatementInvalid(
            f"the statement is an object with exactly the keys of {fmt}",
            details={"keys": sorted(allowed)},
        )
    if not all(_storable(value) for value in fields.values()):
        raise ObjectionStatementInvalid(
            "the statement's fields are flat text, numbers, true/false or null, without "
            "NUL characters or unpaired surrogates"
        )
    if canonical_json(fields) != body:
        raise ObjectionStatementInvalid("the statement is not canonical JSON (RFC 8785)")
    if fields["format"] != fmt:
        raise ObjectionStatementInvalid(f"the statement's format is {fmt}")
    for key, value in expected.items():
        if fields[key] != value:
            raise ObjectionStatementInvalid(
                f"the statement's {key} is not this one's", details={"field": key}
            )
    text = fields.get("answer", fields.get("text"))
    if not isinstance(text, str) or not 1 <= len(text.strip()) <= MAX_TEXT:
        raise ObjectionStatementInvalid(f"the statement's text is 1–{MAX_TEXT} characters")
    if fmt == ANSWER_FORMAT and not isinstance(fields["upheld"], bool):
        raise ObjectionStatementInvalid("upheld is true or false")
    return Statement(fields=fields, body=body)
