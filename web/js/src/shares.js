// The share stanza etender-share-v1 (docs/formats/sealed-bid.md §4): Shamir shares of the
// file key over GF(2^8), each wrapped to one official. Every byte of every stanza is a
// function of the file key, the committee fingerprint, the part label, k, x and the
// official's recipient (§5, "the closed variant"): a sealer MUST derive them exactly so,
// which is why nothing here is random. The port of signing/shamir.py and shares.py.
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ZERO_NONCE, ascii, b64encode, concat, encodeStanza, hkdf, parseRecipient, x25519, x25519Base } from "./age.js";
import { SignError, fromHex, sha256, toBytes } from "./bytes.js";

export const SHARE_TYPE = "etender-share-v1";
export const PART_LABEL = /^[a-z][a-z0-9_-]{0,31}$/;
const LABEL = {
  coefficients: ascii("etender-share-v1/coefficients"),
  ephemeral: ascii("etender-share-v1/ephemeral"),
  salt: ascii("etender-share-v1/salt"),
  commitment: ascii("etender-share-v1/commitment"),
  wrap: ascii("etender-share-v1/wrap"),
};

// GF(2^8) mod 0x11B, by exponent and logarithm tables of the generator 0x03 (§4.2).
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
(() => {
  let value = 1;
  for (let power = 0; power < 255; power++) {
    EXP[power] = value;
    LOG[value] = power;
    let doubled = value << 1;
    if (doubled & 0x100) doubled ^= 0x11b;
    value ^= doubled;
  }
  for (let power = 255; power < 510; power++) EXP[power] = EXP[power - 255];
})();

export function gfMul(a, b) {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

export function checkParameters(k, n) {
  if (!Number.isInteger(k) || !Number.isInteger(n) || !(2 <= k && k < n && n <= 32)) {
    throw new SignError("shamir_parameters_invalid", `need 2 <= k < n <= 32, got k=${k}, n=${n}`);
  }
}

export function checkPartLabel(part) {
  if (typeof part !== "string" || !PART_LABEL.test(part)) {
    throw new SignError("shamir_parameters_invalid", "a part label is [a-z][a-z0-9_-]{0,31}");
  }
  return part;
}

/** §4.1: label || 0x00 || F || [x] || P (no [x] for the coefficients). */
function info(label, fingerprint, part, x = null) {
  return concat(label, new Uint8Array([0]), fingerprint, x === null ? new Uint8Array(0) : new Uint8Array([x]), ascii(checkPartLabel(part)));
}

/** §4.2: shares x = 1…n of the 16-byte key, coefficients C = HKDF(file key, "", info). */
export async function split(fileKey, k, n, fingerprint, part) {
  checkParameters(k, n);
  const width = fileKey.length;
  const coefficients = await hkdf(fileKey, new Uint8Array(0), info(LABEL.coefficients, fingerprint, part), width * (k - 1));
  const rows = [fileKey];
  for (let c = 0; c < k - 1; c++) rows.push(coefficients.subarray(c * width, (c + 1) * width));
  const shares = [];
  for (let x = 1; x <= n; x++) {
    const value = new Uint8Array(width);
    for (let r = rows.length - 1; r >= 0; r--) {
      for (let j = 0; j < width; j++) value[j] = gfMul(value[j], x) ^ rows[r][j];
    }
    shares.push({ x, value });
  }
  return shares;
}

/** §4.1: SHA-256(label || 0x00 || F || [x] || salt || share || P). */
export function commitment(fingerprint, part, x, salt, share) {
  return sha256(concat(LABEL.commitment, new Uint8Array([0]), fingerprint, new Uint8Array([x]), salt, share, ascii(checkPartLabel(part))));
}

/** §4.3: the stanza of official x, whose recipient (32 bytes) is `recipient`. */
async function wrapShare(fileKey, fingerprint, part, k, n, share, recipient) {
  const { x, value } = share;
  const none = new Uint8Array(0);
  const secret = await hkdf(fileKey, none, info(LABEL.ephemeral, fingerprint, part, x));
  const salt = await hkdf(fileKey, none, info(LABEL.salt, fingerprint, part, x), 16);
  const ephemeral = await x25519Base(secret);
  const shared = await x25519(secret, recipient);
  secret.fill(0);
  const key = await hkdf(shared, concat(ephemeral, recipient), info(LABEL.wrap, fingerprint, part, x));
  const body = chacha20poly1305(key, ZERO_NONCE).encrypt(value);
  const commit = commitment(fingerprint, part, x, salt, value);
  const args = [SHARE_TYPE, String(x), String(k), String(n), ...[salt, commit, ephemeral, fingerprint].map(b64encode)];
  return { args, body };
}

/** One share stanza per recipient (x = 1…n in committee order), all derived from the file key. */
export async function deriveShareStanzas(fileKey, { fingerprint, part, k, recipients }) {
  const shares = await split(fileKey, k, recipients.length, fingerprint, part);
  const stanzas = [];
  for (let i = 0; i < shares.length; i++) {
    stanzas.push(await wrapShare(fileKey, fingerprint, part, k, recipients.length, shares[i], recipients[i]));
  }
  return stanzas;
}

/** bid.shareStanzas (sealed-bid.md §4.5, §5): the share stanzas, as header text, that a
 * file key gives for a committee (fingerprint hex, k, recipients age1… in x order) and a
 * part — what a dispute recomputes; a bidder's own check of its header. */
export async function shareStanzaLines({ fileKey, fingerprint, k, recipients, part }) {
  if (typeof fingerprint !== "string" || !/^[0-9a-f]{64}$/.test(fingerprint)) {
    throw new SignError("committee_invalid", "the fingerprint is 64 lowercase hex");
  }
  if (!Array.isArray(recipients)) throw new SignError("committee_invalid", "recipients is the list of the officials' age1…");
  if (toBytes(fileKey).length !== 16) throw new SignError("age_file_key_invalid", "a file key is 16 bytes");
  checkParameters(k, recipients.length);
  const parsed = recipients.map(parseRecipient);
  const stanzas = await deriveShareStanzas(toBytes(fileKey), { fingerprint: fromHex(fingerprint), part, k, recipients: parsed });
  return stanzas.map((s) => new TextDecoder().decode(encodeStanza(s)));
}
