"""A shared browser profile (a venue PC): the member who signs in next reads nothing of the
previous member's vault, keys or journal — not through the module, and not in IndexedDB
itself (DESIGN.md "Blind scoring"; docs/browser-signing.md §3, split custody)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.web.signing_js.kit import make_member, run_js, sign_in, sign_out, signed_in_member, unb64

SESSION = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
BID = "22222222-2222-4222-8222-222222222222"
SCORE = 31337  # a score no index field, date or id of the test holds
DRAFT_MARK = "draft-score-77421"

SEAL_AS_A = """
  const bytes = sign.sheets.build({session: arg.session, phase: "scoring", seat: 2,
                                   generation: 1, version: 1,
                                   entries: [{bid: arg.bid, item: "1.1", points: arg.score}]});
  const sealed = sign.sheets.seal(bytes);
  await sign.vault.saveDraft(arg.user, arg.session, "scoring", {values: {mark: arg.mark}});
  await sign.vault.putSealed(arg.user, arg.session, "scoring",
                             {version: 1, sheetBytes: bytes, ...sealed});
  const made = await sign.keys.create(arg.user, {label: "venue PC"});
  return {sheet: sign.b64.encode(bytes), key: sign.b64.encode(sealed.key),
          nonce: sign.b64.encode(sealed.nonce), keyId: made.record.id};
"""

B_TRIES_A = """
  const tries = {
    getSealed: () => sign.vault.getSealed(arg.a, arg.session, "scoring"),
    loadDraft: () => sign.vault.loadDraft(arg.a, arg.session, "scoring"),
    saveDraft: () => sign.vault.saveDraft(arg.a, arg.session, "scoring", {values: {}}),
    markRevealed: () => sign.vault.markRevealed(arg.a, arg.session, "scoring", 1),
    keysList: () => sign.keys.list(arg.a),
    keysCurrent: () => sign.keys.current(arg.a),
    keysRemove: () => sign.keys.remove(arg.a, arg.keyId),
    sign: () => sign.cms.signDetached({id: arg.keyId, userId: arg.a}, new Uint8Array([1]),
                                      {purpose: "test"}),
    journal: () => sign.journal.list(arg.a),
  };
  const out = {};
  for (const [name, fn] of Object.entries(tries)) {
    out[name] = await fn().then(() => "returned", (err) => err.code);
  }
  out.ownKeys = (await sign.keys.list(arg.b)).length;
  out.ownSealed = await sign.vault.getSealed(arg.b, arg.session, "scoring");
  return out;
"""

# Every value of every object store of every IndexedDB database, without the module:
# strings as they are, bytes as hex (one entry per byte array), anything else by its type.
RAW_SCAN = """async () => {
  const strings = [], blobs = [];
  const walk = (v) => {
    if (v === null || v === undefined) return;
    if (typeof v === "string") { strings.push(v); return; }
    if (typeof v !== "object") { strings.push(String(v)); return; }
    if (v instanceof ArrayBuffer) v = new Uint8Array(v);
    if (ArrayBuffer.isView(v)) {
      const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      blobs.push(Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""));
      return;
    }
    if (typeof CryptoKey !== "undefined" && v instanceof CryptoKey) return;
    for (const value of Object.values(v)) walk(value);
  };
  const stores = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open(info.name);
      r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
    });
    for (const name of db.objectStoreNames) {
      const rows = await new Promise((ok, ko) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
      });
      stores.push(info.name + "/" + name + ":" + rows.length);
      rows.forEach(walk);
    }
    db.close();
  }
  return {stores, strings, blobs};
}"""


def _holds(blob_hex: str, secret: bytes) -> bool:
    """Whether the byte array (hex) holds ``secret``'s bytes (at a byte boundary)."""
    at = blob_hex.find(secret.hex())
    while at != -1:
        if at % 2 == 0:
            return True
        at = blob_hex.find(secret.hex(), at + 1)
    return False


