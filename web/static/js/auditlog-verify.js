// What the audit log pages verify in the browser (docs/audit-log.md §2-§4, §8), with
// WebCrypto only: RFC 9162 Merkle proofs over SHA-256, C2SP signed notes, vkeys and
// Ed25519 signatures. Pure functions over bytes; the pages' scripts import them
// (auditlog.js: an entry's inclusion proof; auditlog-checkpoints.js: consistency).

const EM_DASH = "\u2014 ";

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export const leafHash = (entry) => sha256(concat(Uint8Array.of(0), entry));
export const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

// RFC 9162 §2.1.3.2, with BigInt-free integers (sizes stay below 2^53).
export async function rootFromInclusion(leaf, index, size, proof) {
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
export function parseNote(note) {
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
export async function parseVkey(vkey) {
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

export async function ed25519Verify(publicKey, signature, message) {
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
    "verify",
  ]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
}

export function signatureBy(note, key) {
  return note.signatures.find((s) => s.name === key.name && equal(s.keyId, key.keyId));
}

// RFC 9162 §2.1.4.2, with the two cases docs/audit-log.md §2 defines: from size 0
// the proof is empty and the first root is MTH({}); from n to n, empty and equal roots.
export async function consistent(first, second, firstRoot, secondRoot, proof) {
  if (first === 0) return proof.length === 0 && equal(firstRoot, await sha256(new Uint8Array()));
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (first > second || proof.length === 0 || proof.some((c) => c.length !== 32)) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}
