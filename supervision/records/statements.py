"""The statement a supervisor signs for a record: ``etender-supervision-record-v1``.

docs/api-supervision-records.md, "The signed statement": RFC 8785 JSON that the
supervisor's client builds and signs CMS detached with the supervisor's own registered
certificate (a browser key through web/static/js/etender-sign-*.js, or a CA-held one).
The platform parses the bytes with the results' statement parser (tender/results/
statements.py ``parse``: canonical, exactly the format's keys, every named field equal
to the request's, the text 1–20000 characters) — a statement is never rebuilt around
the signature. ``record`` is an id the client picks: binding it makes the signed record
replay-safe (it counts once).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from signing.canonical import canonical_json
from supervision.records.errors import SupervisionRecordStatementInvalid
from supervision.records.model import Attachment
from tender.results import statements as signed
from tender.results.errors import ObjectionStatementInvalid

RECORD_FORMAT = "etender-supervision-record-v1"
KEYS = frozenset(
    {"attached", "department", "format", "lot", "record", "session", "supervisor", "tender", "text"}
)


def record_statement(
    *,
    record: UUID,
    tender: UUID,
    attachment: Attachment,
    department: UUID,
    supervisor: UUID,
    text: str,
) -> bytes:
    """The bytes a supervisor signs for one record."""
    return canonical_json(
        {
            "format": RECORD_FORMAT,
            "record": str(record),
            "tender": str(tender),
            **attachment.statement_fields(),
            "department": str(department),
            "supervisor": str(supervisor),
            "text": text,
        }
    )


def parse_record(body: bytes, expected: Mapping[str, Any]) -> tuple[UUID, str]:
    """The record id and text of ``body``, a canonical record statement whose fields
    equal ``expected``; ``supervision_record_statement_invalid`` otherwise."""
    try:
        found = signed.parse(body, RECORD_FORMAT, expected, keys=KEYS)
    except ObjectionStatementInvalid as exc:
        raise SupervisionRecordStatementInvalid(exc.message, details=exc.details) from None
    try:
        record = UUID(found.fields["record"])
    except (TypeError, ValueError, AttributeError):
        raise SupervisionRecordStatementInvalid(
            "the statement's record is a UUID the client picks", details={"field": "record"}
        ) from None
    if str(record) != found.fields["record"]:
        raise SupervisionRecordStatementInvalid(
            "the statement's record is a lowercase hyphenated UUID", details={"field": "record"}
        )
    return record, found.text
