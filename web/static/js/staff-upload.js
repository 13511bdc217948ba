// The agency's document upload with a progress bar (issue 15, item 1).
//
// The page's form still works without script (multipart POST to the page). With
// script, the file goes as the raw body of the documented API call
// (docs/api-tenders.md: POST /api/v1/tenders/{id}/documents?name=…, Content-Type = the
// file's type), authenticated by the session cookie and the X-CSRF-Token header
// (web/auth.py), through XMLHttpRequest: fetch() reports no upload progress. The bar
// shows bytes sent, the total and the percentage; every text comes from the page's
// data-* attributes (the i18n tables), and data is only ever set with textContent.
// A refusal reads as the error catalogue's message in the page's language, the code
// small for support (docs/error-texts.md): never the API's English developer message.
"use strict";

import { errorText } from "/static/js/errortext.js";

const form = document.getElementById("upload-form");

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
}

function refusalCode(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    return body && body.error && typeof body.error.code === "string" ? body.error.code : null;
  } catch (_) {
    return null; // Not JSON (a proxy's page): the generic message.
  }
}

// The status line of a refusal: the message, then the code apart (a <code> element).
function showRefusal(status, xhr, fallback) {
  const code = refusalCode(xhr);
  const message = document.createElement("span");
  message.className = "upload-message";
  message.textContent = errorText(code) || fallback;
  status.replaceChildren(message);
  if (code) {
    const small = document.createElement("code");
    small.className = "hint";
    small.textContent = code;
    status.append(" ", small);
  }
}

function upload(file) {
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const button = form.querySelector("button[type=submit]");
  const d = form.dataset;
  bar.hidden = false;
  bar.max = file.size || 1;
  bar.value = 0;
  button.disabled = true;
  status.textContent = fill(d.tProgress, { sent: formatBytes(0), total: formatBytes(file.size), percent: 0 });
  const xhr = new XMLHttpRequest();
  xhr.open("POST", `${d.uploadUrl}?name=${encodeURIComponent(file.name)}`);
  xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
  xhr.setRequestHeader("X-CSRF-Token", d.csrf);
  xhr.setRequestHeader("Accept", "application/json");
  xhr.upload.addEventListener("progress", (event) => {
    const total = event.lengthComputable ? event.total : file.size;
    const percent = total ? Math.floor((event.loaded * 100) / total) : 0;
    bar.max = total || 1;
    bar.value = event.loaded;
    status.textContent = fill(d.tProgress, { sent: formatBytes(event.loaded), total: formatBytes(total), percent });
  });
  xhr.addEventListener("load", () => {
    if (xhr.status === 201) {
      bar.value = bar.max;
      status.textContent = fill(d.tDone, { name: file.name, total: formatBytes(file.size) });
      status.dataset.state = "done";
      window.setTimeout(() => window.location.reload(), 800);
      return;
    }
    button.disabled = false;
    showRefusal(status, xhr, d.tFailed);
    status.dataset.state = "failed";
  });
  xhr.addEventListener("error", () => {
    button.disabled = false;
    status.dataset.state = "failed";
    status.textContent = d.tFailed;
  });
  xhr.send(file);
}

if (form && form.dataset.uploadUrl) {
  form.addEventListener("submit", (event) => {
    const input = form.querySelector("input[type=file]");
    if (!input || !input.files || input.files.length !== 1) return; // the browser's own check
    event.preventDefault();
    upload(input.files[0]);
  });
}
