// The audit log browser's in-page verifier (issue 15, item 3; docs/audit-log.md §8).
//
// What an outside verifier does for one entry (docs/audit-log.md §6.1 step 4), done in
// the visitor's browser with WebCrypto, trusting nothing the server computed:
//   1. take the checkpoint note the page names (by default the newest witnessed one
//      covering the entry; for the newest, the bytes GET /api/v1/log/checkpoint
//      serves) and verify the log's Ed25519 signature over its text (§3.1);
//   2. read the checkpoint's size and root (§3.2);
//   3. fetch the RFC 9162 inclusion proof of this entry in a tree of that size and
//      check it: SHA-256(0x00 || entry bytes), folded with SHA-256(0x01 || l || r)
//      as RFC 9162 §2.1.3.2 says, must give the root (§2);
//   4. verify each registered witness's cosignature/v1 line over the checkpoint (§4).
// Data is untrusted: text goes in with textContent only.

import {
  ed25519Verify,
  equal,
  fromBase64,
  leafHash,
  parseNote,
  parseVkey,
  rootFromInclusion,
  signatureBy,
  toBase64,
} from "./auditlog-verify.js";
import { beijing as beijingText } from "./beijing.js";

const section = document.getElementById("proof");
const texts = JSON.parse(section.dataset.texts);
const lang = section.dataset.lang;

function say(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

// A checkpoint's time (seconds since the epoch) in Beijing time, seconds shown: the
// one formatting of every page (beijing.js).
function beijing(seconds) {
  return beijingText(seconds * 1000, lang, { seconds: true });
}

function show(id, text, ok) {
  const element = document.getElementById(id);
  element.textContent = text;
  element.classList.remove("ok", "bad");
  if (ok !== undefined) element.classList.add(ok ? "ok" : "bad");
  element.dataset.verified = ok === undefined ? "" : String(ok);
}

async function verifyCosignatures(note, checkpointText, vkeys) {
  const list = document.getElementById("cosignatures");
  const encoder = new TextEncoder();
  for (const vkey of vkeys) {
    const key = await parseVkey(vkey);
    const item = document.createElement("li");
    item.dataset.witness = key.name;
    const line = signatureBy(note, key);
    if (line === undefined) {
      item.textContent = say(texts.witness_missing, { name: key.name });
    } else {
      const stamp = line.signature.slice(0, 8);
      const time = Number(new DataView(stamp.buffer, stamp.byteOffset).getBigUint64(0));
      const message = encoder.encode(`cosignature/v1\ntime ${time}\n${checkpointText}`);
      const ok =
        key.type === 4 && (await ed25519Verify(key.publicKey, line.signature.slice(8), message));
      item.textContent = ok
        ? say(texts.witness_ok, { name: key.name, time: beijing(time) })
        : say(texts.witness_bad, { name: key.name });
      item.className = ok ? "ok" : "bad";
      item.dataset.verified = String(ok);
    }
    list.append(item);
  }
}

async function verify() {
  show("proof-status", texts.checking);
  const index = Number(section.dataset.index);
  const entry = fromBase64(section.dataset.entry);
  if (section.dataset.checkpoint === "") {
    show("proof-status", texts.no_checkpoint);
    return;
  }
  const note = parseNote(section.dataset.checkpoint);
  const logKey = await parseVkey(section.dataset.logVkey);
  const logLine = signatureBy(note, logKey);
  const encoder = new TextEncoder();
  // The log's key is named by the origin, the checkpoint's first line (§3.2).
  const logOk =
    logLine !== undefined &&
    logKey.type === 1 &&
    note.text.split("\n")[0] === logKey.name &&
    (await ed25519Verify(logKey.publicKey, logLine.signature, encoder.encode(note.text)));
  show("log-signature", logOk ? texts.log_ok : texts.log_bad, logOk);
  const [, sizeLine, rootLine] = note.text.split("\n");
  const size = Number(sizeLine);
  const root = fromBase64(rootLine);
  await verifyCosignatures(note, note.text, JSON.parse(section.dataset.witnesses));
  if (index >= size) {
    show("proof-status", say(texts.not_covered, { size }));
    return;
  }
  const query = new URLSearchParams({ index: String(index), tree_size: String(size) });
  const proofAnswer = await fetch(`/api/v1/log/proof/inclusion?${query}`);
  if (!proofAnswer.ok) throw new Error(`proof: HTTP ${proofAnswer.status}`);
  const proof = (await proofAnswer.json()).hashes.map(fromBase64);
  const computed = await rootFromInclusion(await leafHash(entry), index, size, proof);
  const included = computed !== null && equal(computed, root);
  // A proof to a root the log's key did not sign proves nothing.
  const verified = logOk && included;
  show(
    "proof-text",
    [
      `${texts.checkpoint}: ${size}, ${texts.root} ${toBase64(root)}`,
      `${texts.proof}:`,
      ...proof.map(toBase64),
    ].join("\n"),
  );
  const message = verified ? texts.included : logOk ? texts.not_included : texts.log_bad;
  show("proof-status", say(message, { index, size }), verified);
}

verify().catch((error) => {
  // A browser without Ed25519 in WebCrypto cannot check signatures: say so plainly.
  const why = error.name === "NotSupportedError" ? texts.no_ed25519 : texts.failed + error.message;
  show("proof-status", why, false);
});
