// The member's sheet (docs/formats/evaluation-sheet.md, evaluation-method.md §2): the
// form of the current sheet phase, a draft in this browser's vault on every change,
// and the sealed submission — built, sealed and signed here; only the commitment,
// ciphertext, nonce and signature leave before the reveal (CONTRACTS.md §1). At the
// reveal the vault's key is sent, automatically and by a button as a fallback.
import { $, el, parsePoints, parseFen, showPoints, shortHex, beijingTime } from "/static/js/room_util.js";
import { bidName, rangeText } from "/static/js/room_briefing.js";

const SEALING = ["qualification", "scoring", "adjustment"];
export const REASONS = ["no_signature", "not_qualified", "two_bids", "price_above_ceiling",
  "price_below_cost", "not_responsive", "collusion_or_fraud"];

let built = null;      // "<phase>|<bids>" of the form on the page
let sealedShown = null;
const revealing = new Set();
const resent = new Set();   // "<phase>|<version>" sent by this page: resend() leaves them
const acked = {};           // phase → the latest version this page's submission was acknowledged

export function sheetPhaseOf(phase) {
  if (!phase) return null;
  const base = phase.endsWith("_reveal") ? phase.slice(0, -"_reveal".length) : phase;
  return SEALING.includes(base) ? base : null;
}

export function mySeat(room) {
  return room.view && room.view.you ? room.view.you.seat : null;
}

// The bids a sheet of ``phase`` covers: every bid in qualification, then those the
// committee's announced result passed (evaluation-sheet.md §5).
export function bidsOf(room, phase) {
  if (!room.briefing) return null;
  const all = room.briefing.bids.map((b) => b.bid);
  if (phase === "qualification") return all.slice().sort();
  if (!room.qualification) return null;
  return room.qualification.bids.filter((b) => b.passed).map((b) => b.bid).sort();
}

// The method's items of ``phase``: [{id, name, guidance, range: sub-item | adjustment}].
export function itemsOf(method, phase) {
  if (phase === "qualification") return method.qualification.map((q) => ({ ...q, kind: "pass" }));
  if (phase === "scoring") {
    return method.criteria.flatMap((c) => c.items.map((s) =>
      ({ ...s, id: c.id + "." + s.id, name: c.name + " · " + s.name, kind: "points" })));
  }
  return method.adjustments.map((a) => ({ ...a, kind: "fen" }));
}

export function renderSheet(room) {
  const phase = room.phase;
  const sealing = SEALING.includes(phase) && !room.sealed;
  $("sheet").hidden = !(sealing && room.view && room.view.you && room.briefing);
  if ($("sheet").hidden) return;
  const bids = bidsOf(room, phase);
  if (!bids) return;
  const key = phase + "|" + bids.join(",");
  if (built !== key) {
    built = key;
    buildForm(room, phase, bids);
  }
  $("submit-sheet").disabled = !room.key || Boolean(room.pausedAt) || room.submitting === true;
  showSealed(room, phase);
}

function buildForm(room, phase, bids) {
  const T = room.T;
  const form = $("sheet-form");
  form.dataset.phase = phase;
  // A new form: nothing typed in it yet, its draft not yet read back (restoreDraft).
  delete form.dataset.touched;
  delete form.dataset.ready;
  $("sheet-phase").textContent = room.phases[phase] || phase;
  const items = itemsOf(room.briefing.method, phase);
  if (items.length === 0) {
    // A method without items of this phase: the sheet has no entries, and is still
    // sealed and submitted (Reg. 51's reasons apply whatever the documents list).
    form.replaceChildren(el("p", { class: "no-items", text: T("no_items") }));
    restoreDraft(room, phase);
    return;
  }
  form.replaceChildren(...bids.map((bid) => el("fieldset", { class: "sheet-bid", "data-bid": bid },
    el("legend", { text: bidName(room, bid) }),
    ...items.map((item) => row(T, bid, item)))));
  form.oninput = () => { form.dataset.touched = "true"; saveDraft(room, phase); };
  form.onchange = () => { form.dataset.touched = "true"; saveDraft(room, phase); };
  restoreDraft(room, phase);
}

