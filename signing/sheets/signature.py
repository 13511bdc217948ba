"""The member's signature over a sheet, and what a client sends.

docs/formats/evaluation-sheet.md §5 and §7: a CMS detached signature (signing.cms)
over the sheet bytes, whose messageDigest attribute is the commitment; the commands'
data carry binary values in base64url without padding.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from collections.abc import Mapping, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing import cms
from signing.certs import require_aware
from signing.sheets.errors import SheetSignatureMismatch, SheetTooLarge
from signing.sheets.format import MAX_SIGNATURE, b64url_encode, parse_sheet
from signing.sheets.seal import commitment, seal
from signing.trust import TrustStore, verify_chain


def sign_sheet(
    sheet: bytes,
    cert: x509.Certificate,
    key: PrivateKeyTypes,
    *,
    chain: Sequence[x509.Certificate] = (),
) -> bytes:
    """The member's CMS detached signature over the sheet bytes (its messageDigest is the
    commitment)."""
    return cms.sign_detached(sheet, cert, key, chain=chain)


def verify_commitment_signature(
    committed: bytes, signature: bytes, trust: TrustStore, at: dt.datetime
) -> cms.SignerInfo:
    """Verify a sheet's signature knowing only the commitment (at submission).

    The signature covers the signed attributes (RFC 5652 §5.4), whose messageDigest is
    SHA-256 of the content: equal to the commitment, it proves the signer signed the
    sheet behind the commitment, checked in full against the bytes at the reveal.
    Codes as signing.cms.verify_detached; a digest other than the commitment is
    sheet_signature_mismatch.
    """
    if len(signature) > MAX_SIGNATURE:
        raise SheetTooLarge(f"a sheet's signature is at most {MAX_SIGNATURE} bytes")
    # signing.cms's own steps, in its documented order (docs/formats/signatures.md §3),
    # minus hashing a content the server does not have.
    parsed = cms._parse(signature)
    signer = cms._find_signer(parsed)
    algorithm = cms._check_signature(parsed.signer_info, signer)
    attributes = cms._signed_attributes(parsed.signer_info)
    if not hmac.compare_digest(attributes.message_digest, committed):
        raise SheetSignatureMismatch("the signature's message digest is not the commitment")
    others = [c for c in parsed.certificates if c != signer]
    chain = verify_chain(signer, trust, require_aware(at), untrusted_intermediates=others)
    return cms.SignerInfo(
        certificate=signer,
        chain=chain,
        signing_time=attributes.signing_time,
        digest_algorithm="sha256",
        signature_algorithm=algorithm,
    )


# --- command data (docs/formats/evaluation-session.md: binary fields in base64url) ---


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SealedSheet:
    """What a client submits: never the sheet, never the key."""

    phase: str
    commitment: bytes
    nonce: bytes
    ciphertext: bytes
    signature: bytes

    def submit_data(self) -> dict[str, str]:
        """The ``submit_sheet`` command's data."""
        return {
            "phase": self.phase,
            "commitment": b64url_encode(self.commitment),
            "ciphertext": b64url_encode(self.ciphertext),
            "nonce": b64url_encode(self.nonce),
            "signature": b64url_encode(self.signature),
        }


def seal_and_sign(
    sheet: bytes,
    key: bytes,
    nonce: bytes,
    cert: x509.Certificate,
    private_key: PrivateKeyTypes,
    *,
    chain: Sequence[x509.Certificate] = (),
) -> SealedSheet:
    """Check, seal and sign a sheet's bytes: what ``submit_sheet`` carries."""
    phase = parse_sheet(sheet).phase
    return SealedSheet(
        phase=phase,
        commitment=commitment(sheet),
        nonce=nonce,
        ciphertext=seal(sheet, key, nonce),
        signature=sign_sheet(sheet, cert, private_key, chain=chain),
    )


def reveal_data(phase: str, key: bytes) -> dict[str, str]:
    """The ``reveal`` command's data."""
    return {"phase": phase, "key": b64url_encode(key)}


def revise_data(
    sheet: bytes, signature: bytes, reasons: Sequence[Mapping[str, str]]
) -> dict[str, object]:
    """The ``revise`` command's data: the new version in the clear (after the reveal)."""
    return {
        "phase": parse_sheet(sheet).phase,
        "sheet": b64url_encode(sheet),
        "signature": b64url_encode(signature),
        "reasons": [dict(r) for r in reasons],
    }
