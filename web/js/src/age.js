// age v1 (c2sp.org/age) as docs/formats/sealed-bid.md §2 uses it: unpadded base64,
// stanzas, the header and its MAC, the X25519 recipient type, age identities, and the
// STREAM payload encryptor. The port of signing/ageheader.py, age.py and agestream.py.
// WebCrypto does X25519, HKDF and HMAC (Chromium ≥ 133); ChaCha20-Poly1305 is
// @noble/ciphers (WebCrypto has none).
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { decode as bech32Decode, encode as bech32Encode } from "./bech32.js";
import { SignError, b64, equalBytes, randomBytes, toBytes } from "./bytes.js";

export const FILE_KEY_SIZE = 16;
export const NONCE_SIZE = 16;
export const CHUNK_SIZE = 64 * 1024;
export const X25519_TYPE = "X25519";
export const ZERO_NONCE = new Uint8Array(12);
const X25519_INFO = ascii("age-encryption.org/v1/X25519");
const VERSION_LINE = ascii("age-encryption.org/v1\n");
const MAX_LINE = 4096; // §2: our bound on a header line
const MAX_STANZAS = 128; // §2: our bound on the stanzas of a header
const COLUMNS = 64;
const BASEPOINT = new Uint8Array(32);
BASEPOINT[0] = 9;
// PKCS#8 PrivateKeyInfo of an X25519 key (RFC 8410) up to its 32 raw bytes: WebCrypto
// imports raw private X25519 scalars only this way.
const PKCS8_X25519 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);

export function ascii(text) {
  return new TextEncoder().encode(text);
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

/** Canonical base64 without padding (c2sp.org/age, "Conventions"). */
export function b64encode(bytes) {
  return b64.encode(bytes).replace(/=+$/, "");
}

/** Unpadded base64; padding and non-canonical spellings are age_header_malformed. */
export function b64decode(text, code = "age_header_malformed") {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) {
    throw new SignError(code, "not unpadded base64");
  }
  try {
    return b64.decode(text + "=".repeat((4 - (text.length % 4)) % 4));
  } catch {
    throw new SignError(code, "non-canonical base64 (non-zero trailing bits)");
  }
}

// --- WebCrypto primitives ---

function subtle() {
  if (!globalThis.crypto || !crypto.subtle) throw new SignError("webcrypto_unavailable", "WebCrypto is not available (not a secure context)");
  return crypto.subtle;
}

/** HKDF-SHA-256 (RFC 5869): Extract with `salt`, Expand with `info` to `length` bytes. */
export async function hkdf(ikm, salt, info, length = 32) {
  const key = await subtle().importKey("raw", toBytes(ikm), "HKDF", false, ["deriveBits"]);
  const bits = await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: toBytes(salt), info: toBytes(info) }, key, length * 8);
  return new Uint8Array(bits);
}

export async function hmacSha256(key, data) {
  const k = await subtle().importKey("raw", toBytes(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle().sign("HMAC", k, toBytes(data)));
}

/** X25519(secret, public) of RFC 7748 §5; all zero for a low-order point (WebCrypto
 * refuses that result; callers check for zero, as signing/age.py's callers do). */
export async function x25519(secret, publicKey) {
  let priv;
  let pub;
  try {
    priv = await subtle().importKey("pkcs8", concat(PKCS8_X25519, toBytes(secret)), { name: "X25519" }, false, ["deriveBits"]);
    pub = await subtle().importKey("raw", toBytes(publicKey), { name: "X25519" }, false, []);
  } catch (err) {
    if (err instanceof SignError) throw err;
    throw new SignError("webcrypto_unavailable", `this browser's WebCrypto has no X25519 (Chromium ≥ 133 has): ${err && err.message}`);
  }
  try {
    return new Uint8Array(await subtle().deriveBits({ name: "X25519", public: pub }, priv, 256));
  } catch {
    return new Uint8Array(32);
  }
}

export function x25519Base(secret) {
  return x25519(secret, BASEPOINT);
}

const isZero = (bytes) => bytes.every((b) => b === 0);

// --- keys ---

/** An `age1…` recipient: its 32 public bytes (age_key_invalid otherwise). */
export function parseRecipient(text) {
  const [hrp, data] = bech32Decode(text);
  if (hrp !== "age" || data.length !== 32) throw new SignError("age_key_invalid", "not an age X25519 recipient (age1…)");
  return data;
}

export function encodeRecipient(publicKey) {
  return bech32Encode("age", publicKey);
}

/** An `AGE-SECRET-KEY-1…` identity: its 32 secret bytes (age_key_invalid otherwise). */
export function parseIdentity(text) {
  const [hrp, data] = bech32Decode(typeof text === "string" ? text.trim() : text);
  if (hrp !== "age-secret-key-" || data.length !== 32) {
    throw new SignError("age_key_invalid", "not an age X25519 identity (AGE-SECRET-KEY-1…)");
  }
  return data;
}

/** A new identity and its recipient, made in the page; nothing is stored. */
export async function generateIdentity() {
  const secret = randomBytes(32);
  try {
    const recipient = encodeRecipient(await x25519Base(secret));
    return { identity: bech32Encode("AGE-SECRET-KEY-", secret), recipient };
  } finally {
    secret.fill(0);
  }
}

/** The `age1…` recipient of an identity string, or of the identity file age-keygen writes
 * (comment lines skipped). */
export async function recipientOf(identity) {
  const secret = parseIdentity(identityLine(identity));
  try {
    return encodeRecipient(await x25519Base(secret));
  } finally {
    secret.fill(0);
  }
}

/** The one key line of an identity text (age-keygen's file: comments, then the key). */
export function identityLine(text) {
  if (typeof text !== "string") throw new SignError("age_key_invalid", "an age identity is a string");
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length !== 1) throw new SignError("age_key_invalid", "an identity file holds exactly one AGE-SECRET-KEY-1… line");
  return lines[0];
}

