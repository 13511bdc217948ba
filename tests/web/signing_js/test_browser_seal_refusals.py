"""What the page refuses to seal, with the format's codes, leaving nothing in OPFS
(docs/formats/sealed-bid.md §3, §6–8; docs/browser-signing.md §7): unsafe and colliding
names, bidi controls in names and field values (saying which), bad fields, a committee
whose statement does not verify, a key substituted in the committee, an untrusted CA, a
signing key of another organisation; a seal that fails in the Worker removes its partial
file; selfKey's age_* codes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from signing.age import X25519Identity
from signing.demo_ca import create_demo_ca
from tests.conftest import LiveServer
from tests.web.signing_js.kit import NOW, pem, run_js, sign_in, sign_out, signed_in_member
from tests.web.signing_js.seal_kit import AT_JS, browser_bidder_key, make_committee

# Every case seals with `arg.base` changed by `case` and reports the error code; then
# the member's OPFS directory is listed entry by entry (partial files included).
REFUSALS = """
  const file = (name, text = "x") => new File([new TextEncoder().encode(text)], name);
  const made = await sign.bid.identity.generate();
  const base = {committee: arg.committee, part: "main", fields: {price: 100},
                files: [file("a.pdf")], recipient: made.recipient, roots: arg.root, at: arg.at};
  const cases = {
    backslash: {files: [file("a\\\\b.pdf")]},
    dot_dot: {files: [file("..")]},
    control: {files: [file("a\\u0001.pdf")]},
    nul: {files: [file("a\\u0000.pdf")]},
    case_fold: {files: [file("Bid.PDF"), file("bid.pdf")]},
    sharp_s: {files: [file("Straße.doc"), file("STRASSE.doc")]},
    nfc: {files: [file("e\\u0301.txt"), file("\\u00e9.txt")]},
    no_files: {files: []},
    price_text: {fields: {price: "100"}},
    price_fraction: {fields: {price: 1.5}},
    field_name: {fields: {Price: 1}},
    part_label: {part: "Main"},
    consortium_self: {consortium: ["a", "a"]},
    recipient: {recipient: "age1notakey"},
    bad_statement: {committee: arg.badStatement},
    substituted: {committee: arg.substituted},
    other_ca: {roots: arg.otherRoot},
    no_roots: {roots: undefined},
    expired: {at: "2040-01-01T00:00:00Z"},
    committee_shape: {committee: arg.badShape},
    other_bidder: {bidder: "91110000600037341L"},
    bidi_name: {files: [file("大文件\\u202efdp.exe")]},
    bidi_field: {fields: {price: 100, quality: "合格\\u2067"}},
  };
  const codes = {};
  const messages = {};
  for (const [name, change] of Object.entries(cases)) {
    codes[name] = await sign.bid.seal({...base, ...change}).then(() => "sealed", (e) => {
      messages[name] = e.message;
      return e.code;
    });
  }
  // A failure inside the Worker: the key is removed while the files stream, so the
  // manifest cannot be signed; the partial file goes with it.
  const big = new File([new Uint8Array(6 * 1024 * 1024)], "big.bin");
  let removed = false;
  codes.key_gone = await sign.bid.seal({...base, files: [big], onProgress: async () => {
    if (!removed) { removed = true;
      for (const k of await sign.keys.list(arg.user)) await sign.keys.remove(arg.user, k.id); }
  }}).then(() => "sealed", (e) => e.code);
  const root = await navigator.storage.getDirectory();
  const entries = [];
  for await (const [dirName, dir] of root.entries()) {
    if (dir.kind !== "directory") continue;
    for await (const [user, sub] of dir.entries())
      for await (const name of sub.keys()) entries.push(dirName + "/" + user + "/" + name);
  }
  return {codes, messages, entries, list: await sign.bid.sealed.list()};
"""


def _substituted(committee_file: bytes) -> str:
    """Official 2's recipient replaced by the platform's own key, its hash kept."""
    data = json.loads(committee_file)
    data["officials"][1]["recipient"] = X25519Identity.generate().recipient().encode()
    return json.dumps(data)


def _bad_statement(committee_file: bytes) -> str:
    """Official 3's statement body changed after it was signed."""
    data = json.loads(committee_file)
    body = base64.b64decode(data["officials"][2]["statement"]["body"])
    data["officials"][2]["statement"]["body"] = base64.b64encode(
        body.replace(b'"subject_name":"', b'"subject_name":"X')
    ).decode()
    return json.dumps(data)


def _bad_shape(committee_file: bytes) -> str:
    data = json.loads(committee_file)
    data["k"] = data["n"]
    return json.dumps(data)


