// What the bidder's lot page scripts share: the page's facts and texts, messages in the
// page's language, JSON calls with the session's CSRF token, sizes and amounts.
// Data from the server or a file is only ever written with textContent.
"use strict";

import { refusalText } from "/static/js/errortext.js";
import { pageLang } from "/static/js/beijing.js";

export const root = document.getElementById("bid-page");
export const lang = pageLang(root);
export const facts = JSON.parse(root.dataset.facts);
export const userId = root.dataset.user;
export const csrf = root.dataset.csrf;
const texts = JSON.parse(root.dataset.texts);
export const lotBase = `/api/v1/tenders/${facts.tender_id}/lots/${encodeURIComponent(facts.lot)}`;
export const tenderBase = `/api/v1/tenders/${facts.tender_id}`;

const statusBox = document.getElementById("status");
const errorBox = document.getElementById("error");

export function text(name, params = {}) {
  return (texts[name] || name).replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : ""));
}

export function say(message) {
  errorBox.hidden = true;
  statusBox.textContent = message;
}

export function fail(err) {
  const code = err && err.code;
  const network = err instanceof TypeError;
  // The page's own words for the signing module's browser-side codes, then the error
  // catalogue's (issue 15 item 4), then the message (the page's own refusals are worded).
  const own = code && Object.hasOwn(texts, `error.${code}`) ? text(`error.${code}`) : null;
  // A refusal the page worded itself (naming the field or file) is said as worded.
  const worded = err && err.worded ? err.message : null;
  const said = own || worded || (network ? text("error.network") : refusalText(err, (err && err.message) || String(err)));
  errorBox.textContent = text("error.generic", { message: said });
  errorBox.dataset.code = code || (network ? "network_failed" : "");
  errorBox.hidden = false;
}

export async function busy(fn) {
  try {
    await fn();
  } catch (err) {
    fail(err);
  }
}

// A refusal in the page's own words, naming what is wrong (a field, a file name).
export function worded(code, message) {
  return Object.assign(new Error(message), { code, worded: true });
}

export class ApiError extends Error {
  constructor(code, message, status, details) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details || {};
  }
}

// A JSON call with the cookie session; a refusal is thrown as an ApiError with its code.
export async function api(method, url, body) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrf };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method, credentials: "same-origin", headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.ok) return response.status === 204 ? null : response.json();
  let error = {};
  try {
    error = (await response.json()).error || {};
  } catch {
    error = {};
  }
  throw new ApiError(error.code || `http_${response.status}`, error.message || "", response.status, error.details);
}

// The answer, or null when the server says the thing is not there (404).
export async function maybe(url) {
  try {
    return await api("GET", url);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export function yuan(fen) {
  const whole = Math.floor(fen / 100).toLocaleString("en-US");
  return `${whole}.${String(fen % 100).padStart(2, "0")}`;
}

export function size(bytes) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function duration(seconds) {
  if (!Number.isFinite(seconds)) return "—";
  const s = Math.ceil(seconds);
  if (s < 60) return text("duration.seconds", { s });
  return text("duration.minutes", { m: Math.floor(s / 60), s: s % 60 });
}

export function download(name, bytes, type) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([bytes], { type }));
  link.download = name;
  link.textContent = name;
  return link;
}

export function b64decode(textValue) {
  const binary = atob(textValue);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

export function b64encode(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
