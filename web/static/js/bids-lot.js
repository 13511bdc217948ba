// The bidder's lot page (/bidder/bids/{tender}/lots/{lot}; issue 16 items 2, 4, 5):
// the committee checked in the page, the opening form, sealing in the browser (the
// signing bundle's `bid` API) or a part sealed by `etender bid seal` picked from disk,
// the resumable upload, the signed submit statement, the receipt checked, withdrawal.
"use strict";

import { beijing } from "/static/js/beijing.js";
import {
  api, b64decode, b64encode, busy, csrf, download, duration, facts, lang, lotBase, maybe, root,
  say, size, tenderBase, text, userId, worded,
} from "/static/js/bids-common.js";
import { BIDI, readFields, watchFields } from "/static/js/bids-fields.js";
import { showOpening } from "/static/js/bids-opening.js";
import { checkReceipt } from "/static/js/bids-receipt.js";
import { remembered, UploadRefused, uploadPart } from "/static/js/bids-upload.js";
import { refusalText } from "/static/js/errortext.js";

const sign = await import(root.dataset.signBundle);
// The `bid` API (bundle 1.2.0 on; the page is served with the one bundle the platform
// serves): sealing, and `bid.hashBlob` for a part picked from disk. An older bundle has none.
const bid = sign.bid || null;
const vkey = root.dataset.logVkey;
const BIDI_ALL = /[\u202a-\u202e\u2066-\u2069]/g;
const roots = JSON.parse(root.dataset.roots || "[]");
const uploaded = new Map(); // part → sha256 of its complete upload, this visit
let committee = null;
let committeeRefusal = null; // the check's error: sealing is refused with it

// --- 1. the committee -------------------------------------------------------------