// --- stanzas and the header ---

const isArgument = (arg) => typeof arg === "string" && /^[\x21-\x7e]+$/.test(arg);

/** A stanza's lines: "-> " arguments, then the body wrapped at 64 columns, ending short. */
export function encodeStanza({ args, body }) {
  if (!args.length || !args.every(isArgument)) throw new SignError("age_header_malformed", "stanza arguments must be 1*VCHAR each");
  const text = b64encode(body);
  const lines = [];
  for (let i = 0; i < text.length; i += COLUMNS) lines.push(text.slice(i, i + COLUMNS));
  if (text.length % COLUMNS === 0) lines.push("");
  return ascii("-> " + args.join(" ") + "\n" + lines.map((l) => l + "\n").join(""));
}

async function headerMac(fileKey, macInput) {
  return hmacSha256(await hkdf(fileKey, new Uint8Array(0), ascii("header")), macInput);
}

/** The header bytes for `stanzas`, MAC'd under `fileKey`. */
export async function buildHeader(stanzas, fileKey) {
  const macInput = concat(VERSION_LINE, ...stanzas.map(encodeStanza), ascii("---"));
  return concat(macInput, ascii(" " + b64encode(await headerMac(fileKey, macInput)) + "\n"));
}

/** Thrown by parseHeader when `bytes` ends inside the header: read more and try again. */
export class HeaderIncomplete extends SignError {
  constructor() {
    super("age_header_malformed", "the header ends before its MAC line");
  }
}

/** Parse the header at the start of `bytes` strictly (payload may follow):
 * {stanzas, mac, raw, macInput}. §2's errors. */
export function parseHeader(bytes, complete = true) {
  const data = toBytes(bytes);
  let at = 0;
  const line = () => {
    const end = data.subarray(at, at + MAX_LINE + 1).indexOf(10);
    if (end < 0) {
      if (data.length - at > MAX_LINE) throw new SignError("age_header_malformed", `a header line is longer than ${MAX_LINE} bytes`);
      if (!complete) throw new HeaderIncomplete();
      throw new SignError("age_header_malformed", "the header ends before its MAC line");
    }
    const text = data.subarray(at, at + end);
    at += end + 1;
    return text;
  };
  const decoder = new TextDecoder("latin1");
  const first = line();
  const firstText = decoder.decode(first);
  if (firstText + "\n" !== "age-encryption.org/v1\n") {
    const version = firstText.slice("age-encryption.org/".length);
    if (firstText.startsWith("age-encryption.org/") && isArgument(version)) {
      throw new SignError("age_unsupported_version", `unsupported age version line ${firstText.slice(0, 64)}`);
    }
    throw new SignError("age_header_malformed", "not an age v1 file (armored files are not accepted)");
  }
  const stanzas = [];
  for (;;) {
    const start = at;
    const text = decoder.decode(line());
    if (text.startsWith("-> ")) {
      if (stanzas.length === MAX_STANZAS) throw new SignError("age_header_malformed", `more than ${MAX_STANZAS} stanzas`);
      const args = text.slice(3).split(" ");
      if (!args.every(isArgument)) throw new SignError("age_header_malformed", "stanza arguments must be 1*VCHAR separated by single spaces");
      let body = "";
      for (;;) {
        const bodyLine = decoder.decode(line());
        if (bodyLine.length > COLUMNS || !/^[A-Za-z0-9+/]*$/.test(bodyLine)) {
          throw new SignError("age_header_malformed", "a stanza body line is not base64 of at most 64 columns");
        }
        body += bodyLine;
        if (bodyLine.length < COLUMNS) break;
      }
      stanzas.push({ args, body: b64decode(body) });
    } else if (text.startsWith("--- ") && stanzas.length) {
      const encoded = text.slice(4);
      if (encoded.length !== 43) throw new SignError("age_header_malformed", "the header MAC is not 43 base64 characters");
      return { stanzas, mac: b64decode(encoded), raw: data.slice(0, at), macInput: data.slice(0, start + 3) };
    } else {
      throw new SignError("age_header_malformed", "expected a stanza (-> ) or the MAC line (--- )");
    }
  }
}

/** Refuse a file key given from outside that fails the header MAC (age_file_key_invalid). */
export async function checkFileKey(header, fileKey, code = "age_file_key_invalid") {
  const key = toBytes(fileKey);
  if (key.length !== FILE_KEY_SIZE || !equalBytes(await headerMac(key, header.macInput), header.mac)) {
    throw new SignError(code, "the file key does not verify the header MAC");
  }
}

