"""DEMO ONLY: the demo CA issues a signing certificate from a browser's request.

Issue 12: a key made in the browser (WebCrypto, not extractable) needs a certificate a
trusted CA issues from its PKCS#10 request. In the demo the demo CA does it here; outside
the demo (``ETENDER_DEMO_CA_DIR`` unset) the platform issues no certificates — a user asks
their CA (DESIGN.md, "Signatures"). The server never sees the private key: the request's
self-signature proves possession to the CA, and the certificate is registered afterwards
by the usual proof-of-possession flow (web/keys/routes.py), not by this call.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.requests import Request

from accounts.organisations import queries as organisation_queries
from accounts.queries import database_now
from signing.certs import cert_sha256, dump_pem_certificate
from signing.demo_ca import DemoCA, csr_public_key, issue_certificate
from web.accounts.bodies import Model
from web.auth import signed_in
from web.cli.ca import CommandError, load_ca, record_issued
from web.errors import DemoCaDisabled
from web.http import ApiRoute, read_json
from web.services import services

log = logging.getLogger(__name__)


class CertificateRequest(Model, frozen=True, kw_only=True):
    csr: str  # PEM "CERTIFICATE REQUEST" (PKCS#10)


class IssuedCertificate(Model, frozen=True, kw_only=True):
    certificate: str  # PEM bundle: the leaf, then the issuing CA
    cert_sha256: str


def _demo_ca(directory: Path | None) -> DemoCA:
    if directory is None:
        raise DemoCaDisabled("this platform issues no certificates; ask your CA")
    try:
        return load_ca(directory)
    except (CommandError, OSError):
        # Set, but no CA there (yet): the same answer, and the operator's log says why.
        log.warning("keys.demo_ca_missing", extra={"directory": str(directory)})
        raise DemoCaDisabled("this platform issues no certificates; ask your CA") from None


async def post_demo_certificate(request: Request) -> IssuedCertificate:
    """DEMO ONLY: issue a signing certificate for the caller from a PKCS#10 request."""
    body = await read_json(request, CertificateRequest)
    directory = services(request).settings.demo_ca_dir
    async with signed_in(request) as (conn, actor):
        ca = await asyncio.to_thread(_demo_ca, directory)
        public_key = csr_public_key(body.csr.encode())
        org = await organisation_queries.organisation(conn, actor.organisation_id)
        now = await database_now(conn)
    # The subject is the account's, never the request's: a certificate names who the
    # platform knows signed in (display name; the organisation's credit code as the
    # subject serialNumber, docs/formats/signatures.md "Certificate profile").
    name = actor.display_name
    code = org.credit_code if org is not None else None
    # Issued from a browser's request: marked so, its registration must name the device.
    certificate = issue_certificate(
        ca, name=name, public_key=public_key, now=now, org_credit_code=code, browser_key=True
    )
    assert directory is not None  # _demo_ca refused otherwise
    await asyncio.to_thread(record_issued, directory, certificate, name=name, org_credit_code=code)
    digest = cert_sha256(certificate)
    log.info(
        "keys.demo_certificate_issued",
        extra={
            "user_id": str(actor.user_id),
            "cert_sha256": digest,
            "serial": f"{certificate.serial_number:x}",
        },
    )
    bundle = dump_pem_certificate(certificate) + dump_pem_certificate(ca.issuing_cert)
    return IssuedCertificate(certificate=bundle.decode(), cert_sha256=digest)


ROUTES = [
    ApiRoute(method="POST", path="/api/v1/demo/ca/certificates", handler=post_demo_certificate,
             tag="auth", summary="DEMO ONLY: the demo CA issues a certificate from a request",
             body=CertificateRequest, response=IssuedCertificate, status=201),
]  # fmt: skip