function cell(row, value, className) {
  const td = document.createElement("td");
  td.textContent = value === null || value === undefined ? "—" : String(value);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

async function showCommittee() {
  const box = document.getElementById("committee-status");
  if (!box) return;
  committee = await maybe(`${lotBase}/committee`);
  if (committee === null) {
    box.textContent = text("committee.none");
    return;
  }
  const body = document.querySelector("#committee tbody");
  body.replaceChildren();
  for (const o of committee.officials) {
    const row = document.createElement("tr");
    cell(row, o.x);
    cell(row, o.recipient, "hash");
    cell(row, o.cert_sha256, "hash");
    body.appendChild(row);
  }
  if (!bid) {
    box.textContent = text("committee.unavailable");
    box.dataset.verified = "unavailable";
    return;
  }
  box.textContent = text("committee.checking");
  try {
    const { fingerprint } = await bid.committee.verify(committee, { roots });
    box.textContent = text("committee.ok", { n: committee.n, k: committee.k, fingerprint });
    box.className = "check ok";
    box.dataset.verified = "true";
  } catch (err) {
    committeeRefusal = err;
    // The catalogue's words for the code in the page's language, never the bundle's
    // English developer message; the official's seat from it ("official x=1: …").
    const seat = /^official x=(\d+):/.exec(err.message || "");
    const message = refusalText(err, err.message || err.code);
    box.textContent = seat ? text("committee.bad_seat", { x: seat[1], message }) : text("committee.bad", { message });
    box.className = "check bad";
    box.dataset.verified = "false";
    box.dataset.code = err.code || "";
  }
}

// --- 3. seal, or pick a sealed part --------------------------------------------------

function partStatus(part, message) {
  document.getElementById(`part-status-${part}`).textContent = message;
}

async function currentRecipient() {
  const keys = await api("GET", "/api/v1/me/keys");
  const found = (keys.recipients || []).find((r) => r.current);
  return found ? found.value : null;
}

// sealed-bid.md §6: no two names equal case-folded (after NFC), no bidirectional control;
// the bundle refuses both too, but in its own English — here the name is said.
function checkNames(names) {
  const seen = new Map();
  for (const raw of names) {
    const name = raw.normalize("NFC");
    if (BIDI.test(name)) throw worded("bid_input_invalid", text("seal.bidi_name", { name: name.replace(BIDI_ALL, "�") }));
    const key = name.toUpperCase().toLowerCase();
    if (seen.has(key)) throw worded("bid_input_invalid", text("seal.duplicate_name", { a: seen.get(key), b: name }));
    seen.set(key, name);
  }
}

async function sealInBrowser(part) {
  if (facts.sealing === "client") throw Object.assign(new Error(text("seal.client_only")), { code: "sealing_client_required" });
  if (!bid) throw Object.assign(new Error(text("committee.unavailable")), { code: "sealing_unavailable" });
  // The bidder's own inputs first, each refusal naming the field or file (F6).
  const files = [...document.getElementById(`files-${part}`).files];
  if (!files.length) throw Object.assign(new Error(text("seal.no_files")), { code: "bid_input_invalid" });
  checkNames(files.map((f) => f.name));
  const fields = readFields();
  if (committeeRefusal) throw committeeRefusal;
  const recipient = await currentRecipient();
  if (!recipient) throw Object.assign(new Error(text("seal.no_recipient")), { code: "recipient_missing" });
  if (!(await sign.keys.current(userId))) throw Object.assign(new Error(text("seal.no_key")), { code: "certificate_missing" });
  const sealed = await bid.seal({
    committee, part, bidder: facts.bidder, consortium: [], fields, files, recipient, roots,
    onProgress: ({ done, total }) => partStatus(part, text("seal.progress", { done: size(done), total: size(total) })),
  });
  partStatus(part, text("seal.done", { part, size: size(sealed.size), sha256: sealed.sha256 }));
  const file = await bid.sealed.file(sealed.name);
  await send(part, file, sealed.sha256, sealed.name);
}

const hashing = new Map(); // part → the AbortController of its file's hashing

async function pickSealed(part, file) {
  // The bundle's incremental SHA-256 (`bid.hashBlob`, @noble/hashes): read by slices,
  // never whole. A file picked again replaces the one being hashed.
  if (hashing.has(part)) hashing.get(part).abort();
  const stop = new AbortController();
  hashing.set(part, stop);
  let sha256;
  try {
    sha256 = await bid.hashBlob(file, {
      signal: stop.signal,
      onProgress: ({ done, total }) => partStatus(part, text("hash.progress", { done: size(done), total: size(total) })),
    });
  } catch (err) {
    if (err && err.code === "aborted") return; // the newer pick carries on
    throw err;
  } finally {
    if (hashing.get(part) === stop) hashing.delete(part);
  }
  partStatus(part, `${file.name}: ${size(file.size)}, SHA-256 ${sha256}`);
  await send(part, file, sha256, null);
}

// --- 4. the upload -----------------------------------------------------------------

async function send(part, file, sha256, opfsName) {
  const bar = document.getElementById(`progress-${part}`);
  const line = document.getElementById(`upload-text-${part}`);
  const fieldset = document.querySelector(`fieldset.part[data-part="${part}"]`);
  bar.hidden = false;
  line.className = "upload-text";
  delete fieldset.dataset.refused;
  let done;
  try {
    done = await uploadPart({
      userId, csrf, tenderId: facts.tender_id, lot: facts.lot, part, file, sha256,
      opfsName,
      onProgress: ({ done: sent, total, rate, left, resumedFrom }) => {
        bar.value = total ? Math.floor((sent / total) * 100) : 100;
        bar.dataset.sent = String(sent);
        if (resumedFrom === total) {
          line.textContent = text("upload.already", { total: size(total) });
          return;
        }
        const resumed = resumedFrom > 0 ? `${text("upload.resumed", { offset: size(resumedFrom) })} ` : "";
        line.textContent = resumed + text("upload.progress", {
          done: size(sent), total: size(total), percent: bar.value, rate: size(rate), left: duration(left),
        });
      },
      onRetry: (ms) => { line.textContent = text("upload.retrying", { seconds: Math.ceil(ms / 1000) }); },
    });
  } catch (err) {
    if (err instanceof UploadRefused) refusedPart(part, fieldset, bar, line, err);
    throw err;
  }
  uploaded.set(part, done.sha256);
  fieldset.dataset.uploaded = done.sha256;
  say(text("upload.complete", { part, sha256: done.sha256 }));
  await showPending();
}

// A part the server refused (its PUT answered bid_part_not_age,
// bid_part_committee_mismatch, …; the upload is failed and this browser forgot it):
// said next to the part in the page's language, the bar gone, the bidder told to seal
// again — never left showing the bytes the browser sent as "uploaded".
function refusedPart(part, fieldset, bar, line, err) {
  uploaded.delete(part);
  delete fieldset.dataset.uploaded;
  fieldset.dataset.refused = err.code;
  bar.hidden = true;
  bar.value = 0;
  line.className = "upload-text bad";
  line.textContent = text("upload.refused", { message: refusalText(err, err.message || err.code) });
}

// Uploads this browser began and did not finish: a sealed file in OPFS resumes at a
// click; one picked from disk is picked again (the browser cannot reopen it unasked).
// A part this browser uploaded completely and no version names yet is ready to submit
// after a reload too (the newest such upload of the part).
function readyAfterReload(part, upload, submitted) {
  if (submitted.has(upload.sha256) || uploaded.has(part)) return;
  uploaded.set(part, upload.sha256);
  document.querySelector(`fieldset.part[data-part="${part}"]`).dataset.uploaded = upload.sha256;
  partStatus(part, text("upload.already", { total: size(upload.size) }) + ` SHA-256 ${upload.sha256}`);
}

async function showPending() {
  const list = document.getElementById("pending-uploads");
  if (!list) return;
  list.replaceChildren();
  const mine = await maybe(`${lotBase}/bid`);
  const submitted = new Set((mine ? mine.versions : []).flatMap((v) => v.parts.map((p) => p.sha256)));
  const complete = [];
  for (const saved of remembered(userId, facts.tender_id, facts.lot)) {
    if (uploaded.get(saved.part) === saved.sha256) continue;
    const upload = await maybe(`/api/v1/uploads/${encodeURIComponent(saved.id)}`);
    if (upload && upload.status === "complete") {
      complete.push({ part: saved.part, upload });
      continue;
    }
    if (!upload || upload.status !== "open") continue;
    const item = document.createElement("li");
    item.dataset.upload = saved.id;
    item.dataset.part = saved.part;
    // Worded by case: a part sealed here resumes from OPFS at a click; one picked from
    // disk must be picked again (the browser cannot reopen it unasked).
    const sealedHere = Boolean(saved.opfs && bid);
    item.textContent = text(sealedHere ? "upload.pending_sealed" : "upload.pending", {
      part: saved.part, done: size(upload.offset), total: size(upload.size), sha256: saved.sha256,
    });
    if (sealedHere) {
      const resume = document.createElement("button");
      resume.type = "button";
      resume.textContent = text("upload.resume_sealed");
      resume.addEventListener("click", () => busy(async () =>
        send(saved.part, await bid.sealed.file(saved.opfs), saved.sha256, saved.opfs)));
      item.append(" ", resume);
    }
    list.appendChild(item);
  }
  complete.sort((a, b) => (a.upload.created_at < b.upload.created_at ? 1 : -1));
  for (const { part, upload } of complete) readyAfterReload(part, upload, submitted);
}

// --- 5. submit, and the bid's versions ----------------------------------------------

async function signingKey() {
  const record = await sign.keys.current(userId);
  if (!record) throw Object.assign(new Error(text("seal.no_key")), { code: "certificate_missing" });
  return record;
}

function nextVersion(mine) {
  if (!mine) return { version: 1, previous: null };
  const last = mine.versions[mine.versions.length - 1];
  return { version: last.version + 1, previous: last.statement_sha256 };
}

async function submit() {
  const missing = facts.parts.filter((p) => !uploaded.has(p));
  if (missing.length) throw Object.assign(new Error(text("upload.need_all", { parts: missing.join(", ") })), { code: "bid_part_not_uploaded" });
  const record = await signingKey();
  const { version, previous } = nextVersion(await maybe(`${lotBase}/bid`));
  // docs/formats/upload.md §3.1, version 2 of the statement (a sole bidder).
  const statement = sign.canonicalJson({
    type: "etender.submit-statement", version: 2, hash_algorithm: "sha256",
    tender: facts.tender, lot: facts.lot, bidder: facts.bidder, consortium: [],
    bid_version: version, parts: facts.parts.map((label) => ({ label, sha256: uploaded.get(label) })),
    previous,
  });
  const signature = await sign.cms.signDetached(record, statement, { purpose: "bid_submit" });
  const receipt = await api("POST", `${lotBase}/bid`, { statement: b64encode(statement), signature: b64encode(signature) });
  say(text("submit.done", { version: receipt.receipt_json.version }));
  await showBid();
}

async function withdraw() {
  const mine = await maybe(`${lotBase}/bid`);
  if (!mine || mine.status !== "submitted" || !window.confirm(text("withdraw.confirm"))) return;
  const standing = mine.versions[mine.versions.length - 1];
  const record = await signingKey();
  // §3.2: bid_version = the standing version, submit_sha256 = its statement's hash.
  const statement = sign.canonicalJson({
    type: "etender.withdraw-statement", version: 1, hash_algorithm: "sha256",
    tender: facts.tender, lot: facts.lot, bidder: facts.bidder,
    bid_version: standing.version, submit_sha256: standing.statement_sha256,
  });
  const signature = await sign.cms.signDetached(record, statement, { purpose: "bid_withdraw" });
  const receipt = await api("POST", `${lotBase}/bid/withdraw`, { statement: b64encode(statement), signature: b64encode(signature) });
  say(text("withdraw.done", { version: receipt.receipt_json.version }));
  await showBid();
}

async function checkOne(version, out) {
  out.textContent = text("receipt.checking");
  const answer = await api("GET", `${lotBase}/bid/receipts/${version}`);
  const result = await checkReceipt(answer, vkey);
  out.textContent = result.ok
    ? text("receipt.ok", { index: result.index, size: result.size })
    : text("receipt.bad", { why: text(`why.${result.why}`) });
  out.className = result.ok ? "check ok" : "check bad";
  out.dataset.verified = String(result.ok);
  return answer;
}

function receiptCell(row, v) {
  const td = cell(row, "");
  const pdf = document.createElement("a");
  pdf.href = `${lotBase}/bid/receipts/${v.version}/pdf`;
  pdf.textContent = text("receipt.pdf");
  pdf.className = "receipt-pdf";
  const out = document.createElement("p");
  out.className = "check";
  td.append(pdf, " ");
  busy(async () => {
    const answer = await checkOne(v.version, out);
    const p7s = download(`receipt-v${v.version}.p7s`, b64decode(answer.signature), "application/pkcs7-signature");
    p7s.textContent = text("receipt.p7s");
    p7s.className = "receipt-p7s";
    const json = download(`receipt-v${v.version}.json`, b64decode(answer.receipt), "application/json");
    json.textContent = text("receipt.json");
    json.className = "receipt-json";
    td.append(p7s, " ", json, out);
  });
}

// Each cell under its column's name on a phone (etender.css table.stack).
function labelCells(table) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((td, i) => { td.dataset.label = heads[i] || ""; });
  }
}

