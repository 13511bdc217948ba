// The complaints pages (docs/api-complaints.md): build the exact canonical statement of
// the form (etender-complaint-v1 to file, etender-complaint-step-v1 for a step), sign
// it CMS detached in this browser with the signing module, send it to the JSON API.
// Server data arrives in data attributes; refusals are shown with textContent only.
"use strict";

import { refusalText } from "/static/js/errortext.js";

const root = document.getElementById("complaint-page");
const texts = JSON.parse(root.dataset.texts);
const t = (key) => (key in texts ? texts[key] : key);
const errorBox = document.getElementById("form-error");
const noKey = document.getElementById("no-key");

function showError(code, message) {
  // The page's language (issue 15): the catalogue's words, else what the refusal said.
  errorBox.textContent = t("cp.js.failed") + refusalText({ code }, message || code);
  errorBox.dataset.code = code || "";
  errorBox.hidden = false;
}

function fields() {
  const value = (id) => {
    const node = document.getElementById(id);
    return node ? node.value : "";
  };
  if (root.dataset.mode === "file") {
    return {
      url: "/api/v1/tenders/" + root.dataset.tender + "/complaints",
      statement: {
        format: "etender-complaint-v1", tender: root.dataset.tender,
        complainant: root.dataset.complainant, department: root.dataset.department,
        matter: value("matter"), objection: value("objection").trim(),
        known_on: value("known-on"), text: value("text"),
      },
      extra: {},
    };
  }
  const lateReason = value("late-reason").trim();
  return {
    url: "/api/v1/complaints/" + root.dataset.complaint + "/steps",
    statement: {
      format: "etender-complaint-step-v1", tender: root.dataset.tender,
      complaint: root.dataset.complaint, complaint_sha256: root.dataset.complaintSha256,
      signer: root.dataset.signer, step: value("step"), text: value("text"),
    },
    extra: lateReason ? { late_reason: lateReason } : {},
  };
}

async function signAndSend(event) {
  event.preventDefault();
  const button = document.getElementById("sign-send");
  button.disabled = true;
  errorBox.hidden = true;
  try {
    const sign = await import(root.dataset.signBundle);
    const record = await sign.keys.current(root.dataset.user);
    if (!record) {
      noKey.hidden = false;
      return;
    }
    noKey.hidden = true;
    const { url, statement, extra } = fields();
    const bytes = sign.canonicalJson(statement);
    const der = await sign.cms.signDetached(record, bytes, { purpose: "complaint" });
    const body = { statement: sign.b64.encode(bytes), signature: sign.b64.encode(der), ...extra };
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf || "" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = answer.error || {};
      showError(error.code || "http_" + response.status, error.message);
      return;
    }
    const id = root.dataset.mode === "file" ? answer.id : root.dataset.complaint;
    window.location.assign("/complaints/" + id);
  } catch (error) {
    showError(error.code || "error", error.message);
  } finally {
    button.disabled = false;
  }
}

document.getElementById(root.dataset.mode === "file" ? "complaint-form" : "step-form")
  .addEventListener("submit", signAndSend);
