// "File a record" on a supervisor's observer page (the opening's, the evaluation
// session's): the supervisor's own record (监督记录, docs/api-supervision-records.md),
// signed in this browser with the signing module over the exact bytes of
// `etender-supervision-record-v1` and sent to POST /api/v1/tenders/{id}/supervision-records;
// the records attached to the same thing listed from GET. Everything from the server is
// untrusted: textContent and createElement only.
import { cell, pageTexts, refusal, when } from "/static/js/desk_common.js";

const root = document.getElementById("supervision-records");
const { t } = pageTexts(root);
const lang = root.dataset.lang;
const tender = root.dataset.tender;
const attached = root.dataset.attached;
const lot = root.dataset.lot || null;
const session = root.dataset.session || null;
const errorBox = document.getElementById("record-error");
const api = "/api/v1/tenders/" + tender + "/supervision-records";

function mine(record) {
  return record.attached === attached && record.lot === lot && record.session === session;
}

async function loadRecords() {
  const response = await fetch(api, { credentials: "same-origin",
                                      headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const items = (await response.json()).items.filter(mine);
  const body = document.querySelector("#records tbody");
  body.replaceChildren();
  for (const r of items) {
    const row = document.createElement("tr");
    row.dataset.record = r.id;
    row.dataset.sha256 = r.sha256;
    cell(row, when(r.recorded_at, lang));
    cell(row, r.author_name);
    cell(row, r.text).classList.add("record-text");
    cell(row, String(r.sha256).slice(0, 16) + "…");
    body.appendChild(row);
  }
  document.getElementById("no-records").hidden = items.length > 0;
  root.dataset.records = String(items.length);
}

function showError(error) {
  errorBox.textContent = refusal(error, t);
  errorBox.dataset.code = error.code || "";
  errorBox.hidden = false;
}

async function file(event) {
  event.preventDefault();
  const button = document.getElementById("file-record");
  const textArea = document.getElementById("record-text");
  button.disabled = true;
  errorBox.hidden = true;
  try {
    const sign = await import(root.dataset.signBundle);
    const key = await sign.keys.current(root.dataset.user);
    document.getElementById("record-no-key").hidden = !!key;
    if (!key) return;
    // The exact signed bytes (docs/api-supervision-records.md): RFC 8785 over these keys.
    const statement = sign.canonicalJson({
      format: "etender-supervision-record-v1", record: crypto.randomUUID(), tender,
      attached, lot, session, department: root.dataset.department,
      supervisor: root.dataset.user, text: textArea.value,
    });
    const der = await sign.cms.signDetached(key, statement, { purpose: "supervision_record" });
    const response = await fetch(api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ attached, lot, session, statement: sign.b64.encode(statement),
                             signature: sign.b64.encode(der) }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      showError(body.error || { code: "http_" + response.status, message: "" });
      return;
    }
    textArea.value = "";
    await loadRecords();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

document.getElementById("record-form").addEventListener("submit", file);
loadRecords().then(() => { root.dataset.ready = "true"; });
