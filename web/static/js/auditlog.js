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

const EM_DASH = "\u2014 ";
const LABEL = { "zh-CN": "（北京时间）", en: " (Beijing time)" };

const section = document.getElementById("proof");
const texts = JSON.parse(section.dataset.texts);
const lang = section.dataset.lang;

function say(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

const leafHash = (entry) => sha256(concat(Uint8Array.of(0), entry));
const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

// RFC 9162 §2.1.3.2, with BigInt-free integers (sizes stay below 2^53).
async function rootFromInclusion(leaf, index, size, proof) {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// C2SP signed-note: text up to the last blank line; then "— name base64" lines.
function parseNote(note) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) throw new Error("not a signed note");
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split("\n")
    .map((line) => {
      if (!line.startsWith(EM_DASH)) throw new Error("a malformed signature line");
      const rest = line.slice(EM_DASH.length);
      const space = rest.indexOf(" ");
      const raw = fromBase64(rest.slice(space + 1));
      return { name: rest.slice(0, space), keyId: raw.slice(0, 4), signature: raw.slice(4) };
    });
  return { text, signatures };
}

// A vkey: name+hex key ID+base64(type || 32-byte public key); the ID is recomputed.
// Names hold no "+" but base64 may: split at the first two only.
async function parseVkey(vkey) {
  const first = vkey.indexOf("+");
  const second = vkey.indexOf("+", first + 1);
  if (first < 1 || second < 0) throw new Error("a bad vkey");
  const name = vkey.slice(0, first);
  const raw = fromBase64(vkey.slice(second + 1));
  const id = (await sha256(concat(new TextEncoder().encode(`${name}\n`), raw))).slice(0, 4);
  const hex = Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
  if (hex !== vkey.slice(first + 1, second) || raw.length !== 33) throw new Error("a bad vkey");
  return { name, keyId: id, type: raw[0], publicKey: raw.slice(1) };
}

async function ed25519Verify(publicKey, signature, message) {
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
    "verify",
  ]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
}

function signatureBy(note, key) {
  return note.signatures.find((s) => s.name === key.name && equal(s.keyId, key.keyId));
}

function beijing(seconds) {
  const shown = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(new Date(seconds * 1000));
  return shown + (LABEL[lang] ?? LABEL["zh-CN"]);
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
  const logOk =
    logLine !== undefined &&
    logKey.type === 1 &&
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
  show("proof-status", texts.failed + error.message, false);
});
