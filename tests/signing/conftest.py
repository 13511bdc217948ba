"""Shared signing fixtures: a demo CA, a second CA, a bidder and opening officials.

Certificates are issued at ``CA_TIME`` (fixed, so tests do not depend on the clock);
``valid_time`` is a moment at which every fixture certificate is valid.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from typing import Protocol

import pytest

from signing.certs import Identity, KeyAlgorithm
from signing.demo_ca import USER_VALIDITY, DemoCA, create_demo_ca, issue_identity
from signing.trust import TrustStore

CA_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
BIDDER_CREDIT_CODE = "91350100M000100Y43"
OFFICIAL_CREDIT_CODES = ("91110000802100433B", "9144030071526726XG")


class IssueUser(Protocol):
    """Issue a signing identity from the demo CA."""

    def __call__(
        self,
        name: str,
        *,
        org_credit_code: str | None = None,
        algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256,
        now: dt.datetime = CA_TIME,
        valid_for: dt.timedelta = USER_VALIDITY,
    ) -> Identity: ...


@pytest.fixture(scope="session")
def ca_time() -> dt.datetime:
    """When the fixture CAs and users' certificates were issued."""
    return CA_TIME


@pytest.fixture(scope="session")
def valid_time() -> dt.datetime:
    """A time at which every fixture certificate is valid."""
    return CA_TIME + dt.timedelta(days=30)


@pytest.fixture(scope="session")
def demo_ca() -> DemoCA:
    """The demo CA (root and issuing CA)."""
    return create_demo_ca(now=CA_TIME)


@pytest.fixture(scope="session")
def other_ca() -> DemoCA:
    """A second, independent CA (cross-CA recognition), with RSA keys."""
    return create_demo_ca(now=CA_TIME, algorithm=KeyAlgorithm.RSA_2048)


@pytest.fixture(scope="session")
def trust(demo_ca: DemoCA) -> TrustStore:
    """A trust store trusting only the demo CA, with no CRL."""
    return demo_ca.trust_store()


@pytest.fixture(scope="session")
def issue_user(demo_ca: DemoCA) -> IssueUser:
    """A factory issuing identities (certificate, key, chain) from the demo CA."""

    def issue(
        name: str,
        *,
        org_credit_code: str | None = None,
        algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256,
        now: dt.datetime = CA_TIME,
        valid_for: dt.timedelta = USER_VALIDITY,
    ) -> Identity:
        return issue_identity(
            demo_ca,
            name=name,
            now=now,
            org_credit_code=org_credit_code,
            algorithm=algorithm,
            valid_for=valid_for,
        )

    return issue


@pytest.fixture(scope="session")
def bidder(issue_user: IssueUser) -> Identity:
    """A bidder organisation's signing identity."""
    return issue_user("厦门示例建设有限公司", org_credit_code=BIDDER_CREDIT_CODE)


@pytest.fixture(scope="session")
def officials(issue_user: IssueUser) -> tuple[Identity, ...]:
    """Four opening officials from two organisations (DESIGN.md, "Opening committee")."""
    return tuple(
        issue_user(f"开标官员{i}", org_credit_code=OFFICIAL_CREDIT_CODES[i % 2])
        for i in range(1, 5)
    )


OpenSSL = Callable[..., "subprocess.CompletedProcess[bytes]"]


@pytest.fixture(scope="session")
def openssl() -> OpenSSL:
    """Run /usr/bin/openssl with the given arguments (the independent implementation)."""

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["/usr/bin/openssl", *args], capture_output=True, check=False)

    return run
