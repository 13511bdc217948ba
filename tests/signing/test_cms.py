"""CMS detached signatures: our profile, every error code, and interop with OpenSSL."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from signing import errors
from signing.certs import Identity, KeyAlgorithm, dump_pem_certificate, dump_pem_private_key
from signing.cms import read_signer, sign_detached, verify_detached
from signing.demo_ca import DemoCA, Revocation, issue_crl, issue_identity
from signing.trust import TrustStore
from tests.signing.conftest import IssueUser, OpenSSL

CONTENT = "投标文件 manifest\r\n\x00 binary bytes stay exact\n".encode()
ALGORITHMS = [
    (KeyAlgorithm.ECDSA_P256, False, "ecdsa-p256-sha256"),
    (KeyAlgorithm.RSA_2048, False, "rsa-pkcs1v15-sha256"),
    (KeyAlgorithm.RSA_3072, True, "rsa-pss-sha256"),
]


def _rewrite(signature: bytes, edit: Callable[[asn1_cms.SignerInfo], None]) -> bytes:
    info = asn1_cms.ContentInfo.load(signature)
    edit(info["content"]["signer_infos"][0])
    return bytes(info.dump(force=True))


def _flip_signature_value(signer_info: asn1_cms.SignerInfo) -> None:
    value = bytearray(signer_info["signature"].native)
    value[len(value) // 2] ^= 0x01
    signer_info["signature"] = bytes(value)


# --- our own round trip ---


@pytest.mark.parametrize(("algorithm", "pss", "name"), ALGORITHMS)
def test_signature_verifies_for_each_profile_algorithm(
    issue_user: IssueUser,
    trust: TrustStore,
    valid_time: dt.datetime,
    algorithm: KeyAlgorithm,
    pss: bool,
    name: str,
) -> None:
    """ECDSA P-256, RSA PKCS#1 v1.5 and RSA-PSS signatures verify, naming their signer."""
    user = issue_user("签名人", algorithm=algorithm)
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain, rsa_pss=pss)
    info = verify_detached(CONTENT, signature, trust, valid_time)
    assert info.certificate == user.certificate
    assert info.chain == (user.certificate, *user.chain, trust.roots[0])
    assert info.signature_algorithm == name
    assert info.digest_algorithm == "sha256"
    assert info.signing_time is not None
    assert info.signing_time.tzinfo is not None


def test_signature_without_embedded_chain_uses_known_intermediates(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A signature carrying only the signer's certificate verifies via the trust store."""
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key)
    assert verify_detached(CONTENT, signature, trust, valid_time).certificate == bidder.certificate


def test_read_signer_names_the_certificate_without_verifying(bidder: Identity) -> None:
    """read_signer returns the signer's certificate for look-ups."""
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key, chain=bidder.chain)
    assert read_signer(signature) == bidder.certificate


def test_signature_from_a_second_trusted_ca_verifies(
    other_ca: DemoCA, demo_ca: DemoCA, valid_time: dt.datetime, ca_time: dt.datetime
) -> None:
    """Cross-CA recognition: a trust store with two roots accepts both CAs' signers."""
    user = issue_identity(other_ca, name="外地投标人", now=ca_time, algorithm=KeyAlgorithm.RSA_2048)
    both = demo_ca.trust_store().merged(other_ca.trust_store())
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain)
    assert verify_detached(CONTENT, signature, both, valid_time).chain[-1] == other_ca.root_cert
    with pytest.raises(errors.ChainUntrusted):
        verify_detached(CONTENT, signature, demo_ca.trust_store(), valid_time)


# --- each error code ---


def test_garbage_is_signature_malformed(trust: TrustStore, valid_time: dt.datetime) -> None:
    """Bytes that are not DER CMS fail as signature_malformed."""
    with pytest.raises(errors.SignatureMalformed) as caught:
        verify_detached(CONTENT, b"\x30\x03\x02\x01", trust, valid_time)
    assert caught.value.code == "signature_malformed"


