"""Signed statements: exact canonical bytes, strict parsing, signer binding, login."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from signing import errors
from signing.certs import Identity, cert_sha256, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA
from signing.statements.base import SignedStatement, verify_statement
from signing.statements.bid import PartHash, SubmitStatement, WithdrawStatement
from signing.statements.login import LoginChallenge, verify_login_response
from signing.statements.recipient import RecipientStatement, verify_recipient_statement
from signing.trust import TrustStore
from tests.signing.conftest import OpenSSL

RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
HASH_A = hashlib.sha256(b"technical part ciphertext").hexdigest()
HASH_B = hashlib.sha256(b"commercial part ciphertext").hexdigest()


def _plain_json(body: bytes) -> bytes:
    # For ASCII-free keys, strings and integers, RFC 8785 equals sorted compact JSON.
    value = json.loads(body)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _submit(**changes: object) -> SubmitStatement:
    fields: dict[str, object] = {
        "tender": "XM-2025-0001",
        "lot": "1",
        "bidder": "91350100M000100Y43",
        "bid_version": 1,
        "parts": (PartHash(label="technical", sha256=HASH_A),),
        "previous": None,
    }
    fields.update(changes)
    return SubmitStatement(**fields)  # type: ignore[arg-type]


def _edit(body: bytes, **changes: object) -> bytes:
    value = json.loads(body)
    value.update(changes)
    return _plain_json(json.dumps(value).encode())


# --- canonical bytes and parsing ---


def test_submit_statement_has_the_documented_shape() -> None:
    """A submit statement serialises to sorted, compact JSON with type and version."""
    statement = _submit(
        bid_version=2,
        previous=HASH_B,
        parts=(
            PartHash(label="technical", sha256=HASH_A),
            PartHash(label="commercial", sha256=HASH_B),
        ),
    )
    body = statement.to_bytes()
    assert json.loads(body) == {
        "type": "etender.submit-statement",
        "version": 2,
        "hash_algorithm": "sha256",
        "tender": "XM-2025-0001",
        "lot": "1",
        "bidder": "91350100M000100Y43",
        "consortium": [],
        "bid_version": 2,
        "parts": [
            {"label": "technical", "sha256": HASH_A},
            {"label": "commercial", "sha256": HASH_B},
        ],
        "previous": HASH_B,
    }
    assert body == _plain_json(body)
    assert statement.sha256 == hashlib.sha256(body).hexdigest()


def test_every_statement_round_trips_through_its_bytes(
    officials: tuple[Identity, ...], valid_time: dt.datetime
) -> None:
    """from_bytes(to_bytes()) gives back an equal statement, for every type."""
    statements = [
        _submit(),
        WithdrawStatement(
            tender="XM-2025-0001", lot="1", bidder="b", bid_version=1, submit_sha256=HASH_A
        ),
        RecipientStatement.for_certificate(RECIPIENT, officials[0].certificate, valid_time),
        LoginChallenge.new(origin="https://etender.example", now=valid_time),
    ]
    for statement in statements:
        body = statement.to_bytes()
        assert body == _plain_json(body)
        assert type(statement).from_bytes(body) == statement


def test_statement_times_are_whole_utc_seconds(officials: tuple[Identity, ...]) -> None:
    """issued_at is written as RFC 3339 UTC with whole seconds."""
    east8 = dt.timezone(dt.timedelta(hours=8))
    at = dt.datetime(2025, 3, 1, 9, 30, 15, 987654, tzinfo=east8)
    statement = RecipientStatement.for_certificate(RECIPIENT, officials[0].certificate, at)
    assert json.loads(statement.to_bytes())["issued_at"] == "2025-03-01T01:30:15Z"


def test_naive_issued_at_is_refused(officials: tuple[Identity, ...]) -> None:
    """A statement time without a time zone is refused."""
    with pytest.raises(errors.TimeNotAware):
        RecipientStatement.for_certificate(
            RECIPIENT, officials[0].certificate, dt.datetime(2025, 3, 1)
        )


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda b: _edit(b, extra="field"), id="unknown-field"),
        pytest.param(lambda b: _plain_json(b).replace(b',"lot":"1"', b""), id="missing-field"),
        pytest.param(lambda b: _edit(b, bid_version="1"), id="string-for-int"),
        pytest.param(lambda b: _edit(b, bid_version=True), id="bool-for-int"),
        pytest.param(lambda b: _edit(b, bid_version=0), id="version-zero"),
        pytest.param(lambda b: _edit(b, previous=HASH_A), id="previous-on-version-1"),
        pytest.param(lambda b: _edit(b, bid_version=2), id="no-previous-on-version-2"),
        pytest.param(lambda b: _edit(b, parts=[]), id="no-parts"),
        pytest.param(lambda b: _edit(b, parts=[{"label": "a", "sha256": "AB"}]), id="bad-hex"),
        pytest.param(
            lambda b: _edit(b, parts=[{"label": "a", "sha256": HASH_A, "size": 1}]),
            id="unknown-part-field",
        ),
        pytest.param(
            lambda b: _edit(
                b, parts=[{"label": "a", "sha256": HASH_A}, {"label": "a", "sha256": HASH_B}]
            ),
            id="duplicate-labels",
        ),
        pytest.param(lambda b: _edit(b, tender=""), id="empty-tender"),
        pytest.param(lambda b: _edit(b, version=3), id="unknown-format-version"),
        pytest.param(lambda b: _edit(b, version=1), id="version-1-has-no-consortium"),
        pytest.param(lambda b: _edit(b, consortium=["B", "A"]), id="consortium-unsorted"),
        pytest.param(lambda b: _edit(b, consortium=["A", "A"]), id="consortium-repeated"),
        pytest.param(
            lambda b: _edit(b, consortium=["91350100M000100Y43"]), id="consortium-names-the-lead"
        ),
        pytest.param(lambda b: _edit(b, consortium="A"), id="consortium-not-a-list"),
        pytest.param(lambda b: _edit(b, hash_algorithm="sm3"), id="unknown-hash-algorithm"),
        pytest.param(lambda b: b.replace(b",", b", ", 1), id="not-canonical"),
        pytest.param(lambda b: b[:-1] + b',"lot":"2"}', id="duplicate-key"),
        pytest.param(lambda b: b"[1]", id="not-an-object"),
        pytest.param(lambda b: b"\xff", id="not-utf8"),
        pytest.param(lambda b: _edit(b, bid_version=1.5), id="float"),
        pytest.param(lambda b: b[:-1] + b',"x":NaN}', id="nan"),
    ],
)
def test_malformed_submit_statement_is_refused(mutate: Callable[[bytes], bytes]) -> None:
    """Unknown, missing or mistyped fields and non-canonical bytes: statement_malformed."""
    body = mutate(_submit().to_bytes())
    with pytest.raises(errors.StatementMalformed) as caught:
        SubmitStatement.from_bytes(body)
    assert caught.value.code == "statement_malformed"


def test_statement_of_another_type_is_a_type_mismatch() -> None:
    """Parsing a submit statement as a withdraw statement fails as statement_type_mismatch."""
    with pytest.raises(errors.StatementTypeMismatch) as caught:
        WithdrawStatement.from_bytes(_submit().to_bytes())
    assert caught.value.code == "statement_type_mismatch"


def test_short_login_nonce_is_refused(valid_time: dt.datetime) -> None:
    """A login nonce needs at least 128 bits."""
    with pytest.raises(errors.StatementMalformed):
        LoginChallenge(nonce="ab" * 15, origin="https://etender.example", issued_at=valid_time)


def test_new_login_challenges_have_fresh_128_bit_nonces(valid_time: dt.datetime) -> None:
    """Each new challenge carries a different 32-hex-digit nonce."""
    first = LoginChallenge.new(origin="https://etender.example", now=valid_time)
    second = LoginChallenge.new(origin="https://etender.example", now=valid_time)
    assert len(first.nonce) == 32
    assert first.nonce != second.nonce


# --- signing and verification ---


def test_signed_submit_statement_verifies_with_its_signer(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """verify_statement returns the statement and the bidder's certificate."""
    signed = _submit().sign(bidder.certificate, bidder.key, chain=bidder.chain)
    verified = verify_statement(signed, trust, valid_time, SubmitStatement)
    assert verified.statement == _submit()
    assert verified.signer.certificate == bidder.certificate


