// Evaluation sheets, docs/formats/evaluation-sheet.md §§1–3: canonical bytes with a fresh
// salt, the commitment (SHA-256), the seal (ChaCha20-Poly1305, AAD = the commitment).
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { SignError, b64url, canonicalJson, randomBytes, sha256, toBytes } from "./bytes.js";

const PHASES = ["qualification", "scoring", "adjustment"];
const MAX_SHEET = 1048560;

function compare(a, b) {
  // §1: sorted by (bid, item) as strings, by code points.
  const byBid = codePoints(a.bid, b.bid);
  if (byBid !== 0) return byBid;
  return codePoints(a.item, b.item);
}

function codePoints(x, y) {
  const a = Array.from(String(x), (c) => c.codePointAt(0));
  const b = Array.from(String(y), (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function count(value, name) {
  if (!Number.isSafeInteger(value) || value < 1) throw new SignError("sheet_malformed", `'${name}' is an integer ≥ 1`);
  return value;
}

export function build({ session, phase, seat, generation, version, entries }) {
  if (typeof session !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(session)) {
    throw new SignError("sheet_malformed", "'session' is a lowercase hyphenated UUID");
  }
  if (!PHASES.includes(phase)) throw new SignError("sheet_malformed", "'phase' is not a sheet phase");
  if (!Array.isArray(entries)) throw new SignError("sheet_malformed", "'entries' is an array");
  const sorted = entries.map((e) => ({ ...e })).sort(compare);
  for (let i = 1; i < sorted.length; i++) {
    if (compare(sorted[i - 1], sorted[i]) === 0) throw new SignError("sheet_malformed", "an entry (bid, item) twice");
  }
  const sheet = {
    format: "etender-sheet-v1",
    session,
    phase,
    seat: count(seat, "seat"),
    generation: count(generation, "generation"),
    version: count(version, "version"),
    salt: b64url.encode(randomBytes(32)),
    entries: sorted,
  };
  const bytes = canonicalJson(sheet);
  if (bytes.length > MAX_SHEET) throw new SignError("sheet_too_large", `a sheet is at most ${MAX_SHEET} bytes`);
  return bytes;
}

export function commitment(sheetBytes) {
  return sha256(sheetBytes);
}

/** §3: a fresh key and nonce per seal; the key stays with the member until the reveal. */
export function seal(sheetBytes) {
  const sheet = toBytes(sheetBytes);
  const committed = commitment(sheet);
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const ciphertext = chacha20poly1305(key, nonce, committed).encrypt(sheet);
  return { commitment: committed, ciphertext, nonce, key };
}

/** Opens a sealed sheet (the member's own check, e.g. after a reload). */
export function open({ ciphertext, nonce, key, commitment: committed }) {
  let sheet;
  try {
    sheet = chacha20poly1305(toBytes(key), toBytes(nonce), toBytes(committed)).decrypt(toBytes(ciphertext));
  } catch {
    throw new SignError("sheet_decryption_failed", "the sealed sheet does not open with this key, nonce and commitment");
  }
  const digest = sha256(sheet);
  if (digest.some((b, i) => b !== toBytes(committed)[i])) {
    throw new SignError("sheet_commitment_mismatch", "the sheet's SHA-256 is not its commitment");
  }
  return sheet;
}

/** The `submit_sheet` command's data (§5), base64url without padding. The key is not in it. */
export function submitData(sealed, signatureDer, phase) {
  if (!PHASES.includes(phase)) throw new SignError("sheet_malformed", "'phase' is not a sheet phase");
  return {
    phase,
    commitment: b64url.encode(sealed.commitment),
    ciphertext: b64url.encode(sealed.ciphertext),
    nonce: b64url.encode(sealed.nonce),
    signature: b64url.encode(signatureDer),
  };
}

/** The `reveal` command's data: the only place the module hands out a sheet key. */
export function revealData(phase, key) {
  return { phase, key: b64url.encode(key) };
}
