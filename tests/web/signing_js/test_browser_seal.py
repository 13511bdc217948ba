"""A part sealed in the page is exactly docs/formats/sealed-bid.md (issue 16 item 2): our
Python opener and `etender bid inspect` accept it, stock `age -d` decrypts it with the
page-made identity, every share stanza re-derives byte for byte from the file key (as the
dispute check does, §5), manifest.p7s verifies with `openssl cms -verify`, and selfKey
gives the same file key. The §4.5 example vector is derived in the page too."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from signing.age import X25519Identity, parse_header, unwrap_file_key
from signing.cms import verify_detached
from signing.demo_ca import create_demo_ca
from signing.sealed_bid import inspect_header, open_part, recover_file_key
from signing.shares import SHARE_TYPE, derive_share_stanzas, unwrap_share
from tests.conftest import LiveServer
from tests.web.signing_js.kit import NOW, pem, run_js, signed_in_member, verify_both
from tests.web.signing_js.seal_kit import (
    AT,
    AT_JS,
    CREDIT_CODE,
    TENDER,
    browser_bidder_key,
    make_committee,
    read_sealed,
)

BIG = 200_000  # four STREAM chunks and a bit: files cross chunk boundaries
EXACT = 65_536  # exactly one chunk


def pattern(size: int, seed: int) -> bytes:
    """The bytes the page makes for a test file (same formula on both sides)."""
    return bytes((i * 31 + seed) & 0xFF for i in range(size))


SEAL = """
  const pattern = (size, seed) => { const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 255; return b; };
  const made = await sign.bid.identity.generate();
  const again = await sign.bid.identity.recipientOf(made.identity);
  const checked = await sign.bid.committee.verify(arg.committee, {roots: arg.root, at: arg.at});
  const files = [new File([pattern(arg.big, 7)], "技术标.pdf"),
                 new File([new TextEncoder().encode("abc")], "报价.xlsx"),
                 new File([pattern(arg.exact, 3)], "exact-64k.bin"),
                 new File([], "空文件.txt")];
  const progress = [];
  const sealed = await sign.bid.seal({committee: arg.committee, part: "main",
    consortium: [], fields: {price: 123400, duration: 90, note: "含税价"}, files,
    recipient: made.recipient, roots: [arg.root], at: arg.at,
    onProgress: (p) => progress.push(p)});
  const file = await sign.bid.sealed.file(sealed.name);
  const selfKey = await sign.bid.selfKey(file, made.identity);
  const selfKeyFromBytes = await sign.bid.selfKey(
    new Uint8Array(await file.slice(0, 4096).arrayBuffer()), made.identity);
  return {made, again, checked, sealed, progress, list: await sign.bid.sealed.list(),
          selfKey: sign.hex(selfKey), selfKeyFromBytes: sign.hex(selfKeyFromBytes)};