def test_attached_signature_is_malformed(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """The profile is detached: a SignedData embedding its content is refused."""
    attached = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(bidder.certificate, bidder.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with pytest.raises(errors.SignatureMalformed):
        verify_detached(CONTENT, attached, trust, valid_time)


def test_two_signers_are_malformed(
    bidder: Identity, officials: tuple[Identity, ...], trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A signature must have exactly one SignerInfo."""
    official = officials[0]
    signature = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(bidder.certificate, bidder.key, hashes.SHA256())
        .add_signer(official.certificate, official.key, hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )
    with pytest.raises(errors.SignatureMalformed):
        verify_detached(CONTENT, signature, trust, valid_time)


def test_signature_without_signed_attributes_is_malformed(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """The profile requires signed attributes (content type, message digest)."""
    options = [
        pkcs7.PKCS7Options.DetachedSignature,
        pkcs7.PKCS7Options.Binary,
        pkcs7.PKCS7Options.NoAttributes,
    ]
    signature = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(bidder.certificate, bidder.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, options)
    )
    with pytest.raises(errors.SignatureMalformed):
        verify_detached(CONTENT, signature, trust, valid_time)


def test_tampered_content_is_content_digest_mismatch(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """Changing one byte of the content fails as content_digest_mismatch."""
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key, chain=bidder.chain)
    with pytest.raises(errors.ContentDigestMismatch) as caught:
        verify_detached(CONTENT + b"!", signature, trust, valid_time)
    assert caught.value.code == "content_digest_mismatch"


@pytest.mark.parametrize(("algorithm", "pss", "name"), ALGORITHMS)
def test_tampered_signature_value_is_signature_invalid(
    issue_user: IssueUser,
    trust: TrustStore,
    valid_time: dt.datetime,
    algorithm: KeyAlgorithm,
    pss: bool,
    name: str,
) -> None:
    """Changing the signature value fails as signature_invalid."""
    user = issue_user("签名人", algorithm=algorithm)
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain, rsa_pss=pss)
    tampered = _rewrite(signature, _flip_signature_value)
    with pytest.raises(errors.SignatureInvalid) as caught:
        verify_detached(CONTENT, tampered, trust, valid_time)
    assert caught.value.code == "signature_invalid"


def test_swapped_message_digest_attribute_is_signature_invalid(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """Signed attributes are covered by the signature: rewriting the digest breaks it."""
    other = b"another manifest"

    def swap_digest(signer_info: asn1_cms.SignerInfo) -> None:
        for attribute in signer_info["signed_attrs"]:
            if attribute["type"].native == "message_digest":
                attribute["values"] = [hashlib.sha256(other).digest()]

    signature = sign_detached(CONTENT, bidder.certificate, bidder.key, chain=bidder.chain)
    with pytest.raises(errors.SignatureInvalid):
        verify_detached(other, _rewrite(signature, swap_digest), trust, valid_time)


def test_signature_without_signer_certificate_is_signer_unknown(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A SignedData that does not carry its signer's certificate fails as signer_unknown."""
    options = [
        pkcs7.PKCS7Options.DetachedSignature,
        pkcs7.PKCS7Options.Binary,
        pkcs7.PKCS7Options.NoCerts,
    ]
    signature = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(bidder.certificate, bidder.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, options)
    )
    with pytest.raises(errors.SignerUnknown) as caught:
        verify_detached(CONTENT, signature, trust, valid_time)
    assert caught.value.code == "signer_unknown"


def test_sha512_digest_is_algorithm_unsupported(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """The profile is SHA-256 only."""
    signature = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(bidder.certificate, bidder.key, hashes.SHA512())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )
    with pytest.raises(errors.AlgorithmUnsupported) as caught:
        verify_detached(CONTENT, signature, trust, valid_time)
    assert caught.value.code == "algorithm_unsupported"


def test_p384_signer_key_is_algorithm_unsupported(
    demo_ca: DemoCA, trust: TrustStore, ca_time: dt.datetime, valid_time: dt.datetime
) -> None:
    """ECDSA signers must use P-256."""
    key = ec.generate_private_key(ec.SECP384R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "P-384")]))
        .issuer_name(demo_ca.issuing_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ca_time)
        .not_valid_after(ca_time + dt.timedelta(days=365))
        .sign(demo_ca.issuing_key, hashes.SHA256())
    )
    signature = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(cert, key, hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )
    with pytest.raises(errors.AlgorithmUnsupported):
        verify_detached(CONTENT, signature, trust, valid_time)


