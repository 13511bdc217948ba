"""The canonical statements are parsed, never rebuilt: exact keys, canonical bytes,
this request's fields (docs/api-results.md, "Signed statements")."""

from __future__ import annotations

import json

import pytest

from tender.results.errors import ObjectionStatementInvalid
from tender.results.statements import OBJECTION_FORMAT, objection_statement, parse

FIELDS = {"tender": "t-1", "lot": "1", "publicity_sha256": "a" * 64, "bidder": "91341800MA2N000002"}


def _statement(text: str = "异议") -> bytes:
    return objection_statement(text=text, **FIELDS)


def test_a_canonical_statement_of_this_objection_parses() -> None:
    parsed = parse(_statement(), OBJECTION_FORMAT, FIELDS)
    assert (parsed.text, parsed.body) == ("异议", _statement())


def test_bytes_that_are_not_canonical_are_refused() -> None:
    """The same object with white space or another key order is not what was signed."""
    loose = json.dumps(json.loads(_statement()), ensure_ascii=False, indent=1).encode()
    with pytest.raises(ObjectionStatementInvalid, match="canonical"):
        parse(loose, OBJECTION_FORMAT, FIELDS)


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_statement_naming_another_field_value_is_refused(field: str) -> None:
    with pytest.raises(ObjectionStatementInvalid) as refused:
        parse(_statement(), OBJECTION_FORMAT, {**FIELDS, field: "other"})
    assert refused.value.details == {"field": field}


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"format":"etender-candidate-objection-v1"}', _statement(" ")],
)
def test_malformed_statements_are_refused(body: bytes) -> None:
    with pytest.raises(ObjectionStatementInvalid):
        parse(body, OBJECTION_FORMAT, FIELDS)


def _with_text(raw_text: str) -> bytes:
    """The objection's bytes with ``raw_text`` as the text's JSON source, as sent."""
    return _statement("X").replace(b'"text":"X"', b'"text":' + raw_text.encode())


@pytest.mark.parametrize(
    "body",
    [
        _with_text('"a\\u0000b"'),  # NUL: PostgreSQL text cannot hold it
        _with_text('"a\\ud800b"'),  # an unpaired surrogate: no UTF-8 for it
        _with_text('["异议"]'),  # not flat
        b"[" * 30000 + b"]" * 30000,  # deeper than the parser goes
    ],
    ids=["nul", "surrogate", "nested", "deep"],
)
def test_statements_the_database_could_not_store_are_refused_not_a_500(body: bytes) -> None:
    """Outside tester, M3: these parsed as JSON and failed later as internal errors."""
    with pytest.raises(ObjectionStatementInvalid):
        parse(body, OBJECTION_FORMAT, FIELDS)