"""


def _etender() -> str:
    return str(Path(sys.executable).parent / "etender")


@pytest.mark.browser
@pytest.mark.slow(wait=60)
async def test_a_part_sealed_in_the_page_is_the_format_byte_for_byte(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    ca = create_demo_ca(now=NOW)
    kit = make_committee(ca, k=2, n=3)
    trust = ca.trust_store()
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url, "bidder1")
        await browser_bidder_key(page, ca, user)
        arg = {
            "committee": kit.file.decode(),
            "root": pem(ca.root_cert),
            "at": AT_JS,
            "big": BIG,
            "exact": EXACT,
        }
        out = await run_js(page, SEAL, arg)
        data = await read_sealed(page, out["sealed"]["name"])
    finally:
        await context.close()

    identity = X25519Identity.parse(out["made"]["identity"])
    assert identity.recipient().encode() == out["made"]["recipient"] == out["again"]
    assert out["checked"] == {"fingerprint": kit.committee.fingerprint_hex}
    sealed = out["sealed"]
    assert sealed["size"] == len(data)
    assert sealed["sha256"] == hashlib.sha256(data).hexdigest()
    assert (sealed["part"], sealed["tender"], sealed["lot"]) == ("main", TENDER, "1")
    assert [p["phase"] for p in out["progress"]] == ["sealing"] * len(out["progress"])
    total = BIG + 3 + EXACT
    assert out["progress"][-1] == {"phase": "sealing", "done": total, "total": total}
    (listed,) = out["list"]
    assert listed["name"] == sealed["name"]
    assert listed["sha256"] == sealed["sha256"]
    assert "fields" not in listed  # the prices stay inside the sealed part

    # §10: the upload's header check, without keys.
    summary = inspect_header(data, kit.committee)
    assert [s.x for s in summary.shares] == [1, 2, 3]

    # §9: our opener, with the bidder's identity, checks manifest, files and signature.
    out_dir = tmp_path / "opened"
    opened = open_part(
        io.BytesIO(data),
        committee=kit.committee,
        part="main",
        verify=lambda m, s: verify_detached(m, s, trust, AT),
        identities=[identity],
        output=out_dir,
    )
    info = opened.manifest.info
    assert (info.tender, info.lot, info.part, info.bidder) == (TENDER, "1", "main", CREDIT_CODE)
    assert dict(info.fields) == {"price": 123400, "duration": 90, "note": "含税价"}
    expected = {
        "技术标.pdf": pattern(BIG, 7),
        "报价.xlsx": b"abc",
        "exact-64k.bin": pattern(EXACT, 3),
        "空文件.txt": b"",
    }
    assert [f.name for f in opened.manifest.files] == list(expected)
    for name, content in expected.items():
        assert (out_dir / "files" / name).read_bytes() == content
    assert sealed["manifest"] == opened.manifest.to_json()
    assert opened.ciphertext_sha256 == sealed["sha256"]

    # manifest.p7s: the browser key's CMS, verified by OpenSSL too.
    signer = verify_both(ca, opened.manifest_bytes, opened.signature, tmp_path)
    assert signer.certificate.subject.rfc4514_string().find(CREDIT_CODE) >= 0

    # Stock age decrypts it with the page-made identity, ignoring the share stanzas.
    (tmp_path / "part.age").write_bytes(data)
    (tmp_path / "bidder.agekey").write_text(out["made"]["identity"] + "\n")
    tar_bytes = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "bidder.agekey"), str(tmp_path / "part.age")],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as archive:
        names = archive.getnames()
        assert names == [f"files/{n}" for n in expected] + ["manifest.json", "manifest.p7s"]
        for name, content in expected.items():
            member = archive.extractfile(f"files/{name}")
            assert member is not None
            assert member.read() == content

    # `etender bid inspect` (the bidder's own check on its machine) accepts it.
    (tmp_path / "committee.json").write_bytes(kit.file)
    (tmp_path / "root.pem").write_text(pem(ca.root_cert))
    shown = subprocess.run(
        [
            _etender(),
            "bid",
            "inspect",
            str(tmp_path / "part.age"),
            "--identity",
            str(tmp_path / "bidder.agekey"),
            "--trust",
            str(tmp_path / "root.pem"),
            "--committee",
            str(tmp_path / "committee.json"),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"sha256 {sealed['sha256']}" in shown
    assert "field price = 123400" in shown

    # selfKey = the file key; every share stanza re-derives from it byte for byte (§5),
    # and any k officials' shares give it back.
    header = parse_header(data)
    file_key = unwrap_file_key(header, [identity])
    assert out["selfKey"] == out["selfKeyFromBytes"] == file_key.hex()
    stanzas = header.stanzas
    assert stanzas[0].type == "X25519"
    assert [s.type for s in stanzas[1:]] == [SHARE_TYPE] * 3
    derived = derive_share_stanzas(
        file_key,
        fingerprint=kit.committee.fingerprint,
        part="main",
        k=2,
        recipients=kit.committee.recipients(),
    )
    assert [s.encode() for s in stanzas[1:]] == [s.encode() for s in derived]
    shares = [
        unwrap_share(kit.identities[x - 1], stanzas[x], kit.committee.fingerprint, "main")
        for x in (1, 3)
    ]
    assert recover_file_key(header, shares, 2) == file_key


# docs/formats/sealed-bid.md §4.5: the committee of §3, file key 00…0f, part "main".
VECTOR_RECIPIENTS = [
    "age15nsf9y4k28p83wth93tf7hafhvfajp45d2mge80ems45gz0c5gys3me64l",
    "age1e6xn45wvkce7c7msc9upffw8dmxs9959q5xng369hgzcwrjc04vszex59m",
    "age1thld6wmt63lklg5wu9wed82mkr49xa6dfz9a47wlr3hqzf9nau3qqx6458",
]
VECTOR_FINGERPRINT = "547e94268c510095135af1183e50e347b20a203506b099f7b82406c102808b36"


def _vector_lines() -> str:
    text = (Path(__file__).parents[3] / "docs/formats/sealed-bid.md").read_text()
    block = text.split("### 4.5 Example", 1)[1].split("```", 2)[1]
    return block.lstrip("\n")


@pytest.mark.browser
async def test_the_share_stanzas_of_the_format_example_are_derived_in_the_page(
    browser: Any, live_server: LiveServer
) -> None:
    """§4.5: the page's derivation gives the documented stanzas byte for byte, and the
    secret bytes 01…01 give the documented recipient (bech32, X25519 in WebCrypto)."""
    page = await browser.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        lines = await run_js(
            page,
            """
            const fileKey = sign.b64.decode("AAECAwQFBgcICQoLDA0ODw==");
            const lines = await sign.bid.shareStanzas({fileKey, fingerprint: arg.fingerprint,
              k: 2, recipients: arg.recipients, part: "main"});
            return lines.join("");
            """,
            {"fingerprint": VECTOR_FINGERPRINT, "recipients": VECTOR_RECIPIENTS},
        )
        identity = X25519Identity(secret=bytes([1]) * 32).encode()
        recipient = await run_js(page, "return await sign.bid.identity.recipientOf(arg);", identity)
    finally:
        await page.close()
    assert lines == _vector_lines()
    assert recipient == VECTOR_RECIPIENTS[0]
