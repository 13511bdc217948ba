// Helpers of the scoring room (room.js): elements from data (never innerHTML: every
// value shown is untrusted), the page's translated texts, points and money.
"use strict";

import { beijing, pageLang } from "/static/js/beijing.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key.startsWith("data-")) node.dataset[camel(key.slice(5))] = String(value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

export function $(id) {
  return document.getElementById(id);
}

export function setText(id, value) {
  $(id).textContent = value === null || value === undefined || value === "" ? "—" : String(value);
}

// The page's catalogue (web/evaluation/i18n_room.py, js.*): "{name}" placeholders.
export function translator(texts) {
  return function T(key, params = {}) {
    const text = Object.hasOwn(texts, key) ? texts[key] : key;
    return text.replace(/\{(\w+)\}/g, (m, name) =>
      Object.hasOwn(params, name) ? String(params[name]) : m);
  };
}

// Points are stored in hundredths (docs/formats/evaluation-method.md: integers only).
export function showPoints(hundredths) {
  if (typeof hundredths !== "number") return "";
  const sign = hundredths < 0 ? "-" : "";
  const abs = Math.abs(hundredths);
  const cents = abs % 100;
  return sign + Math.floor(abs / 100) + (cents ? "." + String(cents).padStart(2, "0") : "");
}

// "24.5" → 2450, "24.55" → 2455, "7" → 700; anything else (3 decimals, signs, exponents)
// → null: exact, no floating point.
export function parsePoints(text) {
  const match = /^\s*(\d{1,5})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

export function parseFen(text) {
  const match = /^\s*(-?\d{1,16})\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : null;
}

export function yuan(fen) {
  if (typeof fen !== "number") return "—";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return sign + "¥" + Math.floor(abs / 100).toLocaleString("en-US") + "." +
    String(abs % 100).padStart(2, "0");
}

// A sealed file name or field value as shown: each bidirectional control (U+202A–U+202E,
// U+2066–U+2069) as a visible \u escape, so none can reorder the text — "大文件\u202efdp.exe"
// never shows as "大文件exe.pdf" (docs/formats/sealed-bid.md §6, §7: readers accept v1 parts
// sealed with them, so the page must not let them act).
export function unbidi(text) {
  return String(text).replace(/[\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

export function shortHex(hex) {
  return typeof hex === "string" ? hex.slice(0, 16) + "…" : "—";
}

// Beijing time with its label in the page's language, whatever this device's zone is
// (issue 15 item 4; web/static/js/beijing.js).
export function beijingTime(iso, options) {
  return beijing(iso, pageLang(), options);
}
