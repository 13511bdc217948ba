// Bytes, encodings, hashes and canonical JSON: the small pure helpers every part uses.
// docs/formats/signatures.md §1 (RFC 8785) and evaluation-sheet.md (base64url, no padding).
import { sha256 as nobleSha256 } from "@noble/hashes/sha2";

/** The one error type of the module: a stable snake_case code and a message. */
export class SignError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SignError";
    this.code = code;
  }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function encodeWith(alphabet, bytes, pad) {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + alphabet[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + (pad ? "==" : "");
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + (pad ? "=" : "");
  }
  return out;
}

function decodeWith(alphabet, text, padded) {
  if (typeof text !== "string") throw new SignError("encoding_invalid", "not a string");
  let body = text;
  if (padded) {
    if (body.length % 4 !== 0) throw new SignError("encoding_invalid", "base64 length is not a multiple of 4");
    body = body.replace(/={1,2}$/, "");
  }
  if (body.length % 4 === 1) throw new SignError("encoding_invalid", "impossible base64 length");
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of body) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new SignError("encoding_invalid", "a character outside the base64 alphabet");
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 255;
    }
  }
  // Spare bits must be zero: each value has exactly one spelling (evaluation-sheet.md).
  if (bits > 0 && (value & ((1 << bits) - 1)) !== 0) {
    throw new SignError("encoding_invalid", "non-zero spare bits");
  }
  return out;
}

/** base64url without padding (RFC 4648 §5). */
export const b64url = {
  encode: (bytes) => encodeWith(B64URL, toBytes(bytes), false),
  decode: (text) => decodeWith(B64URL, text, false),
};

/** Standard base64 with padding (RFC 4648 §4). */
export const b64 = {
  encode: (bytes) => encodeWith(B64, toBytes(bytes), true),
  decode: (text) => decodeWith(B64, text, true),
};

export function toBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new SignError("bytes_invalid", "expected bytes (Uint8Array)");
}

/** SHA-256 (FIPS 180-4), synchronous. */
export function sha256(bytes) {
  return nobleSha256(toBytes(bytes));
}

/** Lowercase hex, as sha256sum prints it. */
export function hex(bytes) {
  return Array.from(toBytes(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text) {
  if (!/^([0-9a-f]{2})*$/.test(text)) throw new SignError("encoding_invalid", "not lowercase hex");
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

function canonical(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    // signatures.md §1: integers only, at most 2^53 - 1 in magnitude (I-JSON).
    if (!Number.isSafeInteger(value)) throw new SignError("canonical_json_invalid", "only safe integers");
    return String(value);
  }
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  if (typeof value === "object") {
    // RFC 8785 §3.2.3: keys sorted by UTF-16 code units, which is JavaScript's default sort.
    const keys = Object.keys(value).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }
  throw new SignError("canonical_json_invalid", `a ${typeof value} has no canonical JSON`);
}

/** RFC 8785 canonical JSON (strings, integers, booleans, null, arrays, objects) as UTF-8 bytes. */
export function canonicalJson(value) {
  return new TextEncoder().encode(canonical(value));
}