async function showBid() {
  const mine = await maybe(`${lotBase}/bid`);
  const table = document.getElementById("versions");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  document.getElementById("bid-none").hidden = mine !== null;
  table.hidden = mine === null;
  const withdrawButton = document.getElementById("withdraw-button");
  if (withdrawButton) withdrawButton.hidden = !(mine && mine.status === "submitted");
  const status = document.getElementById("bid-status");
  status.textContent = mine ? text(`status.${mine.status}`, { version: mine.version }) : "";
  status.dataset.status = mine ? mine.status : "";
  for (const v of (mine ? mine.versions : []).slice().reverse()) {
    const row = document.createElement("tr");
    row.dataset.version = String(v.version);
    row.dataset.kind = v.kind;
    cell(row, v.version);
    cell(row, text(`kind.${v.kind}`));
    cell(row, beijing(v.received_at, lang, { seconds: true }));
    cell(row, v.parts.map((p) => `${p.label}: ${p.sha256}`).join("\n"), "hash");
    receiptCell(row, v);
    body.appendChild(row);
  }
  labelCells(table);
  await showBonds();
}

async function showBonds() {
  const list = document.getElementById("bonds");
  const answer = await maybe(`${tenderBase}/bonds`).catch(() => null);
  const mine = ((answer && answer.items) || []).filter((b) => b.lot === facts.lot);
  list.replaceChildren();
  for (const bond of mine) {
    const item = document.createElement("li");
    item.textContent = text("bonds.paid", {
      kind: bond.kind, amount: (bond.amount_fen / 100).toFixed(2),
      status: text(bond.refunded_at ? "bond.refunded" : "bond.held"),
    });
    list.appendChild(item);
  }
  document.getElementById("bonds-none").hidden = mine.length > 0;
}

// --- wiring --------------------------------------------------------------------------

function wire() {
  if (!facts.taking_bids) return;
  watchFields();
  if (facts.sealing === "client" || !bid) {
    const refused = document.getElementById("seal-refused");
    refused.textContent = text(facts.sealing === "client" ? "seal.client_only" : "committee.unavailable");
    refused.hidden = false;
    for (const b of document.querySelectorAll(".seal-button")) b.disabled = true;
  }
  for (const b of document.querySelectorAll(".seal-button")) {
    b.addEventListener("click", () => busy(() => sealInBrowser(b.dataset.part)));
  }
  for (const input of document.querySelectorAll(".sealed-file")) {
    input.addEventListener("change", () => {
      const file = input.files[0];
      if (file) busy(() => pickSealed(input.dataset.part, file));
    });
  }
  document.getElementById("submit-button").addEventListener("click", () => busy(submit));
  const withdrawButton = document.getElementById("withdraw-button");
  if (withdrawButton) withdrawButton.addEventListener("click", () => busy(withdraw));
}

wire();
await busy(async () => {
  await Promise.all([showCommittee(), showBid(), showPending()]);
  await showOpening(sign, bid);
});
root.dataset.ready = "true";
