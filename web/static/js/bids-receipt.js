// A bid receipt checked in the page (docs/formats/upload.md §4.2): the checkpoint note
// verifies with the log's key, the receipt's log entry is the submission (or
// withdrawal) it names, and the RFC 9162 inclusion proof takes the entry's leaf to the
// checkpoint's root. The primitives are the audit pages' (auditlog-verify.js,
// WebCrypto only). The entry's bidder and statement commitments are opened with the
// salt the receipt answer carries (upload.md §4.2 step 2, §5; commit() of audit-log.md
// §1.2): the log never holds the statement's plain hash, which would name the bidder.
"use strict";

import {
  ed25519Verify,
  equal,
  fromBase64,
  leafHash,
  parseNote,
  parseVkey,
  rootFromInclusion,
  signatureBy,
} from "/static/js/auditlog-verify.js";

const KINDS = { submit: "tender.bid_submitted", withdraw: "tender.bid_withdrawn" };
// The labels of the two commitments one salt opens (signing/log/entry.py COMMIT_LABEL,
// signing/statements/bid.py STATEMENT_COMMIT_LABEL).
const BIDDER_LABEL = "etender-commit-v1";
const STATEMENT_LABEL = "etender-bid-statement-v1";

function sameParts(a, b) {
  const key = (p) => `${p.label}:${p.sha256}`;
  const left = (a || []).map(key).sort();
  const right = (b || []).map(key).sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

// What the entry must say of the receipt in clear: its kind, version and parts (and, in
// an entry of format 1 — no `format`, logged before format 2 —, the statement's hash).
export function entryMatches(entry, receipt) {
  const data = entry.data || {};
  const format1 = data.format === undefined;
  return (
    entry.kind === KINDS[receipt.kind] &&
    (format1 ? data.statement_sha256 === receipt.statement_sha256 : data.format === 2) &&
    data.version === receipt.version &&
    String(data.lot) === String(receipt.lot) &&
    sameParts(data.parts, receipt.parts)
  );
}

// commit(value, salt) of docs/audit-log.md §1.2, as lowercase hex; `label` is
// "etender-bid-statement-v1" for a statement's hash (upload.md §5).
export async function commitment(value, saltHex, label = BIDDER_LABEL) {
  const lp = (bytes) => {
    const out = new Uint8Array(4 + bytes.length);
    new DataView(out.buffer).setUint32(0, bytes.length);
    out.set(bytes, 4);
    return out;
  };
  const salt = new Uint8Array((saltHex.match(/../g) || []).map((h) => parseInt(h, 16)));
  const parts = [lp(new TextEncoder().encode(label)), lp(salt),
    lp(new TextEncoder().encode(value))];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Whether the answer's salt opens the entry's commitments: data.bidder to the receipt's
// credit code and (format 2) data.statement to its statement hash.
export async function saltOpens(entry, receipt, saltHex) {
  const data = entry.data || {};
  if (typeof saltHex !== "string" || !/^([0-9a-f]{2}){16,}$/.test(saltHex)) return false;
  if (data.bidder !== (await commitment(receipt.bidder, saltHex))) return false;
  return data.format === undefined ||
    data.statement === (await commitment(receipt.statement_sha256, saltHex, STATEMENT_LABEL));
}

// {ok, why, index, size}: why is "checkpoint", "proof", "entry", "salt" or "uncovered".
export async function checkReceipt(answer, vkey) {
  const receipt = answer.receipt_json;
  const index = answer.log_index;
  if (!answer.checkpoint) return { ok: false, why: "uncovered", index, size: 0 };
  const note = parseNote(answer.checkpoint);
  const key = await parseVkey(vkey.trim());
  const line = signatureBy(note, key);
  const encoder = new TextEncoder();
  // The log's key is named by the origin, the checkpoint's first line (audit-log.md §3.2).
  const signed =
    line !== undefined &&
    key.type === 1 &&
    note.text.split("\n")[0] === key.name &&
    (await ed25519Verify(key.publicKey, line.signature, encoder.encode(note.text)));
  const [, sizeLine, rootLine] = note.text.split("\n");
  const size = Number(sizeLine);
  if (!signed) return { ok: false, why: "checkpoint", index, size };
  const entryBytes = fromBase64(answer.entry);
  const entry = JSON.parse(new TextDecoder().decode(entryBytes));
  if (receipt.log_index !== index || !entryMatches(entry, receipt)) {
    return { ok: false, why: "entry", index, size };
  }
  if (!(await saltOpens(entry, receipt, answer.bidder_salt))) {
    return { ok: false, why: "salt", index, size };
  }
  if (answer.tree_size !== size || index >= size) return { ok: false, why: "proof", index, size };
  const proof = answer.inclusion_proof.map(fromBase64);
  const root = await rootFromInclusion(await leafHash(entryBytes), index, size, proof);
  const included = root !== null && equal(root, fromBase64(rootLine));
  return { ok: included, why: included ? null : "proof", index, size };
}