export function row(T, bid, item) {
  const box = el("div", { class: "sheet-row", "data-bid": bid, "data-item": item.id, "data-kind": item.kind });
  const label = el("div", {}, el("strong", { text: item.name }));
  if (item.kind === "points") label.appendChild(el("div", { class: "range", text: rangeText(T, item) }));
  if (item.kind === "fen") label.appendChild(el("div", { class: "range", text: T("fen_range", { min: item.min_fen, max: item.max_fen }) }));
  if (item.guidance) label.appendChild(el("div", { class: "guidance", text: item.guidance }));
  const fields = el("div", {});
  if (item.kind === "pass") {
    fields.appendChild(el("select", { "data-field": "pass", "aria-label": item.name },
      el("option", { value: "", text: T("choose") }),
      el("option", { value: "pass", text: T("pass") }),
      el("option", { value: "fail", text: T("fail") })));
    fields.appendChild(el("select", { "data-field": "reason", "aria-label": T("reason") },
      el("option", { value: "", text: T("reason") }),
      ...REASONS.map((r) => el("option", { value: r, text: T("reason." + r) }))));
    fields.appendChild(el("textarea", { "data-field": "explanation", rows: "2", maxlength: "2000",
      placeholder: T("explanation"), "aria-label": T("explanation") }));
  } else if (item.kind === "points" && Array.isArray(item.steps)) {
    fields.appendChild(el("select", { "data-field": "points", "aria-label": item.name },
      el("option", { value: "", text: T("choose") }),
      ...item.steps.map((s) => el("option", { value: showPoints(s), text: showPoints(s) }))));
  } else {
    fields.appendChild(el("input", { "data-field": item.kind, inputmode: item.kind === "fen" ? "numeric" : "decimal",
      "aria-label": item.name + " " + T(item.kind === "fen" ? "fen" : "points"), size: "10" }));
  }
  box.append(label, fields);
  return box;
}

function formValues() {
  const values = {};
  for (const field of $("sheet-form").querySelectorAll("[data-field]")) {
    const r = field.closest(".sheet-row");
    (values[r.dataset.bid + "|" + r.dataset.item] ||= {})[field.dataset.field] = field.value;
  }
  return values;
}

async function saveDraft(room, phase) {
  if (!room.sign) return;
  const savedAt = new Date().toISOString();
  try {
    await room.sign.vault.saveDraft(room.userId, room.sessionId, phase, { values: formValues(), savedAt });
    const state = $("draft-state");
    state.textContent = room.T("draft_saved", { at: beijingTime(savedAt, { seconds: true }) });
    state.dataset.savedAt = savedAt;
  } catch (error) {
    room.fail(error);
  }
}

async function restoreDraft(room, phase) {
  const form = $("sheet-form");
  const ready = () => { if (form.dataset.phase === phase) form.dataset.ready = "true"; };
  if (!room.sign) { ready(); return; }
  const draft = await room.sign.vault.loadDraft(room.userId, room.sessionId, phase);
  // The vault answers asynchronously: what the member typed meanwhile is newer than any
  // draft (and a draft saved meanwhile holds only part of it), so it is never overwritten.
  if (!draft || !draft.values || form.dataset.touched || form.dataset.phase !== phase) { ready(); return; }
  for (const field of form.querySelectorAll("[data-field]")) {
    const r = field.closest(".sheet-row");
    const saved = draft.values[r.dataset.bid + "|" + r.dataset.item];
    if (saved && typeof saved[field.dataset.field] === "string") field.value = saved[field.dataset.field];
  }
  $("draft-state").textContent = room.T("draft_restored");
  $("draft-state").dataset.restored = "true";
  ready();
}

