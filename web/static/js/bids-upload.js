// The resumable upload of a sealed part over etender-upload-v1 (docs/formats/upload.md
// §2): create, PUT the bytes from the committed offset with XHR (its upload progress
// gives bytes, rate and time left), and resume after a dropped network (from GET
// /api/v1/uploads/{id}) or a closed tab (the upload id is remembered in localStorage,
// keyed by the user, tender, lot, part and the file's SHA-256 — the same file picked
// again, or the same sealed file in OPFS, finds its upload).
"use strict";

// Bytes per PUT: the server commits what arrived when a request ends (§2.2), so a
// smaller request only means a finer resume point; 4 MiB keeps the progress honest on a
// slow line and a dropped request costs little.
export const CHUNK = 4 * 1024 * 1024;
// The reference client's backoff (§2.2 "Writer lease"): 0.25 s doubling to 8 s, up to
// 300 s without progress.
const BACKOFF_FIRST = 250;
const BACKOFF_MAX = 8000;
const GIVE_UP_MS = 300000;

export class UploadRefused extends Error {
  constructor(code, message, status, details) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details || {};
  }
}

export function storageKey(userId, tenderId, lot, part, sha256) {
  return `etender.upload.${userId}.${tenderId}.${lot}.${part}.${sha256}`;
}

export function remembered(userId, tenderId, lot) {
  // Every upload this browser began for the lot: [{part, sha256, id, size, name}].
  const prefix = `etender.upload.${userId}.${tenderId}.${lot}.`;
  const found = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (!key || !key.startsWith(prefix)) continue;
    try {
      found.push(JSON.parse(localStorage.getItem(key)));
    } catch {
      localStorage.removeItem(key);
    }
  }
  return found;
}

export function forget(userId, tenderId, lot, part, sha256) {
  localStorage.removeItem(storageKey(userId, tenderId, lot, part, sha256));
}

// The client installation's id (§2.1): made once at random, sent with every upload.
export function installation() {
  let id = localStorage.getItem("etender.installation");
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const raw = crypto.getRandomValues(new Uint8Array(24));
    id = btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_");
    localStorage.setItem("etender.installation", id);
  }
  return id;
}

async function refusal(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  const error = body.error || {};
  return new UploadRefused(error.code || `http_${response.status}`, error.message || "", response.status, error.details);
}

