"""docs/formats/signatures.md's examples (§2, §4) are true to the bytes.

Each statement example is read from the doc and must be exactly what
signing.statements writes (strict parse, canonical RFC 8785 bytes); the stated hashes
and the chain of `previous` / `submit_sha256` are recomputed; the credit codes satisfy
the GB 32100-2015 rule as the doc states it and as signing.certs checks it.
"""

from __future__ import annotations

import hashlib
import re

from signing import errors
from signing.age import X25519Recipient
from signing.certs import validate_credit_code
from signing.statements.bid import SubmitStatement, WithdrawStatement
from signing.statements.login import LoginChallenge
from signing.statements.recipient import RecipientStatement
from tests.docs.markdown import code_blocks, found, read, section

DOC = read("formats/signatures.md")
STATEMENTS = section(DOC, "## 4. Signed statements")
PROFILE = section(DOC, "## 2. Certificate profile")


def _example(title: str, index: int = 0) -> bytes:
    return code_blocks(section(STATEMENTS, title), "json")[index].encode()


def test_signatures_md_recipient_statement_example_is_canonical() -> None:
    body = _example("### Recipient statement")
    statement = RecipientStatement.from_bytes(body)
    assert statement.to_bytes() == body
    assert X25519Recipient.parse(statement.recipient).encode() == statement.recipient


def test_signatures_md_submit_statement_examples_are_canonical_and_hashed() -> None:
    section_text = section(STATEMENTS, "### Submit statement")
    first, second = (_example("### Submit statement", i) for i in (0, 1))
    v1, v2 = SubmitStatement.from_bytes(first), SubmitStatement.from_bytes(second)
    assert (v1.to_bytes(), v2.to_bytes()) == (first, second)
    assert found(r"Its hash is `([0-9a-f]{64})`", section_text)[1] == v1.sha256
    assert v2.previous == v1.sha256
    assert v2.consortium == (found(r"consortium with member `([0-9A-Z]{18})`", section_text)[1],)
    assert found(r"\(hash `([0-9a-f]{64})`\)", section_text)[1] == v2.sha256
    assert v1.sha256 == hashlib.sha256(first).hexdigest()


def test_signatures_md_withdraw_statement_example_withdraws_the_submit_example() -> None:
    body = _example("### Withdraw statement")
    withdraw = WithdrawStatement.from_bytes(body)
    assert withdraw.to_bytes() == body
    submitted = SubmitStatement.from_bytes(_example("### Submit statement", 1))
    assert (withdraw.bid_version, withdraw.submit_sha256) == (
        submitted.bid_version,
        submitted.sha256,
    )
    assert (withdraw.tender, withdraw.lot, withdraw.bidder) == (
        submitted.tender,
        submitted.lot,
        submitted.bidder,
    )


def test_signatures_md_login_challenge_example_is_canonical() -> None:
    body = _example("### Login challenge")
    challenge = LoginChallenge.from_bytes(body)
    assert challenge.to_bytes() == body
    assert len(challenge.nonce) * 4 == 128  # "the server uses 128"


def _check_character(code: str) -> str:
    """The GB 32100-2015 check character, computed from the rule as the doc states it."""
    alphabet = found(r"18 characters from\n`([0-9A-Z]{31})`", PROFILE)[1]
    weights = [int(w) for w in found(r"weights\n`([0-9 ]+)`", PROFILE)[1].split()]
    assert len(weights) == 17
    check = 31 - sum(alphabet.index(c) * w for c, w in zip(code, weights, strict=False)) % 31
    return alphabet[0 if check == 31 else check]


def test_signatures_md_example_credit_codes_follow_the_stated_check_rule() -> None:
    codes = set(re.findall(r"\b[0-9][0-9A-Z]{17}\b", STATEMENTS))
    codes = {c for c in codes if not c.isdigit()}
    assert codes == {"91350100M000100Y43", "91110000600037341L"}
    for code in sorted(codes):
        assert validate_credit_code(code) == code
        assert _check_character(code) == code[-1], code


def test_signatures_md_error_table_is_signing_errors() -> None:
    """§5: each code is its class's, and the families derive as stated."""
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \|", section(DOC, "## 5. Error codes"), re.M)
    assert rows
    for code, name in rows:
        cls = getattr(errors, name)
        assert cls.code == code
        assert issubclass(cls, errors.SigningError)
    for name in ("CertificateExpired", "CertificateRevoked", "ChainUntrusted"):
        assert issubclass(getattr(errors, name), errors.CertificateError)
    for name in ("SignatureInvalid", "StatementMalformed", "LoginChallengeExpired"):
        assert issubclass(getattr(errors, name), errors.SignatureError)
