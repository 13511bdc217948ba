"""CMS detached signatures (RFC 5652 SignedData) of the etender profile.

Every signed document — statements, manifests, receipts, records — carries a DER
CMS SignedData, detached, SHA-256, RSA (PKCS#1 v1.5 or PSS) or ECDSA P-256, that
``openssl cms -verify -binary`` accepts (DESIGN.md, "Signatures"). The profile and
the error codes are in docs/formats/signatures.md.

Signing uses cryptography's PKCS#7 builder; verification parses the SignedData
itself (asn1crypto) so that each way of failing has its own error code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs7

from signing.certs import require_aware
from signing.errors import (
    AlgorithmUnsupported,
    ContentDigestMismatch,
    SignatureInvalid,
    SignatureMalformed,
    SignerUnknown,
)
from signing.trust import TrustStore, verify_chain

# RFC 5652 §11 attribute OIDs and the signature algorithms of the profile.
OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_MGF1 = "1.2.840.113549.1.1.8"

_RSA_PKCS1 = "rsa-pkcs1v15-sha256"
_RSA_PSS = "rsa-pss-sha256"
_ECDSA = "ecdsa-p256-sha256"
SIGNATURE_ALGORITHMS: dict[str, str] = {
    "1.2.840.113549.1.1.1": _RSA_PKCS1,  # rsaEncryption, hash from digestAlgorithm
    "1.2.840.113549.1.1.11": _RSA_PKCS1,  # sha256WithRSAEncryption
    "1.2.840.113549.1.1.10": _RSA_PSS,  # id-RSASSA-PSS, parameters checked
    "1.2.840.10045.4.3.2": _ECDSA,  # ecdsa-with-SHA256
    "1.2.840.10045.2.1": _ECDSA,  # id-ecPublicKey, as some signers write it
}


@dataclass(frozen=True, kw_only=True, slots=True)
class SignerInfo:
    """Who signed, the validated chain (leaf first) and the signed attributes we use."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    signing_time: dt.datetime | None
    digest_algorithm: str
    signature_algorithm: str


def sign_detached(
    data: bytes,
    cert: x509.Certificate,
    key: PrivateKeyTypes,
    *,
    chain: Sequence[x509.Certificate] = (),
    rsa_pss: bool = False,
) -> bytes:
    """A DER CMS SignedData over ``data``: detached, binary, SHA-256, with signed attributes."""
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise AlgorithmUnsupported("only RSA and ECDSA P-256 keys can sign")
    if rsa_pss and not isinstance(key, rsa.RSAPrivateKey):
        raise AlgorithmUnsupported("RSA-PSS needs an RSA key")
    if cert.public_key() != key.public_key():
        raise SignerUnknown("the private key does not belong to the signing certificate")
    rsa_padding: padding.PSS | None = None
    if rsa_pss:
        rsa_padding = padding.PSS(
            mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH
        )
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(cert, key, hashes.SHA256(), rsa_padding=rsa_padding)
    )
    for extra in chain:
        builder = builder.add_certificate(extra)
    options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    return builder.sign(serialization.Encoding.DER, options)


def verify_detached(
    data: bytes, signature: bytes, trust: TrustStore, at: dt.datetime
) -> SignerInfo:
    """Verify a detached signature over ``data`` and its signer's chain as of ``at``."""
    at = require_aware(at)
    parsed = _parse(signature)
    signer = _find_signer(parsed)
    algorithm = _check_signature(parsed.signer_info, signer)
    attributes = _signed_attributes(parsed.signer_info)
    if not hmac.compare_digest(attributes.message_digest, hashlib.sha256(data).digest()):
        raise ContentDigestMismatch("the content's SHA-256 differs from the signed message digest")
    others = [c for c in parsed.certificates if c != signer]
    chain = verify_chain(signer, trust, at, untrusted_intermediates=others)
    return SignerInfo(
        certificate=signer,
        chain=chain,
        signing_time=attributes.signing_time,
        digest_algorithm="sha256",
        signature_algorithm=algorithm,
    )


