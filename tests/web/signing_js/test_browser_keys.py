"""A key made in the browser: its request, its certificate, its signatures (issue 12 item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from signing.demo_ca import create_demo_ca
from tests.conftest import LiveServer
from tests.web.signing_js.kit import (
    ECDSA_WITH_SHA256,
    NOW,
    assert_cms_profile,
    issue_from_csr,
    run_js,
    signed_in_member,
    unb64,
    verify_both,
)

CONTENT = "评标报告 — report bytes\n".encode()

SIGN_WITH_CURRENT = """
  const record = await sign.keys.current(arg.user);
  const der = await sign.cms.signDetached(record, sign.b64.decode(arg.content), {purpose: "test"});
  return {der: sign.b64.encode(der), journal: await sign.journal.list(arg.user), record};
"""


@pytest.mark.browser
async def test_a_browser_key_signs_what_our_verifier_and_openssl_accept_and_never_leaves(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """WebCrypto P-256, not extractable: its CSR makes a certificate, its CMS verifies with
    signing.cms and `openssl cms -verify`; the key survives a closed page and is offered
    to its member only."""
    ca = create_demo_ca(now=NOW)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url)
        made = await run_js(
            page,
            """
            const made = await sign.keys.create(arg.user, {label: "venue PC 3"});
            return made;
            """,
            {"user": user},
        )
        assert made["record"]["kind"] == "browser"
        assert made["record"]["algorithm"] == "ECDSA-P256"
        assert made["record"]["certificatePem"] is None
        bundle = issue_from_csr(ca, made["csrPem"])
        attached = await run_js(
            page,
            "return await sign.keys.attachCertificate(arg.user, arg.id, arg.pem);",
            {"user": user, "id": made["record"]["id"], "pem": bundle},
        )
        assert attached["certSha256"] is not None
        assert attached["certificatePem"].count("BEGIN CERTIFICATE") == 3
        await page.close()

        # A new page of the same context (the same device): the key is still there.
        page = await context.new_page()
        await page.goto(f"{live_server.url}/login")
        from tests.web.signing_js.kit import b64

        signed = await run_js(page, SIGN_WITH_CURRENT, {"user": user, "content": b64(CONTENT)})
        der = unb64(signed["der"])
        signer = verify_both(ca, CONTENT, der, tmp_path)
        assert_cms_profile(der, certificates=2, signature_algorithm=ECDSA_WITH_SHA256)
        assert isinstance(signer.certificate.public_key(), ec.EllipticCurvePublicKey)
        assert signer.signature_algorithm
        # The root is the verifier's anchor: the signature carries leaf + issuing CA only.
        assert der.count(ca.root_cert.public_bytes(_der())) == 0
        assert der.count(ca.issuing_cert.public_bytes(_der())) == 1
        assert [(e["purpose"], e["certSha256"]) for e in signed["journal"]] == [
            ("test", attached["certSha256"])
        ]

        refusals = await run_js(
            page,
            """
            const stored = await new Promise((resolve, reject) => {
              const open = indexedDB.open("etender-sign");
              open.onsuccess = () => {
                const get = open.result.transaction("keys").objectStore("keys").get(arg.id);
                get.onsuccess = () => resolve(get.result);
                get.onerror = () => reject(get.error);
              };
            });
            let exported = "exported";
            try { await crypto.subtle.exportKey("pkcs8", stored.privateKey); }
            catch (err) { exported = err.name; }
            let other = null;
            try { await sign.cms.signDetached({...arg.record, userId: "someone-else"},
                                              new Uint8Array([1]), {purpose: "test"}); }
            catch (err) { other = err.code; }
            let othersKeys = null;
            try { await sign.keys.list("someone-else"); } catch (err) { othersKeys = err.code; }
            return {extractable: stored.privateKey.extractable, exported, other, othersKeys};
            """,
            {"id": made["record"]["id"], "record": signed["record"]},
        )
        assert refusals == {
            "extractable": False,
            "exported": "InvalidAccessError",
            "other": "key_not_found",
            "othersKeys": "key_not_found",
        }
    finally:
        await context.close()


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


@pytest.mark.browser
async def test_a_label_the_server_would_refuse_is_refused_before_a_key_is_made(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    """The server's one-line rule for device labels (docs/api-auth.md, "Device keys"),
    checked in the page first: an outside tester made a key and got a certificate for a
    label the registration then refused. 64 code points pass; controls, a bidi override,
    a zero-width space, surrounding spaces and 65 code points do not, and no key is kept."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url)
        codes = await run_js(
            page,
            """
            const out = [];
            for (const label of arg.labels) {
              try { await sign.keys.create(arg.user, {label}); out.push("made"); }
              catch (e) { out.push(e.code); }
            }
            return {out, kept: (await sign.keys.list(arg.user)).length};
            """,
            {
                "user": user,
                "labels": ["a\u0007b", "\u001b[31m", "a\u202eb", "\u200b", " 机", "机" * 65],
            },
        )
        assert codes == {"out": ["label_invalid"] * 6, "kept": 0}
        fine = await run_js(
            page,
            "return (await sign.keys.create(arg.user, {label: arg.label})).record.label;",
            {"user": user, "label": "😀" * 64},
        )
        assert fine == "😀" * 64
    finally:
        await context.close()
