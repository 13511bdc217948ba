"""Helpers of the browser signing module's tests: run code against the served bundle in a
real Chromium page, issue certificates from the browser's requests with a demo CA, and
check signatures with our verifier and with OpenSSL."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from accounts.model import OrgKind, Role
from signing import cms
from signing.demo_ca import DemoCA, issue_certificate
from tests.accounts.factory import PASSWORD, make_organisation, make_user

# Every test issues and verifies as of this fixed time: no test reads the wall clock for
# the certificates; the browser's own signingTime is informational (signatures.md §3).
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


# The body is pasted into the evaluated function (Playwright evaluates it through the
# DevTools protocol): the page's CSP forbids eval and new Function, as it should.
_RUN = """async (arg) => {
  const sign = await import(%s);
  try { return { ok: await (async () => { %s })() }; }
  catch (err) { return { error: { code: err.code || null, message: String(err.message || err) } }; }
}"""


async def make_member(pool: Any, username: str) -> str:
    """An expert in the database (the module serves the signed-in member only): its id."""
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.EXPERT_EMPLOYER)
        user = await make_user(conn, org, Role.EXPERT, username=username)
    return str(user.id)


async def sign_in(page: Any, url: str, username: str) -> None:
    """Signs in through the login form (the cookie session the module's fetches carry)."""
    await page.goto(f"{url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}/home")


async def signed_in_member(pool: Any, page: Any, url: str, username: str = "expert1") -> str:
    """A new expert signed in on ``page``: its user id."""
    user_id = await make_member(pool, username)
    await sign_in(page, url, username)
    return user_id


async def sign_out(page: Any) -> None:
    """Ends the page's session as its sign-out does (POST /api/v1/auth/logout)."""
    status = await page.evaluate(
        """async () => {
          const me = await (await fetch("/api/v1/me", {credentials: "same-origin"})).json();
          const out = await fetch("/api/v1/auth/logout", {method: "POST",
            credentials: "same-origin", headers: {"X-CSRF-Token": me.csrf_token || ""}});
          const after = await fetch("/api/v1/me", {credentials: "same-origin"});
          return [out.status, after.status];
        }"""
    )
    assert status[1] == 401, status


def bundle_url() -> str:
    from web.jsbundle import BUNDLE

    return BUNDLE.url


async def run_js(page: Any, body: str, arg: object = None) -> Any:
    """Run ``body`` (an async function body with ``sign`` and ``arg``) in the page."""
    result = await page.evaluate(_RUN % (json.dumps(bundle_url()), body), arg)
    if "error" in result:
        raise JsError(result["error"]["code"], result["error"]["message"])
    return result["ok"]


class JsError(Exception):
    """A SignError (or any error) thrown by the module in the page."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def issue_from_csr(
    ca: DemoCA, csr_pem: str, name: str = "专家 张三", now: dt.datetime = NOW
) -> str:
    """The demo CA's certificate for a browser's request: leaf, issuing CA, root (the
    module must leave the root out of its signatures)."""
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    assert csr.is_signature_valid
    public_key = csr.public_key()
    cert = issue_certificate(ca, name=name, public_key=public_key, now=now)  # type: ignore[arg-type]
    return pem(cert) + pem(ca.issuing_cert) + pem(ca.root_cert)


def verify_both(ca: DemoCA, content: bytes, der: bytes, tmp: Path) -> cms.SignerInfo:
    """The signature verifies with signing.cms and with `openssl cms -verify`."""
    signer = cms.verify_detached(content, der, ca.trust_store(), NOW + dt.timedelta(days=1))
    (tmp / "root.pem").write_text(pem(ca.root_cert))
    (tmp / "content.bin").write_bytes(content)
    (tmp / "sig.p7s").write_bytes(der)
    subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp / "sig.p7s"),
            "-content",
            str(tmp / "content.bin"),
            "-CAfile",
            str(tmp / "root.pem"),
            "-purpose",
            "any",
            "-attime",
            str(int((NOW + dt.timedelta(days=1)).timestamp())),
            "-out",
            "/dev/null",
        ],
        check=True,
        capture_output=True,
    )
    return signer


def assert_cms_profile(der: bytes, certificates: int, signature_algorithm: str) -> None:
    """The DER is exactly docs/formats/signatures.md §3's profile, field by field."""
    from asn1crypto import cms as asn1_cms

    info = asn1_cms.ContentInfo.load(der)
    assert info.dump() == der  # DER, nothing trailing
    assert info["content_type"].native == "signed_data"
    signed = info["content"]
    assert signed["version"].native == "v1"
    assert [a["algorithm"].native for a in signed["digest_algorithms"]] == ["sha256"]
    assert signed["encap_content_info"]["content_type"].native == "data"
    assert signed["encap_content_info"]["content"].native is None
    assert len(signed["certificates"]) == certificates
    (signer,) = signed["signer_infos"]
    assert signer["version"].native == "v1"
    assert signer["sid"].name == "issuer_and_serial_number"
    assert signer["digest_algorithm"]["algorithm"].native == "sha256"
    attrs = [a["type"].native for a in signer["signed_attrs"]]
    assert sorted(attrs) == ["content_type", "message_digest", "signing_time"]
    assert signer["signature_algorithm"]["algorithm"].dotted == signature_algorithm
    assert signer["unsigned_attrs"].native is None


ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2"
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)