@pytest.mark.browser
async def test_the_next_member_on_a_shared_browser_reads_nothing_of_the_previous_ones_vault(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    """A seals a sheet (and keeps a draft and a key) and signs out; B signs in on the same
    browser: the module refuses every one of A's records to B, and IndexedDB's raw values
    hold none of A's scores, sheet bytes, sheet key or nonce in the clear; A signs in
    again and reads its sealed sheet and draft back."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        a = await signed_in_member(pool, page, live_server.url, "expert-a")
        b = await make_member(pool, "expert-b")
        arg = {"user": a, "session": SESSION, "bid": BID, "score": SCORE, "mark": DRAFT_MARK}
        made = await run_js(page, SEAL_AS_A, arg)
        sheet, key, nonce = unb64(made["sheet"]), unb64(made["key"]), unb64(made["nonce"])
        assert f'"points":{SCORE}'.encode() in sheet
        await sign_out(page)

        await sign_in(page, live_server.url, "expert-b")
        tried = await run_js(
            page, B_TRIES_A, {"a": a, "b": b, "session": SESSION, "keyId": made["keyId"]}
        )
        assert tried == {
            "getSealed": "vault_record_unreadable",
            "loadDraft": "vault_record_unreadable",
            "saveDraft": "vault_record_unreadable",
            "markRevealed": "vault_record_unreadable",
            "keysList": "key_not_found",
            "keysCurrent": "key_not_found",
            "keysRemove": "key_not_found",
            "sign": "key_not_found",
            "journal": "key_not_found",
            "ownKeys": 0,
            "ownSealed": None,
        }

        scan = await page.evaluate(RAW_SCAN)
        assert "etender-sign/sealed:1" in scan["stores"]
        assert "etender-sign/drafts:1" in scan["stores"]
        text = "\n".join(scan["strings"])
        assert str(SCORE) not in text
        assert DRAFT_MARK not in text
        for blob in scan["blobs"]:
            for secret in (sheet, key, nonce, f'"points":{SCORE}'.encode(), DRAFT_MARK.encode()):
                assert not _holds(blob, secret)
        await sign_out(page)

        await sign_in(page, live_server.url, "expert-a")
        back = await run_js(
            page,
            """
            const kept = await sign.vault.getSealed(arg.user, arg.session, "scoring");
            return {sheet: sign.b64.encode(kept.sheetBytes), key: sign.b64.encode(kept.key),
                    nonce: sign.b64.encode(kept.nonce),
                    draft: await sign.vault.loadDraft(arg.user, arg.session, "scoring"),
                    keys: (await sign.keys.list(arg.user)).length};
            """,
            arg,
        )
        assert unb64(back["sheet"]) == sheet
        assert unb64(back["key"]) == key
        assert unb64(back["nonce"]) == nonce
        assert back["draft"] == {"values": {"mark": DRAFT_MARK}}
        assert back["keys"] == 1
    finally:
        await context.close()


# A record as 1.0.0 kept it, in the clear, written straight into IndexedDB.
PUT_LEGACY = """async (arg) => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("etender-sign"); r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const bytes = (text) => new TextEncoder().encode(text);
  const write = (store, value) => new Promise((ok, ko) => {
    const tx = db.transaction(store, "readwrite"); tx.objectStore(store).put(value);
    tx.oncomplete = () => ok(); tx.onerror = () => ko(tx.error);
  });
  await write("sealed", {userId: arg.user, sessionId: arg.session, phase: "scoring", version: 1,
    sheetBytes: bytes(arg.sheet), key: bytes("k".repeat(32)), nonce: bytes("n".repeat(12)),
    commitment: bytes("c".repeat(32)), ciphertext: null, sealedAt: "2026-01-01T00:00:00Z",
    revealedAt: null});
  await write("drafts", {userId: arg.user, sessionId: arg.session, phase: "scoring",
    draft: {values: {mark: arg.sheet}}, savedAt: "2026-01-01T00:00:00Z"});
  db.close();
}"""


@pytest.mark.browser
async def test_a_record_kept_in_the_clear_by_1_0_0_is_sealed_when_its_member_reads_it(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    """Its own member reads it back as it was, and from then on IndexedDB holds it only
    encrypted under that member's vault key."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url, "expert-a")
        arg = {"user": user, "session": SESSION, "sheet": f'{{"points":{SCORE}}}'}
        # The module opens (and creates) the database first, as 1.0.0 did.
        await run_js(page, "await sign.vault.loadDraft(arg.user, arg.session, 'x'); return 1;", arg)
        await page.evaluate(PUT_LEGACY, arg)
        read = await run_js(
            page,
            """
            const kept = await sign.vault.getSealed(arg.user, arg.session, "scoring");
            return {sheet: new TextDecoder().decode(kept.sheetBytes), ciphertext: kept.ciphertext,
                    draft: await sign.vault.loadDraft(arg.user, arg.session, "scoring")};
            """,
            arg,
        )
        assert read == {
            "sheet": arg["sheet"],
            "ciphertext": None,
            "draft": {"values": {"mark": arg["sheet"]}},
        }
        scan = await page.evaluate(RAW_SCAN)
        assert str(SCORE) not in "\n".join(scan["strings"])
        for blob in scan["blobs"]:
            assert not _holds(blob, arg["sheet"].encode())
    finally:
        await context.close()
