"""Signing keys: login challenges, certificate login, registering certificates and recipients."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from accounts.keys import queries as key_queries
from accounts.keys import service as keys
from accounts.keys import vault
from accounts.keys.model import Device, DeviceKind
from accounts.model import is_one_line_text
from signing.trust import TrustStore
from web.accounts.bodies import Model, TokenResponse
from web.auth import client_address, login_policy, signed_in
from web.db.database import acquire
from web.errors import RequestInvalid, TrustStoreUnavailable
from web.http import ApiRoute, json_response, read_json
from web.services import services


class VaultKey(Model, frozen=True, kw_only=True):
    key: str  # base64url (no padding) of the member's 32-byte vault key


class ChallengeResponse(Model, frozen=True, kw_only=True):
    nonce: str
    challenge: str  # base64 of the canonical statement bytes to sign (CMS detached)
    expires_at: datetime


class CertificateLogin(Model, frozen=True, kw_only=True):
    nonce: str
    signature: str  # base64 DER CMS detached signature over the challenge bytes


# A device's name as its member gives it: 1–64 code points, the platform's one-line text
# rule on top (is_one_line_text, checked by _device: the shape alone cannot say it).
LABEL_MAX = 64
DeviceLabel = Annotated[str, msgspec.Meta(min_length=1, max_length=LABEL_MAX)]


class DeviceBody(Model, frozen=True, kw_only=True):
    kind: Literal["browser"]
    label: DeviceLabel


class CertificateRegistration(Model, frozen=True, kw_only=True):
    certificate: str  # PEM
    nonce: str
    signature: str
    # The key was made on this device and cannot leave it (issue 12): bound to it.
    device: DeviceBody | None = None


class RecipientRegistration(Model, frozen=True, kw_only=True):
    statement: str  # base64 of the canonical recipient statement
    signature: str


class Registered(Model, frozen=True, kw_only=True):
    value: str


class KeyEntry(Model, frozen=True, kw_only=True):
    value: str
    current: bool


class CertificateEntry(Model, frozen=True, kw_only=True):
    value: str
    current: bool
    device: DeviceBody | None
    # The subject as the platform reads it (signing.certs.subject_name): a recipient
    # statement names it, so a page that registered a key a moment ago signs one unreloaded.
    subject: str


class MyKeys(Model, frozen=True, kw_only=True):
    certificates: list[CertificateEntry]
    recipients: list[KeyEntry]


def device_body(device: Device | None) -> DeviceBody | None:
    """The API's shape of a certificate's device (None: not bound to one)."""
    return None if device is None else DeviceBody(kind="browser", label=device.label)


def _trust(request: Request) -> TrustStore:
    trust = services(request).trust_now()
    if trust is None:
        raise TrustStoreUnavailable("no trusted CA is configured on this platform")
    return trust


def _device(body: DeviceBody | None) -> Device | None:
    """The registration's device; its label follows the one-line text rule: a label is
    shown to its member beside every signature, so no control, bidi or invisible
    character may make it read as another (accounts.model.is_one_line_text)."""
    if body is None:
        return None
    if not is_one_line_text(body.label, LABEL_MAX):
        raise RequestInvalid(
            f"a device label is 1–{LABEL_MAX} printable characters without surrounding "
            "spaces, control, bidi or invisible characters",
            details={"field": "device.label"},
        )
    return Device(kind=DeviceKind(body.kind), label=body.label)


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{field}' is not base64", details={"field": field}) from None


async def post_challenge(request: Request) -> ChallengeResponse:
    """A single-use challenge to sign, for certificate login or key registration."""
    async with acquire(services(request).pools.main) as conn:
        challenge = await keys.issue_challenge(conn, origin=services(request).settings.public_url)
    return ChallengeResponse(
        nonce=challenge.nonce,
        challenge=base64.b64encode(challenge.to_bytes()).decode(),
        expires_at=challenge.issued_at + keys.CHALLENGE_TTL,
    )


async def post_certificate_login(request: Request) -> TokenResponse:
    """Log in with a challenge signed by a registered certificate."""
    body = await read_json(request, CertificateLogin)
    trust = _trust(request)
    async with acquire(services(request).pools.main) as conn:
        issued = await keys.login_with_certificate(
            conn,
            nonce=body.nonce,
            signature=_b64(body.signature, "signature"),
            address=client_address(request),
            policy=login_policy(services(request).settings),
            trust=trust,
        )
    return TokenResponse(token=issued.token, expires_at=issued.session.expires_at)


async def post_certificate(request: Request) -> Registered:
    """Register (rotate to) a signing certificate, proven by a signed challenge."""
    body = await read_json(request, CertificateRegistration)
    trust = _trust(request)
    async with signed_in(request) as (conn, actor):
        digest = await keys.register_certificate(
            conn,
            actor,
            certificate_pem=body.certificate.encode(),
            nonce=body.nonce,
            signature=_b64(body.signature, "signature"),
            trust=trust,
            device=_device(body.device),
        )
    return Registered(value=digest)


async def post_recipient(request: Request) -> Registered:
    """Register (rotate to) an age recipient bound by a signed recipient statement."""
    body = await read_json(request, RecipientRegistration)
    trust = _trust(request)
    async with signed_in(request) as (conn, actor):
        recipient = await keys.register_recipient(
            conn,
            actor,
            statement=_b64(body.statement, "statement"),
            signature=_b64(body.signature, "signature"),
            trust=trust,
        )
    return Registered(value=recipient)


async def get_my_keys(request: Request) -> MyKeys:
    """The caller's certificates and recipients, old ones included."""
    async with signed_in(request) as (conn, actor):
        certificates = await key_queries.certificates(conn, actor.user_id)
        recipients = await key_queries.recipients(conn, actor.user_id)
    return MyKeys(
        certificates=[
            CertificateEntry(
                value=c.cert_sha256,
                current=c.retired_at is None,
                device=device_body(c.device),
                subject=c.subject,
            )
            for c in certificates
        ],
        recipients=[KeyEntry(value=r, current=current) for r, current in recipients],
    )


