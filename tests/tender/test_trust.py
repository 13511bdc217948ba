"""The server's trust store from <data dir>/trust: roots, intermediates, CRLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from signing.certs import DemoCA, dump_pem_certificate, dump_pem_crl, issue_crl
from tender.errors import TrustStoreInvalid, TrustStoreMissing
from tender.trust import load_trust_store, optional_trust_store


def test_self_signed_certificates_are_roots_the_others_intermediates(
    tmp_path: Path, rule_ca: DemoCA
) -> None:
    """One bundle may hold both; CRLs are read too."""
    trust = tmp_path / "trust"
    trust.mkdir()
    bundle = dump_pem_certificate(rule_ca.root_cert) + dump_pem_certificate(rule_ca.issuing_cert)
    (trust / "demo.pem").write_bytes(bundle)
    crl = issue_crl(rule_ca, revocations=(), now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    (trust / "demo.crl").write_bytes(dump_pem_crl(crl))
    (trust / "README.txt").write_text("ignored")
    store = load_trust_store(trust)
    assert store.roots == (rule_ca.root_cert,)
    assert store.intermediates == (rule_ca.issuing_cert,)
    assert len(store.crls) == 1
    assert optional_trust_store(tmp_path) == store


def test_no_root_is_missing_and_a_broken_file_is_invalid(tmp_path: Path, rule_ca: DemoCA) -> None:
    """Without a root nothing can be verified; a malformed file is never skipped silently."""
    assert optional_trust_store(tmp_path) is None
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "issuing.pem").write_bytes(dump_pem_certificate(rule_ca.issuing_cert))
    with pytest.raises(TrustStoreMissing):
        load_trust_store(trust)
    (trust / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nnope\n")
    with pytest.raises(TrustStoreInvalid):
        optional_trust_store(tmp_path)
