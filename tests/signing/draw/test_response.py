"""The draw-response statement: canonical bytes, strict parsing, signature by the expert."""

from __future__ import annotations

import datetime as dt

import pytest

from signing.certs import cert_sha256
from signing.demo_ca import DemoCA, issue_identity
from signing.draw.errors import (
    DrawResponseInvalid,
    DrawResponseSignatureInvalid,
    DrawResponseSignerMismatch,
)
from signing.draw.response import Decision, DrawResponse, verify_response
from signing.errors import TimeNotAware

NOW = dt.datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=dt.UTC)


def _statement(**kw: object) -> DrawResponse:
    fields: dict[str, object] = {
        "draw_id": "D-0011",
        "expert_id": "E007",
        "decision": Decision.DECLINE,
        "issued_at": NOW,
        "reason": "出差",
    }
    return DrawResponse(**(fields | kw))  # type: ignore[arg-type]


def test_the_statement_is_rfc8785_json_naming_no_project() -> None:
    """Sorted keys, no blanks, whole seconds; only the draw and the expert are named."""
    body = _statement().to_bytes()
    assert (
        body
        == (
            '{"decision":"decline","draw_id":"D-0011","expert_id":"E007",'
            '"issued_at":"2026-03-01T08:00:00Z","reason":"出差",'
            '"type":"etender.draw-response","version":1}'
        ).encode()
    )
    assert DrawResponse.from_bytes(body) == _statement()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"type":"etender.draw-response","version":1}',
        _statement().to_bytes().replace(b'"decline"', b'"maybe"'),
        _statement().to_bytes().replace(b'"version":1', b'"version":2'),
        _statement().to_bytes().replace(b"{", b"{ ", 1),
        _statement().to_bytes().replace(b'"E007"', b'"E 007"'),
    ],
)
def test_malformed_statements_are_refused(body: bytes) -> None:
    """Anything but the exact canonical form of a valid statement."""
    with pytest.raises(DrawResponseInvalid):
        DrawResponse.from_bytes(body)


def test_naive_time_or_long_reason_is_refused() -> None:
    """Times are aware; a reason is at most 500 characters."""
    with pytest.raises(DrawResponseInvalid):
        _statement(reason="x" * 501)
    with pytest.raises(TimeNotAware):
        _statement(issued_at=dt.datetime(2026, 3, 1))


def test_only_the_registered_certificate_may_answer(pool_ca: DemoCA) -> None:
    """Verified with its chain; another valid certificate is a signer mismatch."""
    now = dt.datetime.now(dt.UTC)
    own = issue_identity(pool_ca, name="专家甲", now=now - dt.timedelta(hours=1))
    other = issue_identity(pool_ca, name="专家乙", now=now - dt.timedelta(hours=1))
    statement = _statement()
    body, trust = statement.to_bytes(), pool_ca.trust_store()
    signature = statement.sign(own.certificate, own.key, own.chain)
    registered = cert_sha256(own.certificate)
    ok = verify_response(body, signature, trust=trust, at=now, registered_cert_sha256=registered)
    assert ok == statement
    forged = statement.sign(other.certificate, other.key, other.chain)
    with pytest.raises(DrawResponseSignerMismatch):
        verify_response(body, forged, trust=trust, at=now, registered_cert_sha256=registered)
    for bad in (b"", b"garbage", signature[:-3]):
        with pytest.raises(DrawResponseSignatureInvalid):
            verify_response(body, bad, trust=trust, at=now, registered_cert_sha256=registered)
    changed = _statement(decision=Decision.CONFIRM).to_bytes()
    with pytest.raises(DrawResponseSignatureInvalid):
        verify_response(changed, signature, trust=trust, at=now, registered_cert_sha256=registered)
