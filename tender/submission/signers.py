"""Who may sign a submit or withdraw statement, and the consortium's countersignatures.

docs/formats/signatures.md §6 and docs/formats/upload.md §3: a statement counts only if
its signer's certificate

1. chains to a CA the platform trusts, is valid and unrevoked at the database time of
   the submission (signing.cms.verify_detached with the trust store);
2. carries the bidder organisation's credit code where the CA's profile puts it (the
   subject serialNumber, 2.5.4.5) — another organisation's certificate is refused
   (``bid_signer_mismatch``);
3. is registered on this platform by an active user of that organisation and not
   rotated out (``bid_signer_not_registered``): a certificate the organisation never
   registered — found, bought or issued to someone else by a careless CA — does not
   speak for it (issue 9, item 1).

A consortium (联合体) is named inside the signed statement; every member countersigns
the same bytes under the same three rules for its own organisation, so nobody can be
named a member without its signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

import asyncpg
from cryptography import x509

from signing.certs import cert_sha256, subject_credit_code, validate_credit_code
from signing.cms import verify_detached
from signing.errors import SigningError
from signing.statements.base import SignedStatement, verify_statement
from signing.statements.bid import SubmitStatement, WithdrawStatement
from signing.trust import TrustStore
from tender.errors import TrustStoreMissing
from tender.model import Tender
from tender.submission import queries as bid_queries
from tender.submission.model import (
    CountersignatureInvalid,
    CountersignatureMissing,
    SignerMismatch,
    SignerNotRegistered,
    StatementInvalid,
    StatementMismatch,
    UploadInputInvalid,
)

MAX_CONSORTIUM = 10
Statement = TypeVar("Statement", SubmitStatement, WithdrawStatement)


def require_trust(trust: TrustStore | None) -> TrustStore:
    """The trust store, or ``trust_store_missing`` when no CA is trusted yet."""
    if trust is None:
        raise TrustStoreMissing("the platform trusts no CA yet")
    return trust


async def check_registered(
    conn: asyncpg.Connection, certificate: x509.Certificate, code: str, now: dt.datetime
) -> None:
    """Rules 2 and 3: the certificate carries ``code`` and ``code``'s organisation
    registered it on the platform (and has not rotated it out by ``now``)."""
    if subject_credit_code(certificate) != code:
        raise SignerMismatch(
            "the statement is signed by a certificate of another organisation",
            details={"certificate": subject_credit_code(certificate), "organisation": code},
        )
    found = await bid_queries.signer_registration(conn, cert_sha256(certificate))
    if found is None or found[0] != code:
        raise SignerNotRegistered(
            "the signing certificate is not registered on this platform by a user of "
            f"organisation {code}: register it first (POST /api/v1/keys/certificate)"
        )
    retired_at = found[1]
    if retired_at is not None and retired_at <= now:
        raise SignerNotRegistered("the signing certificate was replaced by a newer one")


async def verify_signed(
    conn: asyncpg.Connection,
    signed: SignedStatement,
    trust: TrustStore | None,
    now: dt.datetime,
    kind: type[Statement],
    bidder: str,
) -> tuple[Statement, str]:
    """Rule 1, then 2 and 3 for ``bidder``: the statement and its signer's SHA-256."""
    try:
        verified = verify_statement(signed, require_trust(trust), now, kind)
    except SigningError as exc:
        raise StatementInvalid(f"the statement does not verify: {exc}", details=exc.code) from None
    await check_registered(conn, verified.signer.certificate, bidder, now)
    return verified.statement, cert_sha256(verified.signer.certificate)


def check_consortium(tender: Tender, members: Sequence[str], bidder: str) -> tuple[str, ...]:
    """Consortium members' credit codes: only where allowed, distinct, not the lead."""
    if not members:
        return ()
    if not tender.content.consortia_allowed:
        raise StatementMismatch("this tender does not admit consortia")
    try:
        codes = tuple(validate_credit_code(m) for m in members)
    except SigningError as exc:
        raise UploadInputInvalid(f"a consortium member: {exc}") from None
    if len(set(codes)) != len(codes) or bidder in codes or len(codes) > MAX_CONSORTIUM:
        raise UploadInputInvalid("consortium members are distinct, not the lead, at most 10")
    return codes


async def check_countersignatures(
    conn: asyncpg.Connection,
    statement: SubmitStatement,
    body: bytes,
    signatures: Sequence[bytes],
    trust: TrustStore | None,
    now: dt.datetime,
) -> None:
    """Exactly one valid countersignature over ``body`` by each member, and no other."""
    members = set(statement.consortium)
    seen: set[str] = set()
    for index, signature in enumerate(signatures):
        try:
            signer = verify_detached(body, signature, require_trust(trust), now)
        except SigningError as exc:
            raise CountersignatureInvalid(
                f"countersignature {index} does not verify: {exc}", details=exc.code
            ) from None
        code = subject_credit_code(signer.certificate)
        if code not in members or code in seen:
            raise CountersignatureInvalid(
                f"countersignature {index} is not by a member the statement names, or repeats one"
            )
        await check_registered(conn, signer.certificate, code, now)
        seen.add(code)
    missing = sorted(members - seen)
    if missing:
        raise CountersignatureMissing(
            f"consortium members {', '.join(missing)} have not countersigned the statement"
        )
