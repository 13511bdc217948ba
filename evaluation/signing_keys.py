"""A tender may require the member's own CA key for the committee's signatures (issue 12).

The tender's ``signing_keys`` (docs/api-tenders.md): ``"any"`` accepts every registered
certificate; under ``"ca"`` a member's sealed sheet (``submit_sheet``), revision
(``revise``) and report signature (``sign_report``) made with a certificate registered
as a browser device key (accounts/keys: a WebCrypto key bound to one member and one
device), or whose CA marked it as one (the browser-key policy, signing/certs.py), is
refused — the agency asks for the key a CA issued to the member and that the
member holds, as for a bid. Supervisors' notes are not the committee's findings and
never part of the report: they are not bound by it.
"""

from __future__ import annotations

from cryptography import x509

from accounts.keys import queries as key_queries
from evaluation.errors import SigningDeviceKeyRefused
from evaluation.handlers import Ctx
from signing.certs import has_browser_key_policy
from tender import queries as tender_queries
from tender.model import SigningKeys


def _marked(der: bytes) -> bool:
    """Its CA says the key was made in a browser (the browser-key policy): a device key
    whatever its registration said — one registered before that was refused without
    ``device`` (accounts/keys/service.py) still signs nothing under "ca"."""
    return has_browser_key_policy(x509.load_der_x509_certificate(der))


async def require_allowed_key(ctx: Ctx, cert_sha256: str) -> None:
    """Refuse a member's signature by a browser device key when the tender says "ca"."""
    if await tender_queries.signing_keys(ctx.conn, ctx.state.tender_id) is not SigningKeys.CA:
        return
    stored = await key_queries.certificate_by_hash(ctx.conn, cert_sha256)
    if stored is not None and (stored.device is not None or _marked(stored.certificate)):
        raise SigningDeviceKeyRefused(
            "this tender requires your own CA-issued signing key: a browser device key "
            "signs nothing in its evaluation",
            details={"cert_sha256": cert_sha256},
        )
