// The bidder's age identity on the keys page (issue 16 item 1; sealed-bid.md §2): made
// in this page by the signing bundle (bid.identity.generate), offered for download once
// and never sent or stored; its recipient is registered with a recipient statement
// (docs/api-auth.md, signing/statements/recipient.py) signed here with the bidder's
// registered key. Data from the server is only ever written with textContent.
"use strict";

import { refusalText } from "/static/js/errortext.js";

const root = document.getElementById("keys-page");
const section = document.getElementById("age-section");
const userId = root.dataset.user;
const csrf = root.dataset.csrf;
const texts = JSON.parse(root.dataset.texts);
const sign = await import(root.dataset.signBundle);
const bid = sign.bid || null;
const status = document.getElementById("status");
const errorBox = document.getElementById("error");
let made = null; // {identity, recipient} until registered or the page is left

function text(name, params = {}) {
  return (texts[name] || name).replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : ""));
}

function fail(err) {
  const said = refusalText(err, (err && err.message) || String(err));
  errorBox.textContent = text("error.generic", { message: said });
  if (err && err.code) errorBox.dataset.code = err.code;
  errorBox.hidden = false;
}

async function json(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer.error || {};
    throw Object.assign(new Error(error.message || `HTTP ${response.status}`), { code: error.code || `http_${response.status}` });
  }
  return answer;
}

async function showCurrent() {
  const keys = await json("GET", "/api/v1/me/keys");
  const current = (keys.recipients || []).find((r) => r.current);
  const line = document.getElementById("age-current");
  line.textContent = current ? text("age.current", { recipient: current.value }) : text("age.none");
  line.dataset.recipient = current ? current.value : "";
  return keys;
}

function b64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

async function generate() {
  // A new identity replaces the registered recipient for new bids only: bids sealed to
  // the old one still open with the old file (docs/api-auth.md, rotation).
  const registered = document.getElementById("age-current").dataset.recipient;
  if (registered && !window.confirm(text("age.replace_confirm"))) return;
  made = await bid.identity.generate();
  const created = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  // The file age-keygen writes: comments, then the identity line.
  const file = `# created: ${created}\n# public key: ${made.recipient}\n${made.identity}\n`;
  const link = document.getElementById("age-download");
  link.href = URL.createObjectURL(new Blob([file], { type: "text/plain" }));
  document.getElementById("age-recipient").textContent = made.recipient;
  document.getElementById("age-made").hidden = false;
  document.getElementById("age-saved").checked = false;
  document.getElementById("age-register").disabled = true;
}

// The registered key whose certificate is the platform's current one for this user,
// asked of the API at the click: a key registered on this page a moment ago counts
// (the page is not reloaded after the keys table registers one).
async function registeredKey(keys) {
  const current = (keys.certificates || []).find((c) => c.current);
  if (!current) return null;
  const records = await sign.keys.list(userId);
  const record = records.find((r) => r.certSha256 === current.value);
  return record ? { record, subject: current.subject } : null;
}

async function register() {
  const keys = await json("GET", "/api/v1/me/keys");
  const found = await registeredKey(keys);
  if (!found) {
    throw Object.assign(new Error(text("age.no_key")), { code: "certificate_required" });
  }
  const { record, subject } = found;
  const issuedAt = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, "Z");
  // signing/statements/recipient.py, canonical JSON (RFC 8785).
  const statement = sign.canonicalJson({
    type: "etender.recipient-statement", version: 1, recipient_algorithm: "age-x25519",
    recipient: made.recipient, cert_sha256: record.certSha256, subject_name: subject,
    issued_at: issuedAt,
  });
  const signature = await sign.cms.signDetached(record, statement, { purpose: "recipient_registration" });
  const done = await json("POST", "/api/v1/me/recipients", { statement: b64(statement), signature: b64(signature) });
  status.textContent = text("age.registered", { recipient: done.value });
  errorBox.hidden = true;
  // The identity is the bidder's now: the page forgets it.
  made = null;
  URL.revokeObjectURL(document.getElementById("age-download").href);
  document.getElementById("age-made").hidden = true;
  await showCurrent();
}

document.getElementById("age-generate").addEventListener("click", () => {
  if (!bid) {
    fail({ code: "sealing_unavailable", message: text("age.unavailable") });
    return;
  }
  generate().catch(fail);
});
document.getElementById("age-saved").addEventListener("change", (event) => {
  document.getElementById("age-register").disabled = !event.target.checked || made === null;
});
document.getElementById("age-register").addEventListener("click", () => register().catch(fail));
showCurrent()
  .then(() => { section.dataset.ready = "true"; })
  .catch(fail);