@pytest.mark.browser
@pytest.mark.slow(wait=60)
async def test_bad_inputs_are_refused_with_the_formats_codes_and_leave_no_file(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    ca = create_demo_ca(now=NOW)
    other = create_demo_ca(now=NOW)
    kit = make_committee(ca, k=2, n=3)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url, "bidder2")
        await browser_bidder_key(page, ca, user)
        out = await run_js(
            page,
            REFUSALS,
            {
                "user": user,
                "committee": kit.file.decode(),
                "root": pem(ca.root_cert),
                "otherRoot": pem(other.root_cert),
                "at": AT_JS,
                "badStatement": _bad_statement(kit.file),
                "substituted": _substituted(kit.file),
                "badShape": _bad_shape(kit.file),
            },
        )
    finally:
        await context.close()
    assert out["codes"] == {
        "backslash": "bid_input_invalid",
        "dot_dot": "bid_input_invalid",
        "control": "bid_input_invalid",
        "nul": "bid_input_invalid",
        "case_fold": "bid_input_invalid",
        "sharp_s": "bid_input_invalid",
        "nfc": "bid_input_invalid",
        "no_files": "bid_input_invalid",
        "price_text": "bid_input_invalid",
        "price_fraction": "bid_input_invalid",
        "field_name": "bid_input_invalid",
        "part_label": "bid_input_invalid",
        "consortium_self": "bid_input_invalid",
        "recipient": "age_key_invalid",
        "bad_statement": "committee_statement_invalid",
        "substituted": "committee_statement_invalid",
        "other_ca": "committee_statement_invalid",
        "no_roots": "committee_statement_invalid",
        "expired": "committee_statement_invalid",
        "committee_shape": "committee_invalid",
        "other_bidder": "bid_input_invalid",
        "bidi_name": "bid_input_invalid",
        "bidi_field": "bid_input_invalid",
        "key_gone": "key_not_found",
    }
    # sealed-bid.md §6, §7: a bidi control would reorder the shown name or value; the
    # refusal says which name or field (the control itself escaped).
    assert out["messages"]["bidi_name"].startswith("file name '大文件\\u202efdp.exe' contains")
    assert out["messages"]["bidi_field"].startswith("field quality contains a bidirectional")
    assert out["list"] == []
    assert out["entries"] == []


SELF_KEY = """
  // What a tab closed while sealing leaves: the next seal removes it.
  const top = await (await navigator.storage.getDirectory())
    .getDirectoryHandle("etender-sealed", {create: true});
  const mine = await top.getDirectoryHandle(arg.user, {create: true});
  await mine.getFileHandle("stale_main.age.partial", {create: true});
  const made = await sign.bid.identity.generate();
  const other = await sign.bid.identity.generate();
  const part = new File([new Uint8Array(1000)], "a.pdf");
  const sealed = await sign.bid.seal({committee: arg.committee, part: "main", fields: {},
    files: [part], recipient: made.recipient, roots: arg.root, at: arg.at});
  const bytes = new Uint8Array(await (await sign.bid.sealed.file(sealed.name)).arrayBuffer());
  const tampered = bytes.slice();
  const mac = new TextDecoder("latin1").decode(bytes.slice(0, 4096)).indexOf("\\n--- ") + 6;
  tampered[mac] = tampered[mac] === 65 ? 66 : 65;
  const code = (p) => p.then(() => "ok", (e) => e.code);
  const text = (t) => new TextEncoder().encode(t);
  const file = `# created: now\\n# public key: ${made.recipient}\\n${made.identity}\\n`;
  const result = {
    own: sign.hex(await sign.bid.selfKey(bytes, made.identity)),
    keygenFile: sign.hex(await sign.bid.selfKey(new Blob([bytes]), file)),
    other: await code(sign.bid.selfKey(bytes, other.identity)),
    tampered: await code(sign.bid.selfKey(tampered, made.identity)),
    notAge: await code(sign.bid.selfKey(text("PK\\u0003\\u0004"), made.identity)),
    v2: await code(sign.bid.selfKey(text("age-encryption.org/v2\\n"), made.identity)),
    truncated: await code(sign.bid.selfKey(bytes.slice(0, 60), made.identity)),
    badIdentity: await code(sign.bid.selfKey(bytes, "AGE-SECRET-KEY-1XYZ")),
    recipientAsIdentity: await code(sign.bid.identity.recipientOf(made.recipient)),
    removed: await sign.bid.sealed.remove(sealed.name).then(() => "ok"),
    gone: await code(sign.bid.sealed.file(sealed.name)),
    unsafeName: await code(sign.bid.sealed.file("../x.age")),
    list: await sign.bid.sealed.list(),
  };
  result.left = [];
  for await (const name of mine.keys()) result.left.push(name);
  return result;
"""