def test_tampered_statement_body_is_refused(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """Swapping a part hash after signing fails as content_digest_mismatch."""
    signed = _submit().sign(bidder.certificate, bidder.key)
    swapped = _submit(parts=(PartHash(label="technical", sha256=HASH_B),)).to_bytes()
    with pytest.raises(errors.ContentDigestMismatch):
        verify_statement(
            SignedStatement(body=swapped, signature=signed.signature),
            trust,
            valid_time,
            SubmitStatement,
        )


def test_verify_statement_refuses_another_type(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A validly signed submit statement is not accepted as a withdraw statement."""
    signed = _submit().sign(bidder.certificate, bidder.key)
    with pytest.raises(errors.StatementTypeMismatch):
        verify_statement(signed, trust, valid_time, WithdrawStatement)


def test_recipient_statement_signed_by_the_official_verifies(
    officials: tuple[Identity, ...], trust: TrustStore, valid_time: dt.datetime
) -> None:
    """An official's own statement binds its age recipient to its certificate."""
    official = officials[0]
    statement = RecipientStatement.for_certificate(RECIPIENT, official.certificate, valid_time)
    signed = statement.sign(official.certificate, official.key, chain=official.chain)
    verified = verify_recipient_statement(signed, official.certificate, trust, valid_time)
    assert verified.recipient == RECIPIENT
    assert verified.cert_sha256 == cert_sha256(official.certificate)


def test_recipient_statement_signed_by_another_certificate_is_refused(
    officials: tuple[Identity, ...], trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A statement about official A signed by B (or the platform) is refused."""
    official, impostor = officials[0], officials[1]
    statement = RecipientStatement.for_certificate(RECIPIENT, official.certificate, valid_time)
    signed = statement.sign(impostor.certificate, impostor.key)
    with pytest.raises(errors.RecipientStatementMismatch) as caught:
        verify_recipient_statement(signed, official.certificate, trust, valid_time)
    assert caught.value.code == "recipient_statement_mismatch"


def test_recipient_statement_about_another_certificate_is_refused(
    officials: tuple[Identity, ...], trust: TrustStore, valid_time: dt.datetime
) -> None:
    """An official cannot vouch for a statement naming someone else's certificate."""
    official, other = officials[0], officials[1]
    statement = RecipientStatement.for_certificate(RECIPIENT, other.certificate, valid_time)
    signed = statement.sign(official.certificate, official.key)
    with pytest.raises(errors.RecipientStatementMismatch):
        verify_recipient_statement(signed, official.certificate, trust, valid_time)


def test_recipient_statement_from_untrusted_ca_is_refused(
    other_ca: DemoCA, officials: tuple[Identity, ...], valid_time: dt.datetime
) -> None:
    """The bidder's client checks every statement against the CA before sealing."""
    official = officials[0]
    statement = RecipientStatement.for_certificate(RECIPIENT, official.certificate, valid_time)
    signed = statement.sign(official.certificate, official.key, chain=official.chain)
    with pytest.raises(errors.ChainUntrusted):
        verify_recipient_statement(signed, official.certificate, other_ca.trust_store(), valid_time)


def test_malformed_recipient_is_refused(
    officials: tuple[Identity, ...], valid_time: dt.datetime
) -> None:
    """The recipient must look like an age X25519 recipient."""
    with pytest.raises(errors.StatementMalformed):
        RecipientStatement.for_certificate("age1short", officials[0].certificate, valid_time)


# --- login by signature ---


def _challenge(at: dt.datetime) -> LoginChallenge:
    return LoginChallenge.new(origin="https://etender.example", now=at)


def test_login_response_by_registered_certificate_verifies(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A fresh challenge signed by the registered certificate logs in."""
    challenge = _challenge(valid_time)
    signature = sign_detached(challenge.to_bytes(), bidder.certificate, bidder.key)
    at = valid_time + dt.timedelta(seconds=30)
    info = verify_login_response(challenge, signature, cert_sha256(bidder.certificate), trust, at)
    assert info.certificate == bidder.certificate


def test_login_response_by_another_certificate_is_refused(
    bidder: Identity, officials: tuple[Identity, ...], trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A valid signature by a certificate other than the registered one is refused."""
    challenge = _challenge(valid_time)
    signature = sign_detached(challenge.to_bytes(), officials[0].certificate, officials[0].key)
    registered = cert_sha256(bidder.certificate)
    with pytest.raises(errors.LoginSignerMismatch) as caught:
        verify_login_response(challenge, signature, registered, trust, valid_time)
    assert caught.value.code == "login_signer_mismatch"


def test_login_response_to_another_challenge_is_refused(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A signature over one challenge does not answer another (replay)."""
    signature = sign_detached(_challenge(valid_time).to_bytes(), bidder.certificate, bidder.key)
    registered = cert_sha256(bidder.certificate)
    with pytest.raises(errors.ContentDigestMismatch):
        verify_login_response(_challenge(valid_time), signature, registered, trust, valid_time)


def test_stale_login_challenge_is_refused(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A challenge older than its maximum age (5 minutes by default) is refused."""
    challenge = _challenge(valid_time)
    signature = sign_detached(challenge.to_bytes(), bidder.certificate, bidder.key)
    registered = cert_sha256(bidder.certificate)
    late = valid_time + dt.timedelta(minutes=5, seconds=1)
    with pytest.raises(errors.LoginChallengeExpired) as caught:
        verify_login_response(challenge, signature, registered, trust, late)
    assert caught.value.code == "login_challenge_expired"


# --- interop ---


def test_openssl_verifies_a_signed_statement(
    openssl: OpenSSL,
    tmp_path: Path,
    demo_ca: DemoCA,
    bidder: Identity,
    valid_time: dt.datetime,
) -> None:
    """The body and signature files of a statement verify with `openssl cms -verify`."""
    signed = _submit().sign(bidder.certificate, bidder.key, chain=bidder.chain)
    (tmp_path / "statement.json").write_bytes(signed.body)
    (tmp_path / "statement.json.p7s").write_bytes(signed.signature)
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(demo_ca.root_cert))
    result = openssl(
        "cms", "-verify", "-binary", "-inform", "DER",
        "-in", str(tmp_path / "statement.json.p7s"),
        "-content", str(tmp_path / "statement.json"),
        "-CAfile", str(tmp_path / "root.pem"),
        "-attime", str(int(valid_time.timestamp())),
        "-out", str(tmp_path / "out.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