// The entries of the form, checked as the method checks them (the server checks again
// at the reveal); throws {code, message} naming the first gap.
export function entriesOf(room, phase, container) {
  const items = new Map(itemsOf(room.briefing.method, phase).map((i) => [i.id, i]));
  const entries = [];
  for (const r of container.querySelectorAll(".sheet-row")) {
    const item = items.get(r.dataset.item);
    const get = (name) => { const f = r.querySelector("[data-field=" + name + "]"); return f ? f.value : ""; };
    const where = { bid: bidName(room, r.dataset.bid), item: item.name };
    const entry = { bid: r.dataset.bid, item: item.id };
    if (item.kind === "pass") {
      const verdict = get("pass");
      if (!verdict) throw { code: "sheet_incomplete", message: room.T("incomplete", where) };
      entry.pass = verdict === "pass";
      if (!entry.pass) {
        entry.reason = get("reason");
        entry.explanation = get("explanation").trim();
        if (!entry.reason || !entry.explanation) throw { code: "sheet_incomplete", message: room.T("incomplete", where) };
      }
    } else if (item.kind === "points") {
      const text = get("points");
      if (!text.trim()) throw { code: "sheet_incomplete", message: room.T("incomplete", where) };
      const points = parsePoints(text);
      const ok = points !== null && (Array.isArray(item.steps) ? item.steps.includes(points)
        : points >= item.min_hundredths && points <= item.max_hundredths);
      if (!ok) throw { code: "sheet_value_invalid", message: room.T("invalid_points", where) };
      entry.points = points;
    } else {
      const text = get("fen");
      if (!text.trim()) throw { code: "sheet_incomplete", message: room.T("incomplete", where) };
      const fen = parseFen(text);
      if (fen === null || fen < item.min_fen || fen > item.max_fen) throw { code: "sheet_value_invalid", message: room.T("invalid_points", where) };
      entry.fen = fen;
    }
    entries.push(entry);
  }
  return entries;
}

export function hexOf(room, value) {
  if (typeof value === "string") return /^[0-9a-f]{64}$/.test(value) ? value : room.sign.hex(room.sign.b64url.decode(value));
  return room.sign.hex(value);
}

function bytesOf(room, value) {
  return typeof value === "string" ? room.sign.b64url.decode(value) : value;
}

async function submit(room) {
  const phase = $("sheet-form").dataset.phase;
  const you = room.view.you;
  let entries;
  try {
    entries = entriesOf(room, phase, $("sheet-form"));
  } catch (error) {
    room.fail(error);
    return;
  }
  room.submitting = true;
  $("submit-sheet").disabled = true;
  try {
    const { sign } = room;
    // The server numbers a seat's submissions 1, 2, … (evaluation-sheet.md §5) and the
    // sheet must name the number it gets: the latest the session announced, plus one.
    // (or the latest this page had acknowledged, when its event is still on the way).
    const server = (room.submitted[phase] || {})[you.seat];
    const version = Math.max(server ? server.version : 0, acked[phase] || 0) + 1;
    const sheetBytes = sign.sheets.build({ session: room.sessionId, phase, seat: you.seat,
      generation: you.generation, version, entries });
    const bytes = sheetBytes instanceof Promise ? await sheetBytes : sheetBytes;
    const sealed = await sign.sheets.seal(bytes);
    const signature = await sign.cms.signDetached(room.key, bytes, { purpose: "sheet" });
    // The key is kept before anything is sent: a closed tab after the send loses nothing.
    await sign.vault.putSealed(room.userId, room.sessionId, phase, { version, sheetBytes: bytes,
      key: sealed.key, nonce: sealed.nonce, commitment: sealed.commitment, ciphertext: sealed.ciphertext });
    // This page sends it itself (live.js resends it after a reconnect): never resend() it.
    resent.add(phase + "|" + version);
    await room.send("submit_sheet", await sign.sheets.submitData(sealed, signature, phase));
    acked[phase] = version;
    sealedShown = null;
  } catch (error) {
    room.fail(error && error.code ? error : { code: "error", message: String(error) });
  } finally {
    room.submitting = false;
    room.render();
  }
}