@pytest.mark.browser
@pytest.mark.slow(wait=60)
async def test_self_key_refuses_another_identity_and_a_tampered_header(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    ca = create_demo_ca(now=NOW)
    kit = make_committee(ca, k=2, n=3)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url, "bidder3")
        await browser_bidder_key(page, ca, user)
        out = await run_js(
            page,
            SELF_KEY,
            {"committee": kit.file.decode(), "root": pem(ca.root_cert), "at": AT_JS, "user": user},
        )
    finally:
        await context.close()
    assert out["own"] == out["keygenFile"]
    assert len(out["own"]) == 32
    assert out["other"] == "age_no_matching_stanza"
    assert out["tampered"] == "age_header_mac_mismatch"
    assert out["notAge"] == "age_header_malformed"
    assert out["v2"] == "age_unsupported_version"
    assert out["truncated"] == "age_header_malformed"
    assert out["badIdentity"] == "age_key_invalid"
    assert out["recipientAsIdentity"] == "age_key_invalid"
    assert out["removed"] == "ok"
    assert out["gone"] == "sealed_part_not_found"
    assert out["unsafeName"] == "sealed_part_not_found"
    assert out["list"] == []
    assert out["left"] == []  # the stale .partial went at the next seal


MINE = """
  const made = await sign.bid.identity.generate();
  const sealed = await sign.bid.seal({committee: arg.committee, part: "main", fields: {},
    files: [new File([new Uint8Array(10)], "a.pdf")], recipient: made.recipient,
    roots: arg.root, at: arg.at});
  return sealed.name;
"""

OTHERS = """
  const code = (p) => p.then(() => "ok", (e) => e.code);
  return {list: await sign.bid.sealed.list(), file: await code(sign.bid.sealed.file(arg)),
          remove: await code(sign.bid.sealed.remove(arg))};
"""


@pytest.mark.browser
@pytest.mark.slow(wait=60)
async def test_another_member_on_the_same_browser_sees_none_of_the_sealed_parts(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    """Sealed parts are kept per member (docs/browser-signing.md §3): the next member
    signed in on the profile lists none, reads none and removes none of them."""
    ca = create_demo_ca(now=NOW)
    kit = make_committee(ca, k=2, n=3)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url, "bidder4")
        await browser_bidder_key(page, ca, user)
        arg = {"committee": kit.file.decode(), "root": pem(ca.root_cert), "at": AT_JS}
        name = await run_js(page, MINE, arg)
        await sign_out(page)
        await signed_in_member(pool, page, live_server.url, "bidder5")
        others = await run_js(page, OTHERS, name)
        await sign_out(page)
        await sign_in(page, live_server.url, "bidder4")
        mine = await run_js(page, "return await sign.bid.sealed.list();")
    finally:
        await context.close()
    assert others == {
        "list": [],
        "file": "sealed_part_not_found",
        "remove": "sealed_part_not_found",
    }
    assert [p["name"] for p in mine] == [name]


PICK = """
  const input = document.createElement("input");
  input.type = "file";
  input.id = "pick";
  document.body.append(input);
  return (await sign.bid.sealed.list()).length;
"""

SEAL_PICKED = """
  const made = await sign.bid.identity.generate();
  const file = document.getElementById("pick").files[0];
  const code = await sign.bid.seal({committee: arg.committee, part: "main", fields: {},
    files: [file], recipient: made.recipient, roots: arg.root, at: arg.at})
    .then((sealed) => "sealed " + sealed.size, (e) => e.code);
  return {code, list: await sign.bid.sealed.list()};
"""


@pytest.mark.browser
@pytest.mark.slow(wait=60)
async def test_a_file_changed_after_it_was_picked_is_refused_and_the_network_is_not_needed(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """Sealing reads the bidder's file from disk as it goes (sealed-bid.md §8 step 4): a
    file changed on disk after it was picked is bid_input_invalid and leaves no partial
    file. Offline, a page that knows its member still seals (nothing is sent)."""
    ca = create_demo_ca(now=NOW)
    kit = make_committee(ca, k=2, n=3)
    source = tmp_path / "标书.pdf"
    source.write_bytes(bytes(300_000))
    context = await browser.new_context()
    try:
        page = await context.new_page()
        user = await signed_in_member(pool, page, live_server.url, "bidder6")
        await browser_bidder_key(page, ca, user)
        assert await run_js(page, PICK) == 0
        arg = {"committee": kit.file.decode(), "root": pem(ca.root_cert), "at": AT_JS}
        await page.set_input_files("#pick", str(source))
        source.write_bytes(bytes(200_000))  # changed on disk after it was picked
        changed = await run_js(page, SEAL_PICKED, arg)
        await page.set_input_files("#pick", str(source))
        await context.set_offline(True)
        offline = await run_js(page, SEAL_PICKED, arg)
    finally:
        await context.close()
    assert changed == {"code": "bid_input_invalid", "list": []}
    assert offline["code"].startswith("sealed ")
    assert len(offline["list"]) == 1
