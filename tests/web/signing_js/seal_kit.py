"""Helpers of the browser sealing tests (docs/browser-signing.md §7): a committee of
officials with signed recipient statements, a bidder's browser key with a certificate
carrying its credit code, and the sealed part read back out of the page's OPFS."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from signing.age import X25519Identity
from signing.certs import cert_sha256
from signing.committee import Committee, Official, dump_committee
from signing.demo_ca import DemoCA, issue_certificate, issue_identity
from signing.statements.recipient import RecipientStatement
from tests.web.signing_js.kit import NOW, pem, run_js, unb64

CREDIT_CODE = "91350100M000100Y43"
TENDER = "ZB-2026-0042"
# The page checks the committee as of this time (bid.seal's `at`): no wall clock.
AT = NOW + dt.timedelta(days=1)
AT_JS = AT.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitteeKit:
    """A committee file and what the officials hold."""

    committee: Committee
    file: bytes
    identities: tuple[X25519Identity, ...]
    certificates: tuple[x509.Certificate, ...]


def make_committee(ca: DemoCA, *, k: int = 2, n: int = 3, lot: str = "1") -> CommitteeKit:
    """n officials (x = 1…n) of the demo CA, each with a recipient statement it signed."""
    officials = []
    identities = []
    certificates = []
    for x in range(1, n + 1):
        person = issue_identity(ca, name=f"开标人 {x}", now=NOW)
        identity = X25519Identity.generate()
        recipient = identity.recipient().encode()
        statement = RecipientStatement.for_certificate(recipient, person.certificate, NOW)
        officials.append(
            Official(
                x=x,
                recipient=recipient,
                cert_sha256=cert_sha256(person.certificate),
                certificate=person.certificate,
                statement=statement.sign(person.certificate, person.key, chain=person.chain),
            )
        )
        identities.append(identity)
        certificates.append(person.certificate)
    committee = Committee(
        tender=TENDER,
        lot=lot,
        deadline=NOW + dt.timedelta(days=30),
        k=k,
        n=n,
        officials=tuple(officials),
    )
    return CommitteeKit(
        committee=committee,
        file=dump_committee(committee),
        identities=tuple(identities),
        certificates=tuple(certificates),
    )


async def browser_bidder_key(page: Any, ca: DemoCA, user: str) -> str:
    """A browser key of ``user`` with a certificate for the bidder's organisation; its id."""
    made = await run_js(
        page, 'return await sign.keys.create(arg.user, {label: "投标电脑"});', {"user": user}
    )
    csr = x509.load_pem_x509_csr(made["csrPem"].encode())
    cert = issue_certificate(
        ca,
        name="投标人 李四",
        public_key=csr.public_key(),  # type: ignore[arg-type]
        now=NOW,
        org_credit_code=CREDIT_CODE,
        browser_key=True,
    )
    bundle = pem(cert) + pem(ca.issuing_cert) + pem(ca.root_cert)
    await run_js(
        page,
        "return await sign.keys.attachCertificate(arg.user, arg.id, arg.pem);",
        {"user": user, "id": made["record"]["id"], "pem": bundle},
    )
    return str(made["record"]["id"])


async def read_sealed(page: Any, name: str) -> bytes:
    """The bytes of a sealed part kept in the page's OPFS."""
    text = await run_js(
        page,
        """const file = await sign.bid.sealed.file(arg.name);
           return sign.b64.encode(new Uint8Array(await file.arrayBuffer()));""",
        {"name": name},
    )
    return unb64(text)