async function api(method, url, csrf, body) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrf };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method, credentials: "same-origin", headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await refusal(response);
  return response.json();
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Where the bytes go: the upload address the server names (its upload workers, §2.2;
// another port of this host, so the page's CSP connect-src lists it and the session
// cookie goes along), else — a server naming none — this site.
export function putUrl(upload) {
  return upload.upload_url || `/api/v1/uploads/${encodeURIComponent(upload.id)}`;
}

// One PUT of ``blob`` at ``offset``; resolves with the upload, rejects with an
// UploadRefused (the server named it) or a TypeError (the network dropped).
function put(url, offset, blob, csrf, onBytes) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `${url}?offset=${offset}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => onBytes(offset + event.loaded);
    xhr.onerror = () => reject(new TypeError("network"));
    xhr.onabort = () => reject(new TypeError("aborted"));
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText || "{}");
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const error = body.error || {};
      const retryAfter = Number(xhr.getResponseHeader("Retry-After")) || undefined;
      const details = { ...(error.details || {}), retryAfter };
      reject(new UploadRefused(error.code || `http_${xhr.status}`, error.message || "", xhr.status, details));
    };
    xhr.send(blob);
  });
}

// A rate and a time left from the bytes sent since ``start`` (this session only: a
// resumed upload's earlier bytes took no time here).
export function pace(startedAt, startOffset, done, total, now = performance.now()) {
  const seconds = Math.max((now - startedAt) / 1000, 0.001);
  const rate = Math.max(done - startOffset, 0) / seconds;
  const left = done >= total ? 0 : rate > 0 ? (total - done) / rate : Infinity;
  return { rate, left };
}

// Find or open the upload of ``file`` (its sha256 known) and send what the server lacks.
// ``opfsName``: the sealed file's name in OPFS, so a later visit resumes it unasked.
// ``onProgress({done, total, rate, left, resumedFrom})``. Returns the complete upload.
export async function uploadPart({ userId, csrf, tenderId, lot, part, file, sha256, opfsName, onProgress, onRetry }) {
  const key = storageKey(userId, tenderId, lot, part, sha256);
  let upload = await existing(key, file.size, sha256);
  if (upload === null) {
    upload = await api("POST", `/api/v1/tenders/${tenderId}/lots/${encodeURIComponent(lot)}/uploads`, csrf, {
      part, size: file.size, sha256, installation: installation(),
    });
    localStorage.setItem(key, JSON.stringify({ id: upload.id, part, sha256, size: file.size, opfs: opfsName || null }));
  }
  const resumedFrom = upload.offset;
  const startedAt = performance.now();
  let lastProgress = startedAt;
  let delay = BACKOFF_FIRST;
  while (upload.status === "open") {
    const offset = upload.offset;
    const report = (done) => onProgress({ done, total: file.size, resumedFrom, ...pace(startedAt, resumedFrom, done, file.size) });
    report(offset);
    try {
      upload = await put(putUrl(upload), offset, file.slice(offset, Math.min(offset + CHUNK, file.size)), csrf, report);
      delay = BACKOFF_FIRST;
      lastProgress = performance.now();
    } catch (err) {
      if (err instanceof UploadRefused && err.code === "bid_upload_offset_conflict") {
        upload = { ...upload, offset: err.details.offset };
        continue;
      }
      const busy = err instanceof UploadRefused && err.code === "bid_upload_busy_conflict";
      if (!(err instanceof TypeError) && !busy) {
        // The server refused the part (bid_part_not_age, bid_part_committee_mismatch, …:
        // the upload is failed, §2.1): this browser forgets it, a new seal starts anew.
        forget(userId, tenderId, lot, part, sha256);
        throw err;
      }
      if (performance.now() - lastProgress > GIVE_UP_MS) throw err;
      const wait = busy ? Math.min(delay, (err.details.retry_after_seconds || 1) * 1000) : delay;
      if (onRetry) onRetry(wait);
      await sleep(wait);
      delay = Math.min(delay * 2, BACKOFF_MAX);
      upload = await refreshed(upload);
      if (upload.offset > offset) lastProgress = performance.now();
    }
  }
  if (upload.status !== "complete") {
    forget(userId, tenderId, lot, part, sha256);
    throw new UploadRefused(upload.failure || "bid_upload_failed", "", 422, {});
  }
  onProgress({ done: file.size, total: file.size, resumedFrom, ...pace(startedAt, resumedFrom, file.size, file.size) });
  return upload;
}

async function existing(key, size, sha256) {
  const saved = localStorage.getItem(key);
  if (!saved) return null;
  let id;
  try {
    id = JSON.parse(saved).id;
  } catch {
    localStorage.removeItem(key);
    return null;
  }
  try {
    const upload = await api("GET", `/api/v1/uploads/${encodeURIComponent(id)}`, "");
    if (upload.size === size && upload.sha256 === sha256 && ["open", "complete"].includes(upload.status)) {
      return upload;
    }
  } catch (err) {
    if (!(err instanceof UploadRefused)) throw err;
  }
  // Failed, abandoned (§2.4) or gone: a new upload.
  localStorage.removeItem(key);
  return null;
}

// The upload's committed offset after a dropped request (§2.3); the network may still
// be down, so this is retried by the caller's loop.
async function refreshed(upload) {
  try {
    return await api("GET", `/api/v1/uploads/${encodeURIComponent(upload.id)}`, "");
  } catch (err) {
    if (err instanceof TypeError) return upload;
    throw err;
  }
}
