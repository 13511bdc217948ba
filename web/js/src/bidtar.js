// The bid archive (docs/formats/sealed-bid.md §6): a deterministic PAX tar. Each entry is a
// PAX header block (typeflag x) with one `path` record, then a ustar block (typeflag 0),
// the bytes and zero padding to 512. The port of signing/bidtar.py's writer.
import { SignError, hex, sha256 } from "./bytes.js";

export const BLOCK = 512;
export const END_OF_ARCHIVE = new Uint8Array(2 * BLOCK);
export const MAX_FILE_SIZE = 8 ** 11 - 1; // 11 octal digits: files < 8 GiB
export const FILES_PREFIX = "files/";
export const MANIFEST_NAME = "manifest.json";
export const SIGNATURE_NAME = "manifest.p7s";
const utf8 = new TextEncoder();

/** §6 "Names"; `code` is what a refusal is called (bid_input_invalid before sealing). */
export function checkEntryName(path, code = "bid_archive_unsafe_entry") {
  const refuse = (why) => {
    throw new SignError(code, `name ${JSON.stringify(path)} ${why}`);
  };
  if (typeof path !== "string") refuse("is not a string");
  if (path.normalize("NFC") !== path) refuse("is not NFC-normalised");
  // Control characters (C0, DEL), backslash; a lone surrogate has no UTF-8 form.
  if (/[\x00-\x1f\x7f\\]/.test(path)) refuse("has control characters or backslashes");
  if (!path.isWellFormed()) refuse("is not valid Unicode");
  const components = path.split("/");
  if (utf8.encode(path).length > 1024 || components.some((c) => utf8.encode(c).length > 255)) refuse("is too long");
  if (components.some((c) => c === "" || c === "." || c === "..")) refuse("is absolute or has empty, . or .. parts");
  if (path !== MANIFEST_NAME && path !== SIGNATURE_NAME && !(path.startsWith(FILES_PREFIX) && components.length > 1)) {
    refuse("is outside files/ and not the manifest");
  }
  return path;
}

function octal(value, width) {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function ustarBlock(name, size, typeflag) {
  const block = new Uint8Array(BLOCK);
  block.set(name, 0);
  const put = (text, at) => block.set(utf8.encode(text), at);
  put(octal(0o644, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  put("        ", 148);
  put(typeflag, 156);
  put("ustar\x0000", 257);
  put(octal(0, 8), 329);
  put(octal(0, 8), 337);
  const sum = block.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return block;
}

/** One "<length> key=value\n" record; the length counts its own digits. */
export function paxRecord(key, value) {
  const body = utf8.encode(` ${key}=${value}\n`);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  const out = new Uint8Array(length);
  out.set(utf8.encode(String(length)), 0);
  out.set(body, length - body.length);
  return out;
}

export function paddingSize(size) {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The PAX header block, its record (padded) and the ustar block of one regular file. */
export function entryHeader(path, size) {
  checkEntryName(path);
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_FILE_SIZE) {
    throw new SignError("bid_input_invalid", `entry ${JSON.stringify(path)} is larger than 8 GiB - 1`);
  }
  const record = paxRecord("path", path);
  const encoded = utf8.encode(path);
  // The ustar name is only a stand-in for tools without PAX (§6).
  const name = /^[\x00-\x7f]*$/.test(path) && encoded.length <= 100 ? encoded : utf8.encode(FILES_PREFIX + hex(sha256(encoded)).slice(0, 32));
  const pax = utf8.encode("././@PaxHeader");
  const out = new Uint8Array(BLOCK + record.length + paddingSize(record.length) + BLOCK);
  out.set(ustarBlock(pax, record.length, "x"), 0);
  out.set(record, BLOCK);
  out.set(ustarBlock(name, size, "0"), out.length - BLOCK);
  return out;
}
