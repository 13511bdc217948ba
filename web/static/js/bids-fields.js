// The opening-form fields as the bidder types them (docs/formats/sealed-bid.md §7):
// amounts in yuan to the fen become integer fen, days and integers whole numbers, texts
// 1–4096 characters. A price above the lot's ceiling is flagged as it is typed (issue
// 16 item 2): the bid may still be sealed — the opening record flags it too.
"use strict";

import { facts, text, yuan } from "/static/js/bids-common.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

export class FieldInvalid extends Error {
  constructor(name, message) {
    super(message);
    this.code = "bid_field_invalid";
    this.field = name;
    this.worded = true; // the message names the field (bids-common.js fail)
  }
}

// "1,234.5" → 123450 fen; null if it is not an amount.
export function fenOf(raw) {
  const cleaned = raw.replace(/[,，\s]/g, "");
  const match = /^(\d{1,14})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
  return fen <= MAX_SAFE ? fen : null;
}

function wholeOf(raw) {
  const cleaned = raw.trim();
  if (!/^\d{1,15}$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return value <= MAX_SAFE ? value : null;
}

function valueOf(field, raw) {
  if (field.kind === "fen") return fenOf(raw);
  if (field.kind === "days" || field.kind === "integer") return wholeOf(raw);
  const cleaned = raw.trim().normalize("NFC");
  // A bidirectional control would reorder the value where it is shown: sealers refuse it
  // (docs/formats/sealed-bid.md §7).
  if (BIDI.test(cleaned)) return null;
  return cleaned.length >= 1 && [...cleaned].length <= 4096 ? cleaned : null;
}

function flag(name, message) {
  const box = document.getElementById(`flag-${name}`);
  if (!box) return;
  box.textContent = message || "";
  box.hidden = !message;
  box.closest(".field").classList.toggle("flagged", Boolean(message));
}

// Check one field as typed; the ceiling warning for the price.
function check(field) {
  const input = document.getElementById(`field-${field.name}`);
  const raw = input.value;
  if (raw.trim() === "") {
    flag(field.name, "");
    return;
  }
  const value = valueOf(field, raw);
  input.setAttribute("aria-invalid", value === null ? "true" : "false");
  if (value === null) {
    flag(field.name, text("field.invalid", { label: field.label }));
  } else if (field.name === "price" && value > facts.ceiling_fen) {
    flag(field.name, text("field.above_ceiling", { price: yuan(value), ceiling: yuan(facts.ceiling_fen) }));
  } else {
    flag(field.name, "");
  }
}

export function watchFields() {
  for (const field of facts.fields) {
    const input = document.getElementById(`field-${field.name}`);
    if (input) input.addEventListener("input", () => check(field));
  }
}

// The manifest's fields, or a FieldInvalid naming the first field that is wrong.
export function readFields() {
  const out = {};
  for (const field of facts.fields) {
    const raw = document.getElementById(`field-${field.name}`).value;
    if (raw.trim() === "") {
      if (field.required) throw new FieldInvalid(field.name, text("field.required", { label: field.label }));
      continue;
    }
    const value = valueOf(field, raw);
    if (value === null) throw new FieldInvalid(field.name, text("field.invalid", { label: field.label }));
    out[field.name] = value;
  }
  return out;
}
