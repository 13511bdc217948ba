// The platform's account endpoints a signing page calls: the demo CA (keysrv,
// CONTRACTS.md §2) and certificate registration by proof of possession (docs/api-auth.md).
import { SignError, b64 } from "./bytes.js";
import { signDetached } from "./cms.js";

async function postJson(url, body, csrfToken) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken || "" },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new SignError("network_failed", `the server cannot be reached: ${err && err.message}`);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const failure = new SignError(error.code || `http_${response.status}`, error.message || `HTTP ${response.status}`);
    failure.status = response.status;
    failure.details = error.details || null;
    throw failure;
  }
  return data;
}

/** A certificate from the demo CA for a browser key's request (404 demo_ca_disabled outside the demo). */
export async function requestDemoCertificate(csrPem, csrfToken) {
  const data = await postJson("/api/v1/demo/ca/certificates", { csr: csrPem }, csrfToken);
  return data.certificate;
}

/** Registers the key's certificate: the server's challenge, signed by this key. */
export async function registerCertificate(record, csrfToken, { device = record && record.kind === "browser" } = {}) {
  if (!record || !record.certificatePem) throw new SignError("certificate_missing", "this key has no certificate yet");
  const challenge = await postJson("/api/v1/auth/challenge", {}, csrfToken);
  const signature = await signDetached(record, b64.decode(challenge.challenge), { purpose: "certificate_registration" });
  const body = { certificate: record.certificatePem, nonce: challenge.nonce, signature: b64.encode(signature) };
  if (device) body.device = { kind: "browser", label: record.label };
  const data = await postJson("/api/v1/me/certificates", body, csrfToken);
  return data.value;
}
