"""Certificates: the profile, the demo CA, chains, several trusted CAs and revocation."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from signing import errors
from signing.certs import (
    Identity,
    KeyAlgorithm,
    cert_sha256,
    dump_pem_certificate,
    dump_pem_crl,
    dump_pem_private_key,
    load_crl,
    load_pem_certificate,
    load_pem_certificates,
    load_pem_private_key,
    subject_credit_code,
    subject_name,
    validate_credit_code,
)
from signing.demo_ca import (
    DemoCA,
    Revocation,
    create_demo_ca,
    issue_certificate,
    issue_crl,
    issue_identity,
)
from signing.trust import TrustStore, verify_chain
from tests.signing.conftest import BIDDER_CREDIT_CODE, IssueUser, OpenSSL

# Published codes of real organisations (independent of our checksum code).
REAL_CREDIT_CODES = ("91350100M000100Y43", "91110000802100433B", "9144030071526726XG")


def _revoke(ca: DemoCA, cert: x509.Certificate, at: dt.datetime) -> x509.CertificateRevocationList:
    revocation = Revocation(serial=cert.serial_number, revoked_at=at)
    return issue_crl(ca, revocations=[revocation], now=at)


# --- the certificate profile ---


def test_signing_certificate_carries_name_credit_code_and_signing_key_usage(
    bidder: Identity,
) -> None:
    """A user certificate: CN name, serialNumber credit code, digitalSignature+nonRepudiation."""
    cert = bidder.certificate
    assert subject_name(cert) == "厦门示例建设有限公司"
    assert subject_credit_code(cert) == BIDDER_CREDIT_CODE
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_person_certificate_has_no_credit_code(issue_user: IssueUser) -> None:
    """Without an organisation the subject has no serialNumber."""
    person = issue_user("李四")
    assert subject_credit_code(person.certificate) is None
    assert person.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER) == []


@pytest.mark.parametrize(
    ("algorithm", "key_type", "size"),
    [
        (KeyAlgorithm.ECDSA_P256, ec.EllipticCurvePublicKey, 256),
        (KeyAlgorithm.RSA_2048, rsa.RSAPublicKey, 2048),
        (KeyAlgorithm.RSA_3072, rsa.RSAPublicKey, 3072),
    ],
)
def test_each_key_algorithm_issues_a_verifiable_certificate(
    issue_user: IssueUser,
    trust: TrustStore,
    valid_time: dt.datetime,
    algorithm: KeyAlgorithm,
    key_type: type,
    size: int,
) -> None:
    """ECDSA P-256, RSA 2048 and RSA 3072 certificates all chain to the demo root."""
    user = issue_user("算法", algorithm=algorithm)
    public_key = user.certificate.public_key()
    assert isinstance(public_key, key_type)
    assert isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey)
    assert public_key.key_size == size
    assert len(verify_chain(user.certificate, trust, valid_time)) == 3


def test_demo_ca_is_labelled_demo_only(demo_ca: DemoCA) -> None:
    """Both demo CA certificates say DEMO ONLY in their subject."""
    for cert in (demo_ca.root_cert, demo_ca.issuing_cert):
        assert "DEMO ONLY" in cert.subject.rfc4514_string()


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_are_accepted(code: str) -> None:
    """Published unified social credit codes pass the GB 32100-2015 check."""
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    "code", ["91350100M000100Y44", "91350100M000100Y4", "91350100I000100Y43", "abc"]
)
def test_malformed_credit_code_is_refused(issue_user: IssueUser, code: str) -> None:
    """A wrong check character, length or character (I is excluded) is refused."""
    with pytest.raises(errors.CreditCodeInvalid) as caught:
        issue_user("坏代码", org_credit_code=code)
    assert caught.value.code == "credit_code_invalid"


def test_weak_keys_are_refused_at_issuance(demo_ca: DemoCA, ca_time: dt.datetime) -> None:
    """Only P-256 and RSA >= 2048 keys get a certificate."""
    for key in (ec.generate_private_key(ec.SECP384R1()), rsa.generate_private_key(65537, 1024)):
        with pytest.raises(errors.CertificateMalformed):
            issue_certificate(demo_ca, name="弱", public_key=key.public_key(), now=ca_time)


def test_cert_sha256_is_the_hash_of_der(bidder: Identity) -> None:
    """cert_sha256 is the lowercase hex SHA-256 of the DER encoding."""
    der = bidder.certificate.public_bytes(serialization.Encoding.DER)
    assert cert_sha256(bidder.certificate) == hashlib.sha256(der).hexdigest()


# --- chains and validity ---


def test_chain_inside_validity_runs_leaf_to_root(
    demo_ca: DemoCA, bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """verify_chain returns leaf, issuing CA, root."""
    chain = verify_chain(bidder.certificate, trust, valid_time)
    assert chain == (bidder.certificate, demo_ca.issuing_cert, demo_ca.root_cert)


def test_chain_before_not_before_is_not_yet_valid(
    bidder: Identity, trust: TrustStore, ca_time: dt.datetime
) -> None:
    """One second before issuance the certificate is not yet valid."""
    with pytest.raises(errors.CertificateNotYetValid):
        verify_chain(bidder.certificate, trust, ca_time - dt.timedelta(seconds=1))


def test_chain_after_not_after_is_expired(bidder: Identity, trust: TrustStore) -> None:
    """One second after notAfter the certificate has expired."""
    after = bidder.certificate.not_valid_after_utc + dt.timedelta(seconds=1)
    with pytest.raises(errors.CertificateExpired):
        verify_chain(bidder.certificate, trust, after)


def test_chain_to_an_unknown_root_is_untrusted(
    other_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """A certificate of another, untrusted CA fails as chain_untrusted."""
    with pytest.raises(errors.ChainUntrusted):
        verify_chain(bidder.certificate, other_ca.trust_store(), valid_time)


def test_caller_supplied_intermediate_completes_the_chain(
    demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """With only the root trusted, the intermediate must come from the caller."""
    root_only = TrustStore(roots=(demo_ca.root_cert,))
    with pytest.raises(errors.ChainUntrusted):
        verify_chain(bidder.certificate, root_only, valid_time)
    chain = verify_chain(bidder.certificate, root_only, valid_time, bidder.chain)
    assert chain[-1] == demo_ca.root_cert


def test_two_trusted_cas_each_verify_their_own_users(
    demo_ca: DemoCA, other_ca: DemoCA, bidder: Identity, ca_time: dt.datetime
) -> None:
    """Cross-CA recognition: one store trusts both roots, even with look-alike CA names."""
    foreign = issue_identity(other_ca, name="异地专家", now=ca_time)
    both = demo_ca.trust_store().merged(other_ca.trust_store())
    at = ca_time + dt.timedelta(days=1)
    assert verify_chain(bidder.certificate, both, at)[-1] == demo_ca.root_cert
    assert verify_chain(foreign.certificate, both, at)[-1] == other_ca.root_cert


def test_ca_certificate_cannot_be_a_signer(
    demo_ca: DemoCA, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """An issuing CA certificate is not a document-signing certificate."""
    with pytest.raises(errors.ChainUntrusted):
        verify_chain(demo_ca.issuing_cert, trust, valid_time)


def test_certificate_without_signing_key_usage_is_untrusted(
    demo_ca: DemoCA, trust: TrustStore, ca_time: dt.datetime, valid_time: dt.datetime
) -> None:
    """A key-encipherment-only certificate cannot sign documents."""
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "encryption only")]))
        .issuer_name(demo_ca.issuing_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ca_time)
        .not_valid_after(ca_time + dt.timedelta(days=365))
        .add_extension(usage, critical=True)
        .sign(demo_ca.issuing_key, hashes.SHA256())
    )
    with pytest.raises(errors.ChainUntrusted):
        verify_chain(cert, trust, valid_time)


def test_naive_time_is_refused(bidder: Identity, trust: TrustStore) -> None:
    """verify_chain and create_demo_ca refuse naive datetimes."""
    naive = dt.datetime(2025, 2, 1)
    with pytest.raises(errors.TimeNotAware):
        verify_chain(bidder.certificate, trust, naive)
    with pytest.raises(errors.TimeNotAware):
        create_demo_ca(now=naive)


def test_trust_store_without_roots_is_refused() -> None:
    """A trust store must trust at least one root."""
    with pytest.raises(errors.ChainUntrusted):
        TrustStore(roots=())


# --- revocation ---


def test_revocation_dated_before_time_refuses_the_certificate(
    demo_ca: DemoCA, issue_user: IssueUser, ca_time: dt.datetime
) -> None:
    """A CRL entry dated before the validation time revokes the certificate."""
    user = issue_user("被吊销")
    crl = _revoke(demo_ca, user.certificate, ca_time + dt.timedelta(days=2))
    with pytest.raises(errors.CertificateRevoked):
        verify_chain(user.certificate, demo_ca.trust_store([crl]), ca_time + dt.timedelta(days=3))


def test_revocation_exactly_at_time_counts(
    demo_ca: DemoCA, issue_user: IssueUser, ca_time: dt.datetime
) -> None:
    """'At or before': a revocation dated exactly at the validation time counts."""
    user = issue_user("同时吊销")
    at = ca_time + dt.timedelta(days=2)
    with pytest.raises(errors.CertificateRevoked):
        verify_chain(
            user.certificate, demo_ca.trust_store([_revoke(demo_ca, user.certificate, at)]), at
        )


def test_revocation_after_the_deadline_does_not_invalidate(
    demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """Trust model 2: a bidder revoking after the deadline cannot escape its bid."""
    crl = _revoke(demo_ca, bidder.certificate, valid_time + dt.timedelta(hours=1))
    chain = verify_chain(bidder.certificate, demo_ca.trust_store([crl]), valid_time)
    assert chain[0] == bidder.certificate


def test_crl_signed_by_another_key_is_ignored(
    demo_ca: DemoCA, other_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """A CRL with the issuing CA's name but another CA's key revokes nothing."""
    forged = _revoke(other_ca, bidder.certificate, valid_time - dt.timedelta(days=1))
    assert forged.issuer == demo_ca.issuing_cert.subject
    chain = verify_chain(bidder.certificate, demo_ca.trust_store([forged]), valid_time)
    assert chain[0] == bidder.certificate


def test_revoked_issuing_ca_invalidates_its_users(
    demo_ca: DemoCA, bidder: Identity, ca_time: dt.datetime, valid_time: dt.datetime
) -> None:
    """A root CRL revoking the issuing CA revokes every chain through it."""
    entry = (
        x509.RevokedCertificateBuilder()
        .serial_number(demo_ca.issuing_cert.serial_number)
        .revocation_date(ca_time + dt.timedelta(days=1))
        .build()
    )
    root_crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(demo_ca.root_cert.subject)
        .last_update(ca_time + dt.timedelta(days=1))
        .next_update(ca_time + dt.timedelta(days=100))
        .add_revoked_certificate(entry)
        .sign(demo_ca.root_key, hashes.SHA256())
    )
    with pytest.raises(errors.CertificateRevoked):
        verify_chain(bidder.certificate, demo_ca.trust_store([root_crl]), valid_time)


# --- serialisation ---


def test_pem_round_trips_certificates_keys_and_crls(
    demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """PEM dump and load give back the same certificate, key and CRL."""
    cert_pem = dump_pem_certificate(bidder.certificate)
    assert load_pem_certificate(cert_pem) == bidder.certificate
    chain_pem = cert_pem + dump_pem_certificate(demo_ca.issuing_cert)
    assert load_pem_certificates(chain_pem) == (bidder.certificate, demo_ca.issuing_cert)
    key = load_pem_private_key(dump_pem_private_key(bidder.key))
    assert key.public_key() == bidder.key.public_key()
    crl = _revoke(demo_ca, bidder.certificate, valid_time)
    assert load_crl(dump_pem_crl(crl)) == crl
    assert load_crl(crl.public_bytes(serialization.Encoding.DER)) == crl


def test_garbage_pem_is_certificate_malformed() -> None:
    """Bytes that are not PEM certificates, keys or CRLs fail as certificate_malformed."""
    for load in (load_pem_certificate, load_pem_private_key, load_crl):
        with pytest.raises(errors.CertificateMalformed):
            load(b"-----BEGIN NOTHING-----\n-----END NOTHING-----\n")


def test_p384_private_key_is_refused_on_load() -> None:
    """Only profile keys load: an ECDSA P-384 key is refused."""
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(errors.CertificateMalformed):
        load_pem_private_key(pem)


def test_openssl_verifies_the_demo_chain(
    openssl: OpenSSL, tmp_path: Path, demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """`openssl verify` accepts the demo CA's chain for a signing certificate."""
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(demo_ca.root_cert))
    (tmp_path / "issuing.pem").write_bytes(dump_pem_certificate(demo_ca.issuing_cert))
    (tmp_path / "leaf.pem").write_bytes(dump_pem_certificate(bidder.certificate))
    result = openssl(
        "verify", "-CAfile", str(tmp_path / "root.pem"),
        "-untrusted", str(tmp_path / "issuing.pem"),
        "-attime", str(int(valid_time.timestamp())),
        "-purpose", "smimesign",
        str(tmp_path / "leaf.pem"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_subject_with_two_credit_codes_speaks_for_no_organisation() -> None:
    """Two serialNumber attributes are ambiguous: no credit code (signatures.md §2)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "两个代码"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, BIDDER_CREDIT_CODE),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "91110000600037341L"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    assert subject_credit_code(cert) is None


def test_a_refused_chain_says_why_in_words_never_the_library_text(
    demo_ca: DemoCA, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A CA certificate as a signer, or one from an untrusted CA: the message names the
    rule, not the verifier's internals."""
    with pytest.raises(errors.ChainUntrusted) as caught:
        verify_chain(demo_ca.issuing_cert, trust, valid_time)
    assert "CA certificate" in caught.value.message
    stranger = create_demo_ca(now=valid_time - dt.timedelta(days=1))
    leaf = issue_identity(stranger, name="丙", now=valid_time - dt.timedelta(hours=1))
    with pytest.raises(errors.ChainUntrusted) as untrusted:
        verify_chain(leaf.certificate, trust, valid_time)
    assert "not issued by a CA this platform trusts" in untrusted.value.message
    for message in (caught.value.message, untrusted.value.message):
        assert "validator" not in message
        assert "Python" not in message