def test_signer_expired_at_time_is_certificate_expired(
    issue_user: IssueUser, trust: TrustStore, ca_time: dt.datetime
) -> None:
    """A signature checked after its certificate's notAfter fails as certificate_expired."""
    user = issue_user("短期证书", valid_for=dt.timedelta(days=10))
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain)
    assert verify_detached(CONTENT, signature, trust, ca_time + dt.timedelta(days=9))
    with pytest.raises(errors.CertificateExpired) as caught:
        verify_detached(CONTENT, signature, trust, ca_time + dt.timedelta(days=11))
    assert caught.value.code == "certificate_expired"


def test_signer_before_not_before_is_certificate_not_yet_valid(
    issue_user: IssueUser, trust: TrustStore, ca_time: dt.datetime
) -> None:
    """A signature checked before its certificate's notBefore fails as not yet valid."""
    user = issue_user("未来证书", now=ca_time + dt.timedelta(days=5))
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain)
    with pytest.raises(errors.CertificateNotYetValid) as caught:
        verify_detached(CONTENT, signature, trust, ca_time + dt.timedelta(days=4))
    assert caught.value.code == "certificate_not_yet_valid"


def test_signer_revoked_before_time_is_certificate_revoked(
    demo_ca: DemoCA, issue_user: IssueUser, ca_time: dt.datetime
) -> None:
    """A revocation dated before the validation time refuses the signature."""
    user = issue_user("被吊销")
    revoked_at = ca_time + dt.timedelta(days=3)
    crl = issue_crl(
        demo_ca,
        revocations=[Revocation(serial=user.certificate.serial_number, revoked_at=revoked_at)],
        now=revoked_at,
    )
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain)
    with pytest.raises(errors.CertificateRevoked) as caught:
        verify_detached(CONTENT, signature, demo_ca.trust_store([crl]), revoked_at)
    assert caught.value.code == "certificate_revoked"


def test_revocation_after_time_does_not_invalidate_signature(
    demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """Trust model 2: revoking after the receipt time cannot undo a bid signed before."""
    later = valid_time + dt.timedelta(seconds=1)
    crl = issue_crl(
        demo_ca,
        revocations=[Revocation(serial=bidder.certificate.serial_number, revoked_at=later)],
        now=later,
    )
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key, chain=bidder.chain)
    info = verify_detached(CONTENT, signature, demo_ca.trust_store([crl]), valid_time)
    assert info.certificate == bidder.certificate


def test_signer_from_unknown_ca_is_chain_untrusted(
    other_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """A signer whose chain ends at no trusted root fails as chain_untrusted."""
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key, chain=bidder.chain)
    with pytest.raises(errors.ChainUntrusted) as caught:
        verify_detached(CONTENT, signature, other_ca.trust_store(), valid_time)
    assert caught.value.code == "chain_untrusted"


def test_naive_validation_time_is_refused(bidder: Identity, trust: TrustStore) -> None:
    """Time is timezone-aware UTC: a naive datetime is refused."""
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key)
    with pytest.raises(errors.TimeNotAware):
        verify_detached(CONTENT, signature, trust, dt.datetime(2025, 2, 1))


def test_signing_with_a_key_of_another_certificate_is_refused(
    bidder: Identity, officials: tuple[Identity, ...]
) -> None:
    """sign_detached refuses a key that does not match the certificate."""
    with pytest.raises(errors.SignerUnknown):
        sign_detached(CONTENT, bidder.certificate, officials[0].key)


def test_rsa_pss_with_an_ec_key_is_refused(bidder: Identity) -> None:
    """RSA-PSS is only for RSA keys."""
    with pytest.raises(errors.AlgorithmUnsupported):
        sign_detached(CONTENT, bidder.certificate, bidder.key, rsa_pss=True)


