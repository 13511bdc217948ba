"""The statement base: canonical bytes, hashing, strict parsing, signing, verifying.

A statement's body is RFC 8785 canonical JSON, so its SHA-256 is well defined; a body
that is not exactly the canonical encoding of a valid statement is refused. It is
signed with a CMS detached signature (docs/formats/signatures.md, "Statements").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, Self, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing.canonical import canonical_json, sha256_hex
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.errors import StatementMalformed, StatementTypeMismatch
from signing.statements.fields import Reader
from signing.trust import TrustStore


@dataclass(frozen=True, kw_only=True, slots=True)
class SignedStatement:
    """A statement's canonical bytes and the DER CMS detached signature over them."""

    body: bytes
    signature: bytes


# --- the statement base ---


class Statement:
    """Shared behaviour: canonical bytes, hashing, strict parsing, signing."""

    __slots__ = ()
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        raise NotImplementedError

    @classmethod
    def _read(cls, reader: Reader) -> Self:
        raise NotImplementedError

    def _header(self) -> dict[str, object]:
        return {"type": self.TYPE, "version": self.VERSION}

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON of the statement."""
        return canonical_json(self.to_json())

    @property
    def sha256(self) -> str:
        """Lowercase hex SHA-256 of the canonical bytes."""
        return sha256_hex(self.to_bytes())

    @classmethod
    def from_bytes(cls, body: bytes) -> Self:
        """Parse canonical bytes strictly (statement_malformed / statement_type_mismatch)."""
        reader = Reader.parse(body)
        kind = reader.text("type")
        if kind != cls.TYPE:
            raise StatementTypeMismatch(f"expected a {cls.TYPE}, got {kind!r}")
        if reader.integer("version") != cls.VERSION:
            raise StatementMalformed(f"unsupported {cls.TYPE} version")
        statement = cls._read(reader)
        reader.finish()
        if statement.to_bytes() != body:
            raise StatementMalformed("the statement is not in RFC 8785 canonical form")
        return statement

    def sign(
        self,
        cert: x509.Certificate,
        key: PrivateKeyTypes,
        *,
        chain: Sequence[x509.Certificate] = (),
        rsa_pss: bool = False,
    ) -> SignedStatement:
        """Sign the canonical bytes with a CMS detached signature."""
        body = self.to_bytes()
        signature = sign_detached(body, cert, key, chain=chain, rsa_pss=rsa_pss)
        return SignedStatement(body=body, signature=signature)


S = TypeVar("S", bound=Statement)


@dataclass(frozen=True, kw_only=True, slots=True)
class VerifiedStatement(Generic[S]):
    """A statement whose signature and signer chain verified, with its signer."""

    statement: S
    signer: SignerInfo


def verify_statement(
    signed: SignedStatement, trust: TrustStore, at: dt.datetime, expected_type: type[S]
) -> VerifiedStatement[S]:
    """Verify the signature as of ``at``, then parse the body as ``expected_type``."""
    signer = verify_detached(signed.body, signed.signature, trust, at)
    statement = expected_type.from_bytes(signed.body)
    return VerifiedStatement(statement=statement, signer=signer)