def read_signer(signature: bytes) -> x509.Certificate:
    """The signer's certificate named by ``signature``, NOT verified: for look-ups only."""
    return _find_signer(_parse(signature))


# --- parsing ---


@dataclass(frozen=True, kw_only=True, slots=True)
class _Parsed:
    signer_info: asn1_cms.SignerInfo
    certificates: tuple[x509.Certificate, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class _Attributes:
    message_digest: bytes
    signing_time: dt.datetime | None


def _parse(signature: bytes) -> _Parsed:
    try:
        info = asn1_cms.ContentInfo.load(signature, strict=True)
        if info["content_type"].dotted != OID_SIGNED_DATA:
            raise SignatureMalformed("not a CMS SignedData")
        signed_data = info["content"]
        return _parse_signed_data(signed_data)
    except SignatureMalformed:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SignatureMalformed(f"not a DER CMS SignedData: {exc}") from exc


def _parse_signed_data(signed_data: asn1_cms.SignedData) -> _Parsed:
    encap = signed_data["encap_content_info"]
    if encap["content_type"].dotted != OID_DATA:
        raise SignatureMalformed("the encapsulated content type must be id-data")
    if encap["content"].native is not None:
        raise SignatureMalformed("the signature must be detached (no encapsulated content)")
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1:
        raise SignatureMalformed(f"expected exactly one SignerInfo, found {len(signer_infos)}")
    certificates = tuple(_load_certificate(choice) for choice in signed_data["certificates"] or ())
    return _Parsed(signer_info=signer_infos[0], certificates=certificates)


def _load_certificate(choice: asn1_cms.CertificateChoices) -> x509.Certificate:
    if choice.name != "certificate":
        raise SignatureMalformed(f"unsupported certificate choice {choice.name!r}")
    try:
        return x509.load_der_x509_certificate(choice.chosen.dump())
    except ValueError as exc:
        raise SignatureMalformed(f"a certificate in the SignedData is malformed: {exc}") from exc


def _find_signer(parsed: _Parsed) -> x509.Certificate:
    sid = parsed.signer_info["sid"]
    for cert in parsed.certificates:
        if _identifies(sid, cert):
            return cert
    raise SignerUnknown("the signer's certificate is not in the SignedData")


def _identifies(sid: asn1_cms.SignerIdentifier, cert: x509.Certificate) -> bool:
    if sid.name == "issuer_and_serial_number":
        issuer = asn1_x509.Name.load(cert.issuer.public_bytes())
        wanted = sid.chosen
        return bool(
            wanted["serial_number"].native == cert.serial_number and wanted["issuer"] == issuer
        )
    try:
        ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        return False
    return bool(ski.digest == sid.chosen.native)


# --- signed attributes (RFC 5652 §5.3, §11) ---


def _signed_attributes(signer_info: asn1_cms.SignerInfo) -> _Attributes:
    values = _attribute_values(signer_info)
    content_type = values.get(OID_CONTENT_TYPE)
    if content_type is None or content_type.dotted != OID_DATA:
        raise SignatureMalformed("the content-type attribute must be present and id-data")
    digest = values.get(OID_MESSAGE_DIGEST)
    if digest is None:
        raise SignatureMalformed("the message-digest attribute is missing")
    signing_time = values.get(OID_SIGNING_TIME)
    return _Attributes(
        message_digest=bytes(digest.native),
        signing_time=None if signing_time is None else _aware(signing_time.native),
    )


def _attribute_values(signer_info: asn1_cms.SignerInfo) -> dict[str, asn1_core.Asn1Value]:
    # RFC 5652 §11: content-type, message-digest and signing-time occur once with one value.
    found: dict[str, asn1_core.Asn1Value] = {}
    try:
        for attribute in _raw_signed_attrs(signer_info):
            oid = attribute["type"].dotted
            if oid in found:
                raise SignatureMalformed(f"signed attribute {oid} occurs twice")
            attribute_values = attribute["values"]
            if oid in (OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_TIME):
                if len(attribute_values) != 1:
                    raise SignatureMalformed(f"signed attribute {oid} must have one value")
                found[oid] = attribute_values[0]
    except (ValueError, TypeError, KeyError) as exc:
        raise SignatureMalformed(f"malformed signed attributes: {exc}") from exc
    return found


def _raw_signed_attrs(signer_info: asn1_cms.SignerInfo) -> asn1_cms.CMSAttributes:
    attrs = signer_info["signed_attrs"]
    if isinstance(attrs, asn1_core.Void) or len(attrs) == 0:
        raise SignatureMalformed("signed attributes are required by the profile")
    return attrs


def _aware(value: object) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise SignatureMalformed("the signing-time attribute is not a time")
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# --- the signature value ---


def _check_signature(signer_info: asn1_cms.SignerInfo, cert: x509.Certificate) -> str:
    algorithm = _signature_algorithm(signer_info)
    # RFC 5652 §5.4: the signature covers the DER of the signed attributes, re-tagged
    # from [0] IMPLICIT to a universal SET OF (0x31).
    encoded = _raw_signed_attrs(signer_info).dump()
    message = b"\x31" + encoded[1:]
    value = signer_info["signature"].native
    public_key = _public_key(cert)
    try:
        _verify_value(public_key, algorithm, signer_info, bytes(value), message)
    except InvalidSignature as exc:
        raise SignatureInvalid("the signature does not verify with the signer's key") from exc
    return algorithm


def _signature_algorithm(signer_info: asn1_cms.SignerInfo) -> str:
    digest = signer_info["digest_algorithm"]["algorithm"].dotted
    if digest != OID_SHA256:
        raise AlgorithmUnsupported(f"digest algorithm {digest} is not SHA-256")
    oid = signer_info["signature_algorithm"]["algorithm"].dotted
    algorithm = SIGNATURE_ALGORITHMS.get(oid)
    if algorithm is None:
        raise AlgorithmUnsupported(f"signature algorithm {oid} is not in the profile")
    return algorithm


def _public_key(cert: x509.Certificate) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    try:
        key = cert.public_key()
    except (UnsupportedAlgorithm, ValueError) as exc:
        raise AlgorithmUnsupported(f"the signer's key algorithm is not supported: {exc}") from exc
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise AlgorithmUnsupported("signer keys must be RSA (>= 2048 bits) or ECDSA P-256")


def _verify_value(
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    algorithm: str,
    signer_info: asn1_cms.SignerInfo,
    value: bytes,
    message: bytes,
) -> None:
    if algorithm == _ECDSA:
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise SignatureInvalid("an ECDSA signature needs an EC signer key")
        public_key.verify(value, message, ec.ECDSA(hashes.SHA256()))
        return
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise SignatureInvalid("an RSA signature needs an RSA signer key")
    scheme: padding.AsymmetricPadding = padding.PKCS1v15()
    if algorithm == _RSA_PSS:
        scheme = _pss_padding(signer_info["signature_algorithm"]["parameters"])
    public_key.verify(value, message, scheme, hashes.SHA256())


def _pss_padding(params: asn1_core.Asn1Value) -> padding.PSS:
    # RFC 4055 §3.1: the defaults are SHA-1; the profile needs SHA-256 and MGF1-SHA-256.
    try:
        hash_oid = params["hash_algorithm"]["algorithm"].dotted
        mgf = params["mask_gen_algorithm"]
        mgf_hash = mgf["parameters"]["algorithm"].dotted
        salt_length = int(params["salt_length"].native)
        trailer = params["trailer_field"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise SignatureMalformed(f"malformed RSA-PSS parameters: {exc}") from exc
    if (hash_oid, mgf["algorithm"].dotted, mgf_hash) != (OID_SHA256, OID_MGF1, OID_SHA256):
        raise AlgorithmUnsupported("RSA-PSS must use SHA-256 and MGF1 with SHA-256")
    if trailer not in (1, "trailer_field_bc"):
        raise AlgorithmUnsupported("RSA-PSS trailer field must be 1")
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt_length)
