"""The server's trust store from <data dir>/trust: roots, intermediates, CRLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from signing.certs import dump_pem_certificate, dump_pem_crl, load_pem_certificate
from signing.demo_ca import DemoCA, issue_crl
from signing.errors import CertificateRevoked
from signing.trust import verify_chain
from tender.errors import TrustStoreInvalid, TrustStoreMissing
from tender.trust import TRUST_DIR, PlatformTrust, load_trust_store, optional_trust_store
from web.cli.main import main


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


class _Clock:
    """A monotonic clock the test moves (no test waits for real time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _trust_dir(data_dir: Path, ca: DemoCA) -> Path:
    trust = data_dir / TRUST_DIR
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    return trust


def test_the_platform_store_rereads_the_directory_when_its_listing_changes(
    tmp_path: Path, rule_ca: DemoCA
) -> None:
    """No root: None (require says missing); a root dropped in or a CRL added applies to
    the next use; an unchanged directory is not re-read within the refresh bound."""
    clock = _Clock()
    trust = PlatformTrust(tmp_path, refresh_seconds=5.0, clock=clock)
    assert trust.current() is None
    with pytest.raises(TrustStoreMissing):
        trust.require()
    directory = _trust_dir(tmp_path, rule_ca)
    first = trust.require()
    assert first.roots == (rule_ca.root_cert,)
    assert trust.current() is first  # unchanged, fresh: the loaded store
    crl = issue_crl(rule_ca, revocations=(), now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    (directory / "demo.crl").write_bytes(dump_pem_crl(crl))
    assert trust.require().crls == (crl,)


def test_a_change_the_listing_cannot_show_applies_within_the_refresh_bound(
    tmp_path: Path, rule_ca: DemoCA
) -> None:
    """The store is re-read once it is ``refresh_seconds`` old, whatever the listing says."""
    clock = _Clock()
    _trust_dir(tmp_path, rule_ca)
    trust = PlatformTrust(tmp_path, refresh_seconds=5.0, clock=clock)
    loaded = trust.current()
    clock.now = 4.9
    assert trust.current() is loaded
    clock.now = 5.0
    reread = trust.current()
    assert reread is not loaded
    assert reread == loaded


def test_a_malformed_file_fails_every_use_until_fixed(tmp_path: Path, rule_ca: DemoCA) -> None:
    """Never the previous store: it could lack the revocation the new file brings."""
    directory = _trust_dir(tmp_path, rule_ca)
    trust = PlatformTrust(tmp_path, refresh_seconds=5.0, clock=_Clock())
    (directory / "new.crl").write_text("not a CRL")
    for _ in range(2):
        with pytest.raises(TrustStoreInvalid):
            trust.current()
    (directory / "new.crl").unlink()
    assert trust.require().roots == (rule_ca.root_cert,)


def test_a_malformed_file_stops_the_start(tmp_path: Path, rule_ca: DemoCA) -> None:
    """Built before the first request: a broken trust directory is an error at start."""
    (_trust_dir(tmp_path, rule_ca) / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    with pytest.raises(TrustStoreInvalid):
        PlatformTrust(tmp_path, refresh_seconds=5.0)


def test_a_revocation_by_the_ca_commands_refuses_the_next_verification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`etender ca revoke` then `etender ca crl --out <data dir>/trust/…`: the running
    store refuses the certificate at its next use (and no partial file is left)."""
    ca_dir, data_dir = tmp_path / "ca", tmp_path / "data"
    assert main(["ca", "init", "--dir", str(ca_dir)]) == 0
    issue = ["ca", "issue", "--dir", str(ca_dir), "--name", "甲", "--out", str(tmp_path / "u")]
    assert main(issue) == 0
    trust_dir = data_dir / TRUST_DIR
    trust_dir.mkdir(parents=True)
    for name in ("root.crt", "issuing.crt"):
        (trust_dir / name).write_bytes((ca_dir / name).read_bytes())
    cert = load_pem_certificate((tmp_path / "u.crt").read_bytes())
    trust = PlatformTrust(data_dir, refresh_seconds=3600.0)
    at = cert.not_valid_before_utc + dt.timedelta(minutes=1)
    verify_chain(cert, trust.require(), at)
    when = cert.not_valid_before_utc.isoformat().replace("+00:00", "Z")
    serial = f"{cert.serial_number:x}"
    assert main(["ca", "revoke", "--dir", str(ca_dir), "--serial", serial, "--at", when]) == 0
    assert main(["ca", "crl", "--dir", str(ca_dir), "--out", str(trust_dir / "demo.crl")]) == 0
    capsys.readouterr()
    with pytest.raises(CertificateRevoked):
        verify_chain(cert, trust.require(), at)
    assert sorted(p.name for p in trust_dir.iterdir()) == ["demo.crl", "issuing.crt", "root.crt"]