# --- interop with OpenSSL (the independent implementation) ---


def _write_pki(tmp_path: Path, demo_ca: DemoCA, user: Identity) -> None:
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(demo_ca.root_cert))
    (tmp_path / "intermediate.pem").write_bytes(dump_pem_certificate(demo_ca.issuing_cert))
    (tmp_path / "bundle.pem").write_bytes(
        dump_pem_certificate(demo_ca.root_cert) + dump_pem_certificate(demo_ca.issuing_cert)
    )
    (tmp_path / "signer.pem").write_bytes(dump_pem_certificate(user.certificate))
    (tmp_path / "signer.key").write_bytes(dump_pem_private_key(user.key))
    (tmp_path / "content.bin").write_bytes(CONTENT)


def _openssl_verify(
    openssl: OpenSSL, tmp_path: Path, signature: bytes, at: dt.datetime, cafile: str = "root.pem"
) -> int:
    (tmp_path / "signature.p7s").write_bytes(signature)
    result = openssl(
        "cms", "-verify", "-binary", "-inform", "DER",
        "-in", str(tmp_path / "signature.p7s"),
        "-content", str(tmp_path / "content.bin"),
        "-CAfile", str(tmp_path / cafile),
        "-attime", str(int(at.timestamp())),
        "-out", str(tmp_path / "verified.bin"),
    )  # fmt: skip
    return result.returncode


@pytest.mark.parametrize(("algorithm", "pss", "name"), ALGORITHMS)
def test_openssl_verifies_our_signature(
    openssl: OpenSSL,
    tmp_path: Path,
    demo_ca: DemoCA,
    issue_user: IssueUser,
    valid_time: dt.datetime,
    algorithm: KeyAlgorithm,
    pss: bool,
    name: str,
) -> None:
    """`openssl cms -verify -binary` accepts our signature with the chain embedded."""
    user = issue_user("互通", algorithm=algorithm)
    _write_pki(tmp_path, demo_ca, user)
    signature = sign_detached(CONTENT, user.certificate, user.key, chain=user.chain, rsa_pss=pss)
    assert _openssl_verify(openssl, tmp_path, signature, valid_time) == 0
    assert (tmp_path / "verified.bin").read_bytes() == CONTENT


def test_openssl_verifies_signature_without_chain_given_a_ca_bundle(
    openssl: OpenSSL, tmp_path: Path, demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """Without an embedded chain, OpenSSL needs the intermediate in -CAfile."""
    _write_pki(tmp_path, demo_ca, bidder)
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key)
    assert _openssl_verify(openssl, tmp_path, signature, valid_time, "bundle.pem") == 0
    assert _openssl_verify(openssl, tmp_path, signature, valid_time, "root.pem") != 0