/** The bidder's own stanza: stock age's X25519 recipient stanza wrapping `fileKey`. */
export async function wrapX25519(recipient, fileKey) {
  const secret = randomBytes(32);
  try {
    const share = await x25519Base(secret);
    const shared = await x25519(secret, recipient);
    const key = await hkdf(shared, concat(share, recipient), X25519_INFO);
    const body = chacha20poly1305(key, ZERO_NONCE).encrypt(fileKey);
    return { args: [X25519_TYPE, b64encode(share)], body };
  } finally {
    secret.fill(0);
  }
}

async function unwrapX25519(secret, recipient, stanza) {
  if (stanza.args[0] !== X25519_TYPE) return null;
  if (stanza.args.length !== 2 || stanza.body.length !== 32) {
    throw new SignError("age_header_malformed", "an X25519 stanza needs 2 arguments and a 32-byte body");
  }
  const share = b64decode(stanza.args[1]);
  if (share.length !== 32) throw new SignError("age_header_malformed", "an X25519 ephemeral share must be 32 bytes");
  const shared = await x25519(secret, share);
  if (isZero(shared)) throw new SignError("age_header_malformed", "X25519 shared secret is all zero (low-order share)");
  const key = await hkdf(shared, concat(share, recipient), X25519_INFO);
  try {
    return chacha20poly1305(key, ZERO_NONCE).decrypt(stanza.body);
  } catch {
    return null;
  }
}

/** The file key of a part's header for the bidder's identity, the MAC checked (§2 codes). */
export async function unwrapFileKey(header, identityText) {
  if (header.stanzas.some((s) => s.args[0] === "scrypt") && header.stanzas.length > 1) {
    throw new SignError("age_header_malformed", "an scrypt stanza must be the only stanza");
  }
  const secret = parseIdentity(identityLine(identityText));
  try {
    const recipient = await x25519Base(secret);
    for (const stanza of header.stanzas) {
      const fileKey = await unwrapX25519(secret, recipient, stanza);
      if (fileKey === null) continue;
      await checkFileKey(header, fileKey, "age_header_mac_mismatch");
      return fileKey;
    }
  } finally {
    secret.fill(0);
  }
  throw new SignError("age_no_matching_stanza", "no stanza opens with the given identity");
}

/** Read and parse the header at the start of a Blob or bytes, reading more of a Blob
 * only as the header needs. */
export async function readHeader(source) {
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    let size = 64 * 1024;
    for (;;) {
      const take = Math.min(size, source.size);
      const bytes = new Uint8Array(await source.slice(0, take).arrayBuffer());
      try {
        return parseHeader(bytes, take === source.size);
      } catch (err) {
        if (!(err instanceof HeaderIncomplete)) throw err;
      }
      size *= 4;
    }
  }
  return parseHeader(toBytes(source));
}

/** selfKey (sealed-bid.md §2, §5): the 16-byte file key of a part for the bidder's identity. */
export async function selfKey(headerSource, identity) {
  return unwrapFileKey(await readHeader(headerSource), identity);
}

// --- the payload: ChaCha20-Poly1305 STREAM, 64 KiB chunks ---

/** Sans-I/O STREAM encryptor. `update(data, output)` seals every chunk now known not to
 * be the last (the last 1…64 KiB fed are held back), `finish(output)` the final chunk;
 * each chunk is encrypted straight into `output.reserve(n)` (then `output.commit(n)`), so
 * nothing is allocated per chunk. */
export class PayloadEncryptor {
  static async create(fileKey) {
    const nonce = randomBytes(NONCE_SIZE);
    return new PayloadEncryptor(await hkdf(fileKey, nonce, ascii("payload")), nonce);
  }

  constructor(key, nonce) {
    this.nonce = nonce;
    this.key = key;
    this.buffer = new Uint8Array(CHUNK_SIZE);
    this.filled = 0;
    this.counter = 0;
    this.chunkNonce = new Uint8Array(12);
  }

  seal(plain, last, output) {
    // nonce = counter as 11 bytes big endian || last flag (§2).
    const n = this.chunkNonce;
    let c = this.counter++;
    for (let i = 10; i >= 0; i--) {
      n[i] = c % 256;
      c = Math.floor(c / 256);
    }
    n[11] = last ? 1 : 0;
    const into = output.reserve(plain.length + 16);
    chacha20poly1305(this.key, n).encrypt(plain, into);
    output.commit(into.length);
  }

  update(data, output) {
    let view = toBytes(data);
    while (view.length) {
      if (this.filled === CHUNK_SIZE) {
        this.seal(this.buffer, false, output);
        this.filled = 0;
      }
      const take = Math.min(CHUNK_SIZE - this.filled, view.length);
      this.buffer.set(view.subarray(0, take), this.filled);
      this.filled += take;
      view = view.subarray(take);
    }
  }

  finish(output) {
    this.seal(this.buffer.subarray(0, this.filled), true, output);
    this.key.fill(0);
    this.buffer.fill(0);
  }
}
