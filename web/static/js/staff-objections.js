// The agency's answer to an objection to the candidates (issue 15, item 1; Reg. 54).
//
// The answer is an `etender-candidate-objection-answer-v1` statement
// (docs/api-results.md): its canonical bytes are built here, signed in this browser with
// the agency user's key through the signing module (docs/browser-signing.md: the key
// never leaves the device) and sent to the documented
// POST /api/v1/tenders/{id}/candidate-objections/{objection_id}/answer with the session
// cookie and X-CSRF-Token. Texts come from the page's data-* attributes; data is only
// ever shown with textContent.
"use strict";

const root = document.getElementById("objections-page");
const sign = await import(root.dataset.signBundle);

function statement(form) {
  const d = form.dataset;
  return {
    agency: d.agency,
    answer: form.elements.answer.value.trim(),
    format: "etender-candidate-objection-answer-v1",
    lot: d.lot,
    objection: d.objection,
    objection_sha256: d.objectionSha256,
    tender: d.tender,
    upheld: form.elements.upheld.checked,
  };
}

async function answer(form, status) {
  const record = await sign.keys.current(root.dataset.user);
  if (!record) {
    status.dataset.state = "failed";
    status.textContent = root.dataset.tNoKey;
    return;
  }
  status.textContent = root.dataset.tSigning;
  const body = sign.canonicalJson(statement(form));
  const signature = await sign.cms.signDetached(record, body, { purpose: "objection_answer" });
  const response = await fetch(form.dataset.url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": root.dataset.csrf },
    body: JSON.stringify({ statement: sign.b64.encode(body), signature: sign.b64.encode(signature) }),
  });
  if (response.ok) {
    window.location.reload();
    return;
  }
  const refused = await response.json().catch(() => null);
  status.dataset.state = "failed";
  status.textContent = refused && refused.error ? `${refused.error.message} (${refused.error.code})` : root.dataset.tFailed;
}

for (const form of document.querySelectorAll("form.answer-form")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const status = form.querySelector(".answer-status");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    answer(form, status)
      .catch((err) => {
        status.dataset.state = "failed";
        status.textContent = `${root.dataset.tFailed} ${(err && err.message) || ""}`;
      })
      .finally(() => {
        button.disabled = false;
      });
  });
}
