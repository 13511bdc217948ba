"""Users' signing certificates and age recipients, and login by signing a challenge.

A user registers a signing certificate by signing a fresh server challenge with its key
(proof of possession; the key never reaches the server) and an age recipient by a
recipient statement signed with that certificate (issue 3; DESIGN.md, "Signatures").
Rotation keeps the old ones: signatures verify as of their time, and bids already sealed
to an old recipient still open with it. Challenges are single-use and short-lived, and
stored only as the nonce's SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

import asyncpg
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from accounts.errors import (
    CertificateAlreadyRegistered,
    CertificateDeviceMismatch,
    CertificateDeviceRequired,
    CertificateOrganisationMismatch,
    CertificateRequired,
    CredentialsInvalid,
    KeyProofInvalid,
    LoginChallengeInvalid,
)
from accounts.keys import queries
from accounts.keys.bundle import trusted_leaf
from accounts.keys.model import Device
from accounts.model import Actor, Role, UserStatus, hidden_role
from accounts.organisations import queries as organisation_queries
from accounts.queries import database_now
from accounts.sessions.model import IssuedToken, LoginPolicy, SessionKind
from accounts.sessions.service import open_session
from accounts.users.service import get_user
from audit import service as audit
from signing.certs import (
    cert_sha256,
    has_browser_key_policy,
    subject_credit_code,
    subject_name,
)
from signing.cms import read_signer, verify_detached
from signing.errors import SigningError
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from signing.statements.base import SignedStatement
from signing.statements.login import LoginChallenge, verify_login_response
from signing.statements.recipient import verify_recipient_statement
from signing.trust import TrustStore

log = logging.getLogger(__name__)

CHALLENGE_TTL = timedelta(minutes=5)
CERTIFICATE_REGISTERED = "account.certificate_registered"
RECIPIENT_REGISTERED = "account.recipient_registered"


def _nonce_hash(nonce: str) -> bytes:
    return hashlib.sha256(nonce.encode("ascii", "replace")).digest()


async def issue_challenge(conn: asyncpg.Connection, *, origin: str) -> LoginChallenge:
    """A fresh challenge, good once for five minutes."""
    now: datetime = await database_now(conn)
    challenge = LoginChallenge.new(origin=origin, now=now)
    await queries.delete_expired_challenges(conn)
    await queries.insert_challenge(
        conn, _nonce_hash(challenge.nonce), origin, challenge.issued_at,
        CHALLENGE_TTL.total_seconds(),
    )  # fmt: skip
    return challenge


async def _use_challenge(conn: asyncpg.Connection, nonce: str) -> LoginChallenge:
    """Consume a challenge (in its own statement: a failed attempt still uses it up)."""
    found = await queries.consume_challenge(conn, _nonce_hash(nonce))
    if found is None:
        raise LoginChallengeInvalid("the challenge is unknown, used or expired: ask for a new one")
    origin, issued_at = found
    return LoginChallenge(nonce=nonce, origin=origin, issued_at=issued_at)


def _log_entry(kind: str, actor: Actor, now: datetime, data: Mapping[str, str | None]) -> LogEntry:
    """A registration's entry. An account holding a hidden role (docs/audit-log.md §1.3)
    is written like its login: a drawn expert registers the certificate it signs sheets
    with after the draw, a bidder the certificate and recipient it bids with right before
    its anonymous bid (finding F1, session 16), so naming it would tell who acted before
    its time. Actor ``{"user_id": null, "role": <the role>}``, no address, no subject; the
    key table (not the log) keeps whose it is."""
    role = hidden_role(actor.roles)
    if role is not None:
        return LogEntry(
            kind=kind, time=now, actor=LogActor(user_id=None, role=role.value),
            address=None, subject=None, data=data,
        )  # fmt: skip
    return LogEntry(
        kind=kind,
        time=now,
        actor=LogActor(user_id=str(actor.user_id), role="user"),
        address=actor.address,
        subject=Subject(type="user", id=str(actor.user_id)),
        data=data,
    )


async def register_certificate(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    certificate_pem: bytes,
    nonce: str,
    signature: bytes,
    trust: TrustStore,
    device: Device | None = None,
) -> str:
    """Register (or rotate to) a signing certificate proven by a signed challenge.

    ``device``: the key was made on that device and cannot leave it (a browser's
    non-extractable WebCrypto key, issue 12) — the certificate is then bound to this
    member and this device, and a tender may refuse it (signing_keys "ca").
    """
    challenge = await _use_challenge(conn, nonce)
    now: datetime = await database_now(conn)
    certificate = trusted_leaf(certificate_pem, trust, now)  # a bundle: the leaf only
    if device is None and has_browser_key_policy(certificate):
        # Its CA says the key was made in a browser: a tender's "ca" rule must not rest
        # on the client's word that it is not (docs/api-auth.md, "Device keys").
        raise CertificateDeviceRequired(
            "this certificate was issued for a key made in a browser: register it with its device"
        )
    await _check_organisation(conn, actor, certificate)
    try:
        signer = verify_detached(challenge.to_bytes(), signature, trust, now)
    except SigningError as exc:
        raise KeyProofInvalid(f"the challenge signature does not verify: {exc.message}") from None
    digest = cert_sha256(certificate)
    if cert_sha256(signer.certificate) != digest:
        raise KeyProofInvalid("the challenge is not signed by the certificate presented")
    if await _already_current(conn, actor, digest, device):
        return digest  # the same certificate again: nothing to rotate, nothing to log
    async with conn.transaction():
        await queries.replace_certificate(
            conn,
            actor.user_id,
            digest,
            certificate.public_bytes(Encoding.DER),
            subject_name(certificate),
            device,
        )
        data = {
            "cert_sha256": digest,
            "device_kind": None if device is None else device.kind.value,
        }
        entry = _log_entry(CERTIFICATE_REGISTERED, actor, now, data)
        await audit.queue(conn, entry)  # nothing reads its index here (audit-log.md §2.2)
    log.info("accounts.certificate_registered", extra={"user_id": str(actor.user_id)})
    return digest


async def _already_current(
    conn: asyncpg.Connection, actor: Actor, digest: str, device: Device | None
) -> bool:
    """Whether ``digest`` is the actor's current certificate; refused if anyone else's.

    A certificate speaks for one user (its registration is what a submit statement's
    signer is checked against, docs/formats/signatures.md §6), and a rotation is
    forward-only: a retired certificate is not brought back. Its device answer is part
    of the registration: the same again changes nothing, another one is refused (a key
    does not move between devices, nor become a CA-held key by saying so).
    """
    found = await queries.certificate_by_hash(conn, digest)
    if found is None:
        return False
    if found.user_id == actor.user_id and found.retired_at is None:
        if found.device != device:
            raise CertificateDeviceMismatch(
                "this certificate is registered already with another device answer",
                details={"device": _device_body(found.device)},
            )
        return True
    raise CertificateAlreadyRegistered(
        "this certificate is already registered (to another user, or retired by a rotation)"
    )


def _device_body(device: Device | None) -> dict[str, str] | None:
    return None if device is None else {"kind": device.kind.value, "label": device.label}


async def _check_organisation(
    conn: asyncpg.Connection, actor: Actor, certificate: x509.Certificate
) -> None:
    """A certificate speaks for the user's own organisation or for none.

    The opening attributes a bid to the credit code in its signer's certificate (subject
    serialNumber, docs/formats/signatures.md); a bidder's certificate without one, or with
    another organisation's, would make every bid it signs fail at the opening — refused
    here, while the bidder can still get the right certificate.
    """
    code = subject_credit_code(certificate)
    org = await organisation_queries.organisation(conn, actor.organisation_id)
    own = org.credit_code if org is not None else None
    if code is not None and code != own:
        raise CertificateOrganisationMismatch(
            "the certificate names another organisation's credit code",
            details={"certificate": code, "organisation": own},
        )
    if code is None and actor.has_role(Role.BIDDER):
        raise CertificateOrganisationMismatch(
            "a bidder's signing certificate must carry its organisation's credit code "
            "(subject serialNumber); ask the CA for an organisation certificate"
        )


async def register_recipient(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    statement: bytes,
    signature: bytes,
    trust: TrustStore,
) -> str:
    """Register (or rotate to) an age recipient bound by a signed recipient statement."""
    current = [c for c in await queries.certificates(conn, actor.user_id) if not c.retired_at]
    if not current:
        raise CertificateRequired("register a signing certificate first")
    certificate = x509.load_der_x509_certificate(current[0].certificate)
    now: datetime = await database_now(conn)
    signed = SignedStatement(body=statement, signature=signature)
    try:
        bound = verify_recipient_statement(signed, certificate, trust, now)
    except SigningError as exc:
        raise KeyProofInvalid(f"recipient statement refused ({exc.code}): {exc.message}") from None
    async with conn.transaction():
        await queries.replace_recipient(
            conn, actor.user_id, recipient=bound.recipient, cert_sha256=current[0].cert_sha256,
            statement=statement, signature=signature,
        )  # fmt: skip
        data = {"recipient": bound.recipient, "cert_sha256": current[0].cert_sha256}
        await audit.queue(conn, _log_entry(RECIPIENT_REGISTERED, actor, now, data))
    return bound.recipient


async def login_with_certificate(
    conn: asyncpg.Connection,
    *,
    nonce: str,
    signature: bytes,
    address: str | None,
    policy: LoginPolicy,
    trust: TrustStore,
) -> IssuedToken:
    """Log in by a challenge signed with a registered, current certificate."""
    challenge = await _use_challenge(conn, nonce)
    now: datetime = await database_now(conn)
    try:
        presented = cert_sha256(read_signer(signature))
    except SigningError:
        raise CredentialsInvalid("the signature is not a CMS signature we can read") from None
    stored = await queries.certificate_by_hash(conn, presented)
    if stored is None or stored.retired_at is not None:
        raise CredentialsInvalid("the signing certificate is not registered to any account")
    try:
        verify_login_response(challenge, signature, stored.cert_sha256, trust, now)
    except SigningError as exc:
        raise CredentialsInvalid(f"the signed challenge does not verify ({exc.code})") from None
    user = await get_user(conn, stored.user_id)
    if user.status is not UserStatus.ACTIVE:
        raise CredentialsInvalid("the account is disabled")
    return await open_session(conn, user, address=address, kind=SessionKind.BEARER, policy=policy)
