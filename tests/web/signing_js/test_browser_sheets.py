"""Sheets built and sealed in the page open in Python, and the vault keeps them across a
closed tab (issue 12 item 4; docs/formats/evaluation-sheet.md §§1–3)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import pytest

from signing.canonical import canonical_json
from signing.sheets import b64url_decode, build_sheet, open_sheet, parse_sheet
from signing.sheets.format import ScoreEntry
from tests.conftest import LiveServer
from tests.web.signing_js.kit import b64, run_js, signed_in_member, unb64

SESSION = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
BID_A = "22222222-2222-4222-8222-222222222222"
BID_B = "11111111-1111-4111-8111-111111111111"

BUILD_AND_KEEP = """
  const bytes = sign.sheets.build({session: arg.session, phase: "scoring", seat: 3,
                                   generation: 1, version: 1, entries: arg.entries});
  const sealed = sign.sheets.seal(bytes);
  await sign.vault.saveDraft(arg.user, arg.session, "scoring", {points: {"1.1": 3250}});
  await sign.vault.putSealed(arg.user, arg.session, "scoring",
                             {version: 1, sheetBytes: bytes, ...sealed});
  const data = sign.sheets.submitData(sealed, new Uint8Array([48, 0]), "scoring");
  return {sheet: sign.b64.encode(bytes), key: sign.b64.encode(sealed.key),
          commitmentHex: sign.hex(sealed.commitment), data};
"""

READ_BACK = """
  const kept = await sign.vault.getSealed(arg.user, arg.session, "scoring");
  await sign.vault.markRevealed(arg.user, arg.session, "scoring", kept.version);
  const revealed = await sign.vault.getSealed(arg.user, arg.session, "scoring");
  return {version: kept.version, sheet: sign.b64.encode(kept.sheetBytes),
          key: sign.b64.encode(kept.key), nonce: sign.b64.encode(kept.nonce),
          revealedAt: revealed.revealedAt,
          draft: await sign.vault.loadDraft(arg.user, arg.session, "scoring"),
          otherMember: await sign.vault.getSealed("someone-else", arg.session, "scoring")
            .then(() => "returned", (err) => err.code),
          canonical: new TextDecoder().decode(sign.canonicalJson({b: [1, "é\\n"], a: null})),
          opened: sign.b64.encode(sign.sheets.open({...kept}))};
"""


@pytest.mark.browser
async def test_a_sheet_sealed_in_the_page_opens_in_python_and_survives_a_closed_tab(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    """Canonical bytes with a fresh salt that signing.sheets parses and rebuilds to the
    same bytes; submit_sheet data whose ciphertext opens with the vault's key under the
    commitment; the key never in that data; the vault's record after the page closed."""
    entries = [
        {"bid": BID_A, "item": "2.1", "points": 2600},
        {"bid": BID_B, "item": "2.1", "points": 2400},
        {"bid": BID_A, "item": "1.1", "points": 2875},
        {"bid": BID_B, "item": "1.1", "points": 3250},
    ]
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url)
        arg = {"user": user, "session": SESSION, "entries": entries}
        made = await run_js(page, BUILD_AND_KEEP, arg)
        await page.close()

        sheet_bytes = unb64(made["sheet"])
        sheet = parse_sheet(sheet_bytes)
        assert build_sheet(sheet) == sheet_bytes
        assert sheet.session == UUID(SESSION)
        assert sheet.seat == 3
        assert len(sheet.salt) == 32
        assert [(str(e.bid), e.item) for e in sheet.entries] == sorted(
            (e["bid"], e["item"]) for e in entries
        )
        assert isinstance(sheet.entries[0], ScoreEntry)
        data = made["data"]
        assert set(data) == {"phase", "commitment", "ciphertext", "nonce", "signature"}
        commitment = b64url_decode(data["commitment"], field="commitment", size=32, limit=32)
        assert commitment.hex() == made["commitmentHex"]
        ciphertext = b64url_decode(data["ciphertext"], field="ciphertext", limit=1 << 20)
        nonce = b64url_decode(data["nonce"], field="nonce", size=12, limit=12)
        key = unb64(made["key"])
        assert open_sheet(ciphertext, key, nonce, commitment) == sheet_bytes
        assert b64(key).rstrip("=") not in str(data)

        page = await context.new_page()
        await page.goto(f"{live_server.url}/login")
        kept = await run_js(page, READ_BACK, arg)
        assert kept["version"] == 1
        assert unb64(kept["sheet"]) == sheet_bytes
        assert unb64(kept["key"]) == key
        assert unb64(kept["nonce"]) == nonce
        assert kept["revealedAt"] is not None
        assert kept["draft"] == {"points": {"1.1": 3250}}
        assert kept["otherMember"] == "vault_record_unreadable"
        assert kept["canonical"] == '{"a":null,"b":[1,"é\\n"]}'
        assert unb64(kept["opened"]) == sheet_bytes
    finally:
        await context.close()


# RFC 8785 corners: key order by UTF-16 code units (an emoji's surrogates sort before
# U+FFFF), control characters, U+2028, quotes and backslashes, the largest safe integer.
TRICKY = {
    "\uffff": 1,
    "\U0001f600": [True, False, None],
    "a": '\x00\x1f\u2028"\\/é中',
    "": {"z": -(2**53 - 1), "b": 2**53 - 1, "a": []},
}

SALT = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"  # 00 01 … 1f (evaluation-sheet.md §9)
ENCODINGS = """
  const SALT = "@SALT@";
  const refused = [];
  for (const text of ["AA=", "AB", "A", "A+"]) {
    try { sign.b64url.decode(text); refused.push(null); } catch (err) { refused.push(err.code); }
  }
  let fraction = null;
  try { sign.canonicalJson({x: 1.5}); } catch (err) { fraction = err.code; }
  return {canonical: sign.b64.encode(sign.canonicalJson(arg)), refused, fraction,
          roundTrip: sign.b64url.encode(sign.b64url.decode(SALT)),
          sha: sign.hex(sign.sha256(new TextEncoder().encode("abc")))};
""".replace("@SALT@", SALT)


@pytest.mark.browser
async def test_canonical_json_and_base64url_in_the_page_match_the_python_side(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"{live_server.url}/login")
        got = await run_js(page, ENCODINGS, TRICKY)
    finally:
        await context.close()
    assert unb64(got["canonical"]) == canonical_json(TRICKY)
    assert got["refused"] == ["encoding_invalid"] * 4
    assert got["fraction"] == "canonical_json_invalid"
    assert got["roundTrip"] == SALT
    assert got["sha"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
