// The signing keys page (/me/keys): make or import keys in this browser with the signing
// bundle, get or attach their certificates, register them, list keys and signatures.
// No inline script (the CSP forbids it); data from the server or a file is only ever
// written with textContent. Times are Beijing time with their label (issue 15 item 4).
import { refusalText } from "/static/js/errortext.js";
import { beijing, pageLang } from "/static/js/beijing.js";

const root = document.getElementById("keys-page");
const lang = pageLang(root);
const userId = root.dataset.user;
const csrf = root.dataset.csrf;
const texts = JSON.parse(root.dataset.texts);
const sign = await import(root.dataset.signBundle);

const status = document.getElementById("status");
const errorBox = document.getElementById("error");
let pendingKeyId = null;

function text(name, params = {}) {
  return (texts[name] || name).replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : ""));
}

function say(message) {
  errorBox.hidden = true;
  status.textContent = message;
}

function fail(err) {
  const code = err && err.code;
  const known = code && texts[`error.${code}`];
  // The page's language (issue 15): the page's own words, else the error catalogue's.
  const said = refusalText(err, (err && err.message) || String(err));
  errorBox.textContent = known ? text(`error.${code}`) : text("error.generic", { message: said });
  if (code) errorBox.dataset.code = code;
  errorBox.hidden = false;
}

async function busy(fn) {
  try {
    await fn();
  } catch (err) {
    fail(err);
  }
}

function cell(row, value, className) {
  const td = document.createElement("td");
  td.textContent = value === null || value === undefined ? "—" : String(value);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", () => busy(onClick));
  return b;
}

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) return null;
  return response.json();
}

async function serverCertificates() {
  const data = await getJson("/api/v1/me/keys");
  const map = new Map();
  for (const cert of (data && data.certificates) || []) map.set(cert.value, cert.current);
  return map;
}

function keyStatus(record, registered) {
  if (!record.certSha256) return text("status.no_certificate");
  if (!registered.has(record.certSha256)) return text("status.unregistered");
  return registered.get(record.certSha256) ? text("status.registered") : text("status.registered_old");
}

async function showKeys() {
  const records = await sign.keys.list(userId);
  const registered = await serverCertificates();
  const body = document.querySelector("#keys tbody");
  body.replaceChildren();
  for (const record of records.slice().reverse()) {
    const row = document.createElement("tr");
    row.dataset.keyId = record.id;
    cell(row, record.label);
    cell(row, text(`kind.${record.kind}`) + ` (${record.algorithm})`);
    cell(row, record.certSha256, "hash");
    cell(row, beijing(record.createdAt, lang));
    cell(row, keyStatus(record, registered), "key-status");
    const actions = cell(row, "");
    actions.textContent = "";
    if (record.certSha256 && !registered.get(record.certSha256)) {
      actions.appendChild(button(text("action.register"), () => register(record)));
    }
    actions.appendChild(
      button(text("action.remove"), async () => {
        if (!window.confirm(text("action.remove_confirm"))) return;
        await sign.keys.remove(userId, record.id);
        say(text("done.removed"));
        await refresh();
      }),
    );
    body.appendChild(row);
  }
  labelCells(document.getElementById("keys"));
  document.getElementById("keys-none").hidden = records.length > 0;
}

// Each cell under its column's name on a phone (etender.css table.stack).
function labelCells(table) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((td, i) => { td.dataset.label = heads[i] || ""; });
  }
}


function signatureRows(selector, rows, pick) {
  const body = document.querySelector(`${selector} tbody`);
  body.replaceChildren();
  for (const item of rows) {
    const row = document.createElement("tr");
    for (const value of pick(item)) cell(row, value);
    body.appendChild(row);
  }
}

async function showJournal() {
  const rows = (await sign.journal.list(userId)).slice().reverse();
  signatureRows("#journal", rows, (e) => [beijing(e.at, lang, { seconds: true }), e.purpose, e.certSha256, e.contentSha256]);
  document.getElementById("journal-none").hidden = rows.length > 0;
}

async function showServer() {
  // keysrv's GET /api/v1/me/signatures (CONTRACTS.md §2); absent until it is merged.
  const data = await getJson("/api/v1/me/signatures");
  const none = document.getElementById("server-none");
  if (data === null) {
    none.textContent = text("server.unavailable");
    none.hidden = false;
    return;
  }
  const rows = data.items || [];
  signatureRows("#server", rows, (e) => [beijing(e.at, lang, { seconds: true }), e.purpose, e.cert_sha256, e.content_sha256]);
  none.hidden = rows.length > 0;
}

async function refresh() {
  await showKeys();
  await showJournal();
  await showServer();
}

async function register(record) {
  const sha256 = await sign.account.registerCertificate(record, csrf, { device: record.kind === "browser" });
  say(text("done.registered", { sha256 }));
  await refresh();
}

function showCsr(csrPem) {
  document.getElementById("csr-box").hidden = false;
  document.getElementById("csr-pem").value = csrPem;
  const link = document.getElementById("csr-download");
  link.href = URL.createObjectURL(new Blob([csrPem], { type: "application/pkcs10" }));
}

document.getElementById("create-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy(async () => {
    const label = document.getElementById("create-label").value.trim();
    const { record, csrPem } = await sign.keys.create(userId, { label });
    say(text("done.created"));
    try {
      const bundle = await sign.account.requestDemoCertificate(csrPem, csrf);
      const attached = await sign.keys.attachCertificate(userId, record.id, bundle);
      say(text("done.demo_ca"));
      await register(attached);
    } catch (err) {
      // No demo CA here (404 demo_ca_disabled, or not built yet): the member's own CA
      // issues the certificate from the request.
      if (!(err && (err.status === 404 || err.code === "demo_ca_disabled"))) throw err;
      pendingKeyId = record.id;
      // The table first, then the box: whoever waits for the box sees the new row too.
      await refresh();
      showCsr(csrPem);
      return;
    }
    await refresh();
  });
});

document.getElementById("attach-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy(async () => {
    const file = document.getElementById("cert-file").files[0];
    const pem = file ? await file.text() : document.getElementById("cert-pem").value;
    await sign.keys.attachCertificate(userId, pendingKeyId, pem);
    say(text("done.attached"));
    await refresh();
    document.getElementById("csr-box").hidden = true;
  });
});

document.getElementById("p12-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy(async () => {
    const file = document.getElementById("p12-file").files[0];
    const password = document.getElementById("p12-password");
    await sign.keys.importPkcs12(userId, new Uint8Array(await file.arrayBuffer()), password.value, {
      label: file.name.slice(0, 64),
    });
    password.value = "";
    document.getElementById("p12-file").value = "";
    say(text("done.imported"));
    await refresh();
  });
});

document.getElementById("p8-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy(async () => {
    const keyInput = document.getElementById("p8-key");
    const certInput = document.getElementById("p8-cert");
    const keyPem = await keyInput.files[0].text();
    const certPem = await certInput.files[0].text();
    await sign.keys.importPkcs8(userId, keyPem, certPem, { label: keyInput.files[0].name.slice(0, 64) });
    keyInput.value = "";
    certInput.value = "";
    say(text("done.imported"));
    await refresh();
  });
});

root.dataset.ready = "true";
busy(refresh);
