// bid.seal (docs/browser-signing.md §7): every input is checked in the page first — the
// committee's statements (sealed-bid.md §3), names, fields, the recipient — so a refusal
// leaves no file; then a dedicated Worker (this same bundle, loaded as a module worker,
// so it is the file whose SHA-256 the platform publishes) seals into OPFS. The manifest
// is signed here, with the member's browser key, when the Worker asks.
import { parseRecipient } from "./age.js";
import { MAX_FILE_SIZE } from "./bidtar.js";
import { SignError, hex, randomBytes } from "./bytes.js";
import { signDetached } from "./cms.js";
import { checkStatements, parseCommittee } from "./committee.js";
import { current, list as listKeys } from "./keys.js";
import { bidInfo, fileNames } from "./manifest.js";
import { certificatesFromPem, parseCertificate } from "./pem.js";
import { signedInUser } from "./session.js";
import { WORKER_NAME } from "./sealworker.js";

function creditCode(record) {
  const leaf = parseCertificate(certificatesFromPem(record.certificatePem)[0]);
  const found = leaf.subject.typesAndValues.filter((tv) => tv.type === "2.5.4.5");
  return found.length === 1 ? String(found[0].value.valueBlock.value) : null;
}

async function signingKey(userId, keyId) {
  if (keyId === undefined) {
    const record = await current(userId);
    if (!record) throw new SignError("certificate_missing", "no key with a certificate on this device: make or import one on the keys page");
    return record;
  }
  const record = (await listKeys(userId)).find((r) => r.id === keyId);
  if (!record) throw new SignError("key_not_found", "no such key of this member on this device");
  if (!record.certificatePem) throw new SignError("certificate_missing", "this key has no certificate yet");
  return record;
}

const safe = (text) => text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);

function partName(info) {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  return `${safe(info.tender)}_${safe(info.lot)}_${info.part}_${stamp}_${hex(randomBytes(4))}.age`;
}

/** Seals one part: {name, size, sha256, part, tender, lot, manifest}. */
export async function seal(options = {}) {
  const { committee, part, consortium = [], fields = {}, files, recipient, onProgress, roots, at, keyId } = options;
  const userId = await signedInUser();
  if (!userId) throw new SignError("key_not_found", "nobody is signed in on this page");
  const record = await signingKey(userId, keyId);
  const parsed = await checkStatements(parseCommittee(committee), { roots, at });
  // §7: the signer's certificate must carry the bid's organisation as its credit code.
  const code = creditCode(record);
  const bidder = options.bidder === undefined || options.bidder === null ? code : options.bidder;
  if (code !== null && bidder !== code) {
    throw new SignError(
      "bid_input_invalid",
      `the signing key's certificate is organisation ${code}'s, not ${bidder}'s: the part would not open as the bidder's own`,
    );
  }
  const info = bidInfo({ tender: parsed.tender, lot: parsed.lot, part, bidder, consortium, fields });
  const bidderRecipient = parseRecipient(recipient);
  if (!Array.isArray(files) || !files.length || !files.every((f) => typeof Blob !== "undefined" && f instanceof Blob)) {
    throw new SignError("bid_input_invalid", "files is a non-empty list of File objects");
  }
  if (files.some((f) => f.size > MAX_FILE_SIZE)) throw new SignError("bid_input_invalid", "a file is larger than 8 GiB - 1");
  const names = fileNames(files.map((f) => f.name));
  const job = {
    userId,
    name: partName(info),
    info,
    names,
    files,
    recipient: bidderRecipient,
    committee: {
      fingerprint: parsed.fingerprint,
      fingerprintHex: parsed.fingerprintHex,
      k: parsed.k,
      recipients: parsed.officials.map((o) => o.publicKey),
    },
  };
  return runWorker(job, record, onProgress);
}

function runWorker(job, record, onProgress) {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = new Worker(import.meta.url, { type: "module", name: WORKER_NAME });
    } catch (err) {
      reject(new SignError("worker_failed", `the sealing worker could not start: ${err && err.message}`));
      return;
    }
    const finish = (fn, value) => {
      worker.terminate();
      fn(value);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish(reject, new SignError("worker_failed", `the sealing worker failed: ${event.message || "error"}`));
    };
    worker.onmessage = async (event) => {
      const message = event.data;
      if (message.type === "progress") {
        if (typeof onProgress === "function") {
          try {
            onProgress({ phase: "sealing", done: message.done, total: message.total });
          } catch {
            // the page's callback must not break the seal
          }
        }
      } else if (message.type === "sign") {
        try {
          const der = await signDetached(record, message.manifest, { purpose: "bid_manifest" });
          worker.postMessage({ type: "signature", der });
        } catch (err) {
          worker.postMessage({ type: "sign_failed", code: err.code || "signing_failed", message: String(err.message || err) });
        }
      } else if (message.type === "done") {
        finish(resolve, message.result);
      } else if (message.type === "error") {
        finish(reject, new SignError(message.code, message.message));
      }
    };
    worker.postMessage({ type: "seal", job });
  });
}
