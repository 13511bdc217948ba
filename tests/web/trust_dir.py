"""Trusting a CA the way an operator does: its certificates in ``<data dir>/trust``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signing.certs import dump_pem_certificate, dump_pem_crl
from signing.demo_ca import DemoCA, Revocation, issue_crl

TRUST = "trust"


def trust_ca(data_dir: Path, ca: DemoCA, name: str = "demo") -> None:
    """Put ``ca``'s root and issuing certificate in the data dir's trust store."""
    trust = data_dir / TRUST
    trust.mkdir(parents=True, exist_ok=True)
    (trust / f"{name}-root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / f"{name}-issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))


def publish_crl(
    data_dir: Path, ca: DemoCA, revoked: dict[int, dt.datetime], now: dt.datetime
) -> None:
    """Drop the CA's CRL listing ``revoked`` (serial → time) in the trust store, as an
    operator does with the CA's published CRL (``etender ca crl --out …``)."""
    revocations = [Revocation(serial=s, revoked_at=at) for s, at in revoked.items()]
    crl = issue_crl(ca, revocations=revocations, now=now)
    trust = data_dir / TRUST
    trust.mkdir(parents=True, exist_ok=True)
    staged = trust / "demo.crl.partial"  # written aside, then renamed: never read half-done
    staged.write_bytes(dump_pem_crl(crl))
    staged.rename(trust / "demo.crl")
