// manifest.json of a sealed part (docs/formats/sealed-bid.md §7): RFC 8785 canonical JSON of
// what the bidder signs. The checks of signing/manifest.py's BidInfo and ManifestFile, made
// before sealing so that a bad input leaves nothing behind (bid_input_invalid).
import { FILES_PREFIX, checkEntryName } from "./bidtar.js";
import { SignError, canonicalJson } from "./bytes.js";
import { PART_LABEL } from "./shares.js";

export const ALGORITHMS = Object.freeze({
  bidder_stanza: "X25519",
  container: "age-encryption.org/v1",
  file_hash: "sha256",
  share_stanza: "etender-share-v1",
  signature: "cms-detached",
});
const INTEGER_FIELDS = ["price", "duration"]; // fen and days
const MAX_TEXT = 4096;
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;

const invalid = (message) => new SignError("bid_input_invalid", message);
// Bidirectional controls reorder shown text ("大文件\u202efdp.exe" shows as "大文件exe.pdf"):
// a sealer MUST refuse them in field values and file names (§6, §7); readers accept them.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const BIDI_WHAT = "a bidirectional control character (U+202A to U+202E, U+2066 to U+2069)";
const shown = (name) => name.replace(/[\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

function text(value, what) {
  // Python counts code points: so do we (not UTF-16 units).
  if (typeof value !== "string" || value === "" || [...value].length > MAX_TEXT || !value.isWellFormed()) {
    throw invalid(`${what} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function field(name, value) {
  if (!FIELD_NAME.test(name)) throw invalid(`field name ${JSON.stringify(name)} is not [a-z][a-z0-9_]{0,63}`);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`field ${name} must be an integer between 0 and 2^53 - 1`);
    return value;
  }
  if (INTEGER_FIELDS.includes(name)) throw invalid(`field ${name} must be an integer (${name === "price" ? "fen" : "days"})`);
  text(value, `field ${name}`);
  if (BIDI.test(value)) throw invalid(`field ${name} contains ${BIDI_WHAT}`);
  return value;
}

/** The checked {tender, lot, part, bidder, consortium, fields} of a part. */
export function bidInfo({ tender, lot, part, bidder, consortium = [], fields = {} }) {
  text(tender, "tender");
  text(lot, "lot");
  text(bidder, "bidder");
  if (typeof part !== "string" || !PART_LABEL.test(part)) throw invalid(`part label ${JSON.stringify(part)} is not [a-z][a-z0-9_-]{0,31}`);
  if (!Array.isArray(consortium)) throw invalid("consortium is a list of member ids");
  consortium.forEach((m) => text(m, "consortium member"));
  if (new Set(consortium).size !== consortium.length || consortium.includes(bidder)) {
    throw invalid("consortium members must be distinct and not the bidder");
  }
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) throw invalid("fields is an object");
  const checked = {};
  for (const [name, value] of Object.entries(fields)) checked[name] = field(name, value);
  return { tender, lot, part, bidder, consortium: [...consortium], fields: checked };
}

/** Unicode full case folding, as Python's str.casefold() for names: toUpperCase then
 * toLowerCase folds ß → ss, ς → σ… — at least as strict as the reader's check. */
const fold = (name) => name.toUpperCase().toLowerCase();

/** The files' names under files/: NFC, safe, no two equal case-folded, none a directory
 * of another (§6, §8 step 2). */
export function fileNames(names) {
  const out = names.map((n) => (typeof n === "string" ? n.normalize("NFC") : n));
  out.forEach((n) => checkEntryName(FILES_PREFIX + n, "bid_input_invalid"));
  for (const n of out) if (BIDI.test(n)) throw invalid(`file name '${shown(n)}' contains ${BIDI_WHAT}`);
  const folded = out.map(fold);
  const lower = out.map((n) => n.toLowerCase());
  if (new Set(folded).size !== folded.length || new Set(lower).size !== lower.length) {
    throw invalid("two files would share a name in the bid (names are compared case-insensitively)");
  }
  const all = new Set(folded);
  for (const name of folded) {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      if (all.has(parts.slice(0, i).join("/"))) throw invalid(`a file name is a directory of ${JSON.stringify(name)}`);
    }
  }
  return out;
}

/** The manifest's canonical bytes (what manifest.p7s signs). */
export function manifestBytes(info, fingerprintHex, files) {
  return canonicalJson(manifestJson(info, fingerprintHex, files));
}

export function manifestJson(info, fingerprintHex, files) {
  return {
    format: "etender-bid-v1",
    algorithms: { ...ALGORITHMS },
    tender: info.tender,
    lot: info.lot,
    part: info.part,
    bidder: info.bidder,
    consortium: [...info.consortium],
    committee_fingerprint: fingerprintHex,
    fields: { ...info.fields },
    files: files.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
  };
}
