// The bidder at the opening (docs/formats/opening.md §4, §7–8; issue 16 item 5): its
// bid's status, self-decryption in the page — the identity file is read here and only
// the 16-byte file key is sent (bid.selfKey unwraps the bidder's X25519 stanza and
// checks the header MAC) —, then the record: its own line, a signed confirmation over
// the record's exact bytes, or an objection.
"use strict";

import {
  api, b64encode, busy, facts, lotBase, maybe, say, tenderBase, text, userId, yuan,
} from "/static/js/bids-common.js";

let sign = null;
let bid = null;

function mine(progress) {
  return (progress.statuses || []).filter((s) => s.bidder === facts.bidder);
}

async function recordBytes(part) {
  const query = new URLSearchParams({ lot: facts.lot, part });
  const response = await fetch(`${tenderBase}/opening-record?${query}`, { credentials: "same-origin" });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: `http_${response.status}` });
  return new Uint8Array(await response.arrayBuffer());
}

async function sendSelfKey(event) {
  event.preventDefault();
  const identityFile = document.getElementById("selfkey-identity").files[0];
  const sealedFile = document.getElementById("selfkey-sealed").files[0];
  const part = document.getElementById("selfkey-part").value;
  if (!bid) throw Object.assign(new Error(text("selfkey.unavailable")), { code: "sealing_unavailable" });
  const sealed = sealedFile || (await sealedInBrowser(part));
  if (!identityFile || !sealed) throw Object.assign(new Error(text("selfkey.need_files")), { code: "bid_input_invalid" });
  // The identity stays in this page: read, used for the unwrap, dropped.
  const fileKey = await bid.selfKey(sealed, await identityFile.text());
  document.getElementById("selfkey-identity").value = "";
  await api("POST", `${lotBase}/opening/self-key`, { part, file_key: b64encode(fileKey) });
  fileKey.fill(0);
  say(text("selfkey.done"));
  document.getElementById("selfkey").dataset.sent = "true";
}

// The part sealed in this browser whose hash is the bid's standing one (OPFS keeps it):
// the bidder need not find the file on disk.
async function sealedInBrowser(part) {
  const mine = await maybe(`${lotBase}/bid`);
  const standing = mine && mine.versions.filter((v) => v.kind === "submit").pop();
  const wanted = standing && standing.parts.find((p) => p.label === part);
  if (!wanted) return null;
  const kept = (await bid.sealed.list().catch(() => [])).find((f) => f.sha256 === wanted.sha256);
  return kept ? bid.sealed.file(kept.name) : null;
}

async function confirmRecord(part) {
  const record = await sign.keys.current(userId);
  if (!record) throw Object.assign(new Error(text("seal.no_key")), { code: "certificate_missing" });
  const bytes = await recordBytes(part);
  const signature = await sign.cms.signDetached(record, bytes, { purpose: "opening_confirmation" });
  await api("POST", `${lotBase}/opening/confirm`, { signature: b64encode(signature) });
  say(text("record.confirmed"));
  await showResponses();
}

async function object(event) {
  event.preventDefault();
  const box = document.getElementById("object-text");
  await api("POST", `${lotBase}/opening/objections`, { text: box.value });
  box.value = "";
  say(text("record.objected"));
  await showResponses();
}

async function showResponses() {
  const answer = await maybe(`${lotBase}/opening/responses`);
  const items = (answer && answer.items) || [];
  const out = document.getElementById("responses");
  out.textContent = items.length ? text("record.responses", { list: items.map((r) => r.kind).join(", ") }) : "";
  out.dataset.kinds = items.map((r) => r.kind).join(" ");
}

function showRecord(record) {
  const box = document.getElementById("record-box");
  box.hidden = false;
  box.dataset.part = record.part;
  const entry = (record.entries || []).find((e) => e.bidder === facts.bidder);
  const line = document.getElementById("record-entry");
  if (entry) {
    const price = entry.fields && typeof entry.fields.price === "number" ? yuan(entry.fields.price) : "—";
    line.textContent = text("record.entry", { price, outcome: text(`outcome.${entry.outcome}`) });
    line.dataset.outcome = entry.outcome;
  }
}

export async function showOpening(signModule, bidApi) {
  sign = signModule;
  bid = bidApi;
  const status = document.getElementById("opening-status");
  const progress = await maybe(`${lotBase}/opening`).catch(() => null);
  const own = progress ? mine(progress) : [];
  if (!own.length) {
    status.textContent = text("opening.before");
  } else {
    status.textContent = own.map((s) => text("opening.status", { outcome: `${s.part}: ${text(`outcome.${s.outcome}`)}` })).join("；");
    status.dataset.outcome = own.map((s) => s.outcome).join(" ");
  }
  const selfkey = document.getElementById("selfkey");
  selfkey.hidden = !own.some((s) => s.outcome === "pending");
  if (progress && progress.record) {
    showRecord(progress.record);
    await showResponses();
  }
  wireOnce();
}

let wired = false;
function wireOnce() {
  if (wired) return;
  wired = true;
  document.getElementById("selfkey-form").addEventListener("submit", (e) => busy(() => sendSelfKey(e)));
  document.getElementById("confirm-button").addEventListener("click", () =>
    busy(() => confirmRecord(document.getElementById("record-box").dataset.part || "main")));
  document.getElementById("object-form").addEventListener("submit", (e) => busy(() => object(e)));
}