async def get_vault_key(request: Request) -> Response:
    """The caller's vault key (docs/browser-signing.md §3): only the signed-in member gets
    it, never cached, never logged (it unlocks that member's sealed sheets in a browser)."""
    async with signed_in(request) as (conn, actor):
        key = await vault.vault_key(conn, actor.user_id)
    response = json_response(VaultKey(key=base64.urlsafe_b64encode(key).rstrip(b"=").decode()))
    response.headers["Cache-Control"] = "no-store"
    return response


ROUTES = [
    ApiRoute(method="POST", path="/api/v1/auth/challenge", handler=post_challenge, tag="auth",
             summary="A single-use challenge to sign", response=ChallengeResponse, auth=False),
    ApiRoute(method="POST", path="/api/v1/auth/certificate-login", handler=post_certificate_login,
             tag="auth", summary="Log in by a signed challenge", body=CertificateLogin,
             response=TokenResponse, auth=False),
    ApiRoute(method="POST", path="/api/v1/me/certificates", handler=post_certificate,
             tag="auth", summary="Register a signing certificate", body=CertificateRegistration,
             response=Registered),
    ApiRoute(method="POST", path="/api/v1/me/recipients", handler=post_recipient, tag="auth",
             summary="Register an age recipient", body=RecipientRegistration,
             response=Registered),
    ApiRoute(method="GET", path="/api/v1/me/keys", handler=get_my_keys, tag="auth",
             summary="My certificates and recipients", response=MyKeys),
    ApiRoute(method="GET", path="/api/v1/me/vault-key", handler=get_vault_key, tag="auth",
             summary="My browser vault key", response=VaultKey),
]  # fmt: skip