async function showSealed(room, phase) {
  if (!room.sign) return;
  const server = (room.submitted[phase] || {})[mySeat(room)];
  const key = phase + "|" + (server ? server.version : 0);
  if (sealedShown === key) return;
  sealedShown = key;
  const stored = await room.sign.vault.getSealed(room.userId, room.sessionId, phase);
  if (stored && stored.ciphertext && stored.version === (server ? server.version : 0) + 1) {
    // Sealed and kept here, never acknowledged (the tab closed right after sealing):
    // sent now, signed again over the same bytes — the same commitment, key and nonce.
    sealedShown = null;
    await resend(room, phase, stored);
    return;
  }
  const box = $("sealed-state");
  if (!stored || !server) { box.textContent = ""; delete box.dataset.version; return; }
  box.dataset.version = String(server.version);
  box.dataset.commitment = server.commitment;
  box.textContent = room.T("submitted", { version: server.version, commitment: shortHex(server.commitment) }) +
    " " + room.T("resubmit");
}

async function resend(room, phase, stored) {
  const key = phase + "|" + stored.version;
  if (resent.has(key) || room.submitting || !room.key) return;
  resent.add(key);
  room.submitting = true;
  try {
    const signature = await room.sign.cms.signDetached(room.key, stored.sheetBytes, { purpose: "sheet" });
    await room.send("submit_sheet", room.sign.sheets.submitData(stored, signature, phase));
    room.say(room.T("resent", { version: stored.version }));
  } catch (error) {
    room.fail(error && error.code ? error : { code: "error", message: String(error) });
  } finally {
    room.submitting = false;
    room.render();
  }
}

// The reveal: in a reveal phase, send the vault's key for this member's latest sealed
// version — only when the commitment the vault holds is the one the server logged.
export async function autoReveal(room, { manual = false } = {}) {
  const phase = room.phase;
  const base = sheetPhaseOf(phase);
  const seat = mySeat(room);
  const button = $("reveal-button");
  const inReveal = Boolean(base) && phase.endsWith("_reveal") && seat !== null && !room.pausedAt && !room.sealed;
  const done = inReveal && (room.revealed[base] || {})[seat];
  const server = inReveal ? (room.submitted[base] || {})[seat] : null;
  button.hidden = !(inReveal && !done && server);
  if (!inReveal || done || !server || !room.sign || revealing.has(base)) return;
  if (!manual && room.autoRevealTried === base) return;
  room.autoRevealTried = base;
  revealing.add(base);
  try {
    // Events may arrive in a burst after a reconnect: reveal only in the phase the
    // session is in now, as the server says.
    const view = await room.live.snapshot();
    if (view.phase !== phase || view.paused_at) { room.autoRevealTried = null; return; }
    const stored = await room.sign.vault.getSealed(room.userId, room.sessionId, base);
    if (!stored) { room.fail({ code: "sheet_key_missing", message: room.T("no_sealed") }); return; }
    if (hexOf(room, stored.commitment) !== server.commitment || stored.version !== server.version) {
      room.fail({ code: "sheet_key_mismatch", message: room.T("seal_mismatch") });
      return;
    }
    await room.send("reveal", { phase: base, key: room.sign.b64url.encode(bytesOf(room, stored.key)) });
    await room.sign.vault.markRevealed(room.userId, room.sessionId, base, stored.version);
    $("reveal-state").textContent = room.T("revealed", { version: stored.version });
  } catch (error) {
    room.fail(error && error.code ? error : { code: "error", message: String(error) });
  } finally {
    revealing.delete(base);
  }
}

export function wireSheet(room) {
  $("submit-sheet").addEventListener("click", () => submit(room));
  $("reveal-button").addEventListener("click", () => autoReveal(room, { manual: true }));
}
