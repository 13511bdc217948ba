"""Imported keys: a PKCS#12 file from `openssl pkcs12 -export` and a PKCS#8 PEM, opened in
the page into WebCrypto (not extractable) and signing verifiably (issue 12 item 3)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from cryptography.hazmat.primitives import serialization

from signing.certs import KeyAlgorithm
from signing.demo_ca import create_demo_ca, issue_identity
from tests.conftest import LiveServer
from tests.web.signing_js.kit import (
    NOW,
    SHA256_WITH_RSA,
    JsError,
    assert_cms_profile,
    b64,
    pem,
    run_js,
    signed_in_member,
    unb64,
    verify_both,
)

CONTENT = b"sheet bytes to sign"

IMPORT_P12 = """
  const record = await sign.keys.importPkcs12(arg.user, sign.b64.decode(arg.p12), arg.password,
                                              {label: arg.label});
  const der = await sign.cms.signDetached(record, sign.b64.decode(arg.content), {purpose: "test"});
  return {record, der: sign.b64.encode(der)};
"""

IMPORT_P8 = """
  const record = await sign.keys.importPkcs8(arg.user, arg.key, arg.cert, {label: "pem"});
  const der = await sign.cms.signDetached(record, sign.b64.decode(arg.content), {purpose: "test"});
  return {record, der: sign.b64.encode(der)};
"""


def _export(tmp: Path, identity: Any, ca: Any, name: str, *options: str) -> bytes:
    key = identity.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp / f"{name}.key").write_bytes(key)
    (tmp / f"{name}.crt").write_text(pem(identity.certificate))
    (tmp / f"{name}.chain").write_text(pem(ca.issuing_cert) + pem(ca.root_cert))
    out = tmp / f"{name}.p12"
    subprocess.run(
        [
            "openssl", "pkcs12", "-export", "-inkey", str(tmp / f"{name}.key"),
            "-in", str(tmp / f"{name}.crt"), "-certfile", str(tmp / f"{name}.chain"),
            "-passout", "pass:Sesame-9", "-out", str(out), *options,
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return out.read_bytes()


@pytest.mark.browser
async def test_pkcs12_and_pkcs8_imports_sign_verifiably_and_a_wrong_password_is_named(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """OpenSSL 3's default PKCS#12 (PBES2/AES-256-CBC, HMAC-SHA256) imports and signs with
    a P-256 key and with an RSA key; a wrong password is pkcs12_password_invalid; the
    legacy 3DES file is named pkcs12_algorithm_unsupported (no WebCrypto cipher opens
    it); a PKCS#8 PEM with its certificate imports and signs."""
    ca = create_demo_ca(now=NOW)
    ec_identity = issue_identity(ca, name="专家 李四", now=NOW)
    rsa_identity = issue_identity(ca, name="专家 王五", now=NOW, algorithm=KeyAlgorithm.RSA_2048)
    modern = _export(tmp_path, ec_identity, ca, "modern")
    rsa = _export(tmp_path, rsa_identity, ca, "rsa")
    legacy = _export(
        tmp_path, ec_identity, ca, "legacy",
        "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1",
    )  # fmt: skip
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url)
        base = {"user": user, "content": b64(CONTENT), "password": "Sesame-9"}
        with pytest.raises(JsError) as refused:
            await run_js(page, IMPORT_P12, {**base, "p12": b64(modern), "password": "wrong"})
        assert refused.value.code == "pkcs12_password_invalid"

        made = await run_js(page, IMPORT_P12, {**base, "p12": b64(modern), "label": "USB key"})
        assert made["record"]["kind"] == "imported"
        assert made["record"]["algorithm"] == "ECDSA-P256"
        signer = verify_both(ca, CONTENT, unb64(made["der"]), tmp_path)
        assert signer.certificate == ec_identity.certificate

        with pytest.raises(JsError) as refused:
            await run_js(page, IMPORT_P12, {**base, "p12": b64(legacy), "label": "3DES"})
        assert refused.value.code == "pkcs12_algorithm_unsupported"

        made = await run_js(page, IMPORT_P12, {**base, "p12": b64(rsa), "label": "RSA"})
        assert made["record"]["algorithm"] == "RSA"
        signer = verify_both(ca, CONTENT, unb64(made["der"]), tmp_path)
        assert signer.certificate == rsa_identity.certificate
        assert_cms_profile(unb64(made["der"]), certificates=2, signature_algorithm=SHA256_WITH_RSA)

        key_pem = (tmp_path / "modern.key").read_text()
        cert_pem = pem(ec_identity.certificate) + pem(ca.issuing_cert)
        made = await run_js(page, IMPORT_P8, {**base, "key": key_pem, "cert": cert_pem})
        signer = verify_both(ca, CONTENT, unb64(made["der"]), tmp_path)
        assert signer.certificate == ec_identity.certificate

        with pytest.raises(JsError) as refused:
            await run_js(
                page, IMPORT_P8, {**base, "key": key_pem, "cert": pem(rsa_identity.certificate)}
            )
        assert refused.value.code == "certificate_key_mismatch"
        with pytest.raises(JsError) as refused:
            await run_js(page, IMPORT_P12, {**base, "p12": b64(b"not a pkcs12"), "label": "x"})
        assert refused.value.code == "pkcs12_invalid"
        exportable = await run_js(
            page,
            """
            const open = await new Promise((ok) => { const r = indexedDB.open("etender-sign");
                                                      r.onsuccess = () => ok(r.result); });
            const all = await new Promise((ok) => { const g = open.transaction("keys")
                .objectStore("keys").getAll(); g.onsuccess = () => ok(g.result); });
            return all.map((k) => k.privateKey.extractable);
            """,
        )
        assert exportable == [False, False, False]
    finally:
        await context.close()