def test_openssl_refuses_our_signature_over_tampered_content_or_value(
    openssl: OpenSSL, tmp_path: Path, demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """Tampering the content or the signature value fails OpenSSL's verification too."""
    _write_pki(tmp_path, demo_ca, bidder)
    signature = sign_detached(CONTENT, bidder.certificate, bidder.key, chain=bidder.chain)
    assert _openssl_verify(openssl, tmp_path, signature, valid_time) == 0
    tampered_value = _rewrite(signature, _flip_signature_value)
    assert _openssl_verify(openssl, tmp_path, tampered_value, valid_time) != 0
    (tmp_path / "content.bin").write_bytes(CONTENT + b"!")
    assert _openssl_verify(openssl, tmp_path, signature, valid_time) != 0


def _openssl_sign(openssl: OpenSSL, tmp_path: Path, *extra: str) -> bytes:
    result = openssl(
        "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256",
        "-in", str(tmp_path / "content.bin"),
        "-signer", str(tmp_path / "signer.pem"),
        "-inkey", str(tmp_path / "signer.key"),
        "-certfile", str(tmp_path / "intermediate.pem"),
        "-out", str(tmp_path / "openssl.p7s"),
        *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return (tmp_path / "openssl.p7s").read_bytes()


@pytest.mark.parametrize(
    ("algorithm", "extra", "name"),
    [
        (KeyAlgorithm.ECDSA_P256, (), "ecdsa-p256-sha256"),
        (KeyAlgorithm.RSA_2048, (), "rsa-pkcs1v15-sha256"),
        (KeyAlgorithm.RSA_3072, ("-keyopt", "rsa_padding_mode:pss"), "rsa-pss-sha256"),
    ],
)
def test_we_verify_openssl_detached_signature(
    openssl: OpenSSL,
    tmp_path: Path,
    demo_ca: DemoCA,
    issue_user: IssueUser,
    trust: TrustStore,
    valid_time: dt.datetime,
    algorithm: KeyAlgorithm,
    extra: tuple[str, ...],
    name: str,
) -> None:
    """A detached signature made by `openssl cms -sign -binary` verifies with ours."""
    user = issue_user("OpenSSL 签名人", algorithm=algorithm)
    _write_pki(tmp_path, demo_ca, user)
    signature = _openssl_sign(openssl, tmp_path, *extra)
    info = verify_detached(CONTENT, signature, trust, valid_time)
    assert info.certificate == user.certificate
    assert info.signature_algorithm == name


def test_we_refuse_openssl_signature_over_tampered_content_or_value(
    openssl: OpenSSL,
    tmp_path: Path,
    demo_ca: DemoCA,
    bidder: Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """Tampering an OpenSSL-made signature's content or value fails our verification."""
    _write_pki(tmp_path, demo_ca, bidder)
    signature = _openssl_sign(openssl, tmp_path)
    with pytest.raises(errors.ContentDigestMismatch):
        verify_detached(CONTENT[:-1], signature, trust, valid_time)
    with pytest.raises(errors.SignatureInvalid):
        verify_detached(CONTENT, _rewrite(signature, _flip_signature_value), trust, valid_time)


def test_error_codes_match_the_documented_table() -> None:
    """The codes are public interface (docs/formats/signatures.md): they never change."""
    documented = Path(__file__).parents[2] / "docs" / "formats" / "signatures.md"
    text = documented.read_text(encoding="utf-8")
    for error in (
        errors.SignatureMalformed,
        errors.ContentDigestMismatch,
        errors.SignatureInvalid,
        errors.SignerUnknown,
        errors.CertificateExpired,
        errors.CertificateNotYetValid,
        errors.CertificateRevoked,
        errors.ChainUntrusted,
        errors.AlgorithmUnsupported,
        errors.StatementMalformed,
        errors.StatementTypeMismatch,
        errors.RecipientStatementMismatch,
        errors.LoginSignerMismatch,
        errors.LoginChallengeExpired,
        errors.CreditCodeInvalid,
        errors.CertificateMalformed,
        errors.TimeNotAware,
    ):
        assert f"| `{error.code}` | `{error.__name__}` |" in text


def test_we_verify_openssl_signature_naming_signer_by_key_identifier(
    openssl: OpenSSL,
    tmp_path: Path,
    demo_ca: DemoCA,
    bidder: Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """A SignerInfo identifying its signer by subjectKeyIdentifier (-keyid) verifies."""
    _write_pki(tmp_path, demo_ca, bidder)
    signature = _openssl_sign(openssl, tmp_path, "-keyid")
    sid = asn1_cms.ContentInfo.load(signature)["content"]["signer_infos"][0]["sid"]
    assert sid.name == "subject_key_identifier"
    assert verify_detached(CONTENT, signature, trust, valid_time).certificate == bidder.certificate


def test_rsa_pss_with_sha1_mask_generation_is_algorithm_unsupported(
    openssl: OpenSSL,
    tmp_path: Path,
    demo_ca: DemoCA,
    issue_user: IssueUser,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """RSA-PSS parameters must say MGF1 with SHA-256."""
    user = issue_user("PSS", algorithm=KeyAlgorithm.RSA_2048)
    _write_pki(tmp_path, demo_ca, user)
    signature = _openssl_sign(
        openssl, tmp_path, "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_mgf1_md:sha1"
    )
    with pytest.raises(errors.AlgorithmUnsupported):
        verify_detached(CONTENT, signature, trust, valid_time)
