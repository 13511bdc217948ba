// The reveal and the review (docs/formats/evaluation-sheet.md §§5–6): the revealed
// sheets (panel sheet.opened), the committee's qualification result, this member's
// deviation flags with an explanation form (explain), the chair's factual errors, and
// a revision (revise: a new version in the clear, signed, a reason per changed entry).
import { $, el, showPoints, yuan } from "/static/js/room_util.js";
import { bidName } from "/static/js/room_briefing.js";
import { sheetPhaseOf, mySeat, row, entriesOf, itemsOf } from "/static/js/room_sheet.js";

let openedKey = null;
let flagsKey = null;
let reviseKey = null;
let qualShown = null;

export function renderReview(room) {
  const base = sheetPhaseOf(room.phase);
  const inReveal = Boolean(base) && room.phase.endsWith("_reveal");
  const any = Object.keys(room.opened).length > 0 || room.qualification;
  $("reveal").hidden = !(room.view && room.view.you && (inReveal || any));
  if ($("reveal").hidden) return;
  renderQualification(room);
  renderOpened(room);
  renderFlags(room, inReveal ? base : null);
  renderErrors(room);
  renderRevise(room, inReveal ? base : null);
  // A part with nothing in it steps aside (its heading with it).
  for (const [id, empty] of [["qual-result", !room.qualification], ["flags", !$("flags").children.length],
    ["factual-errors", !$("factual-errors").children.length], ["revise-form", !$("revise-form").children.length],
    ["opened", !$("opened").tBodies[0].children.length]]) {
    $(id).closest(".review-part").hidden = empty;
  }
}

function value(room, entry) {
  if ("pass" in entry) return entry.pass ? room.T("pass") : room.T("fail") + " · " + room.T("reason." + entry.reason) + " · " + entry.explanation;
  if ("points" in entry) return showPoints(entry.points);
  return yuan(entry.fen);
}

function renderQualification(room) {
  const q = room.qualification;
  if (!q || qualShown === q) return;
  qualShown = q;
  $("qual-result").replaceChildren(el("ul", {}, ...q.bids.map((b) =>
    el("li", { "data-bid": b.bid, "data-passed": String(b.passed) },
      room.T("labelled", { label: bidName(room, b.bid), text: b.passed ? room.T("passed") :
        room.T("failed") + " · " + b.reasons.map((r) => room.T("reason." + r)).join(room.T("list_sep")) })))));
}

function renderOpened(room) {
  const rows = [];
  let key = "";
  for (const [phase, seats] of Object.entries(room.opened)) {
    for (const [seat, d] of Object.entries(seats)) {
      key += phase + seat + d.version + ";";
      for (const entry of d.sheet.entries) {
        rows.push(el("tr", { "data-phase": phase, "data-seat": seat, "data-bid": entry.bid, "data-item": entry.item, "data-version": d.version },
          el("td", { text: room.T("seat", { seat }) + " · v" + d.version }), el("td", { text: bidName(room, entry.bid) }),
          el("td", { text: entry.item }), el("td", { text: value(room, entry) })));
      }
    }
  }
  if (key === openedKey) return;
  openedKey = key;
  $("opened").tBodies[0].replaceChildren(...rows);
}

function myFlags(room, phase) {
  const seat = mySeat(room);
  return phase ? (room.flags[phase] || []).filter((f) => f.seat === seat) : [];
}

function renderFlags(room, phase) {
  const flags = myFlags(room, phase);
  const key = JSON.stringify([flags, Object.keys(room.explained)]);
  if (key === flagsKey) return;
  flagsKey = key;
  $("flags").replaceChildren(...flags.map((f) => {
    const id = [phase, f.seat, f.bid, f.item].join("|");
    const item = el("li", { class: "flag", "data-bid": f.bid, "data-item": f.item },
      room.T("flag", { bid: bidName(room, f.bid), item: f.item }) + " ");
    if (id in room.explained) {
      item.appendChild(el("span", { class: "explained", text: room.T("labelled", { label: room.T("explained"), text: room.explained[id] }) }));
      return item;
    }
    const text = el("textarea", { class: "explain-text", rows: "2", maxlength: "2000", "aria-label": room.T("explain") });
    const button = el("button", { type: "button", class: "explain", text: room.T("explain") });
    button.addEventListener("click", () => {
      room.send("explain", { phase, bid: f.bid, item: f.item, text: text.value.trim() }).catch(() => {});
    });
    item.append(el("br"), text, button);
    return item;
  }));
}

function renderErrors(room) {
  const all = Object.values(room.errors).flat();
  $("factual-errors").replaceChildren(...all.map((e) => el("li",
    { "data-seat": e.seat, "data-bid": e.bid, "data-item": e.item, class: e.seat === mySeat(room) ? "mine" : "" },
    room.T("error_recorded", { seat: e.seat, bid: bidName(room, e.bid), item: e.item, text: e.text }))));
}

// The entries this member may change: its flagged items and those with a factual error.
function revisable(room, phase) {
  const seat = mySeat(room);
  const keys = new Set(myFlags(room, phase).map((f) => f.bid + "|" + f.item));
  for (const e of room.errors[phase] || []) if (e.seat === seat) keys.add(e.bid + "|" + e.item);
  return keys;
}

function renderRevise(room, phase) {
  const seat = mySeat(room);
  const mine = phase ? (room.opened[phase] || {})[seat] : null;
  const keys = mine ? revisable(room, phase) : new Set();
  const key = phase + "|" + (mine ? mine.version : 0) + "|" + [...keys].sort().join(",");
  $("revise-button").hidden = keys.size === 0;
  $("revise-button").disabled = !room.key;
  if (key === reviseKey) return;
  reviseKey = key;
  const form = $("revise-form");
  form.replaceChildren();
  if (!mine || keys.size === 0) return;
  form.dataset.phase = phase;
  form.dataset.version = String(mine.version);
  const items = new Map(itemsOf(room.briefing.method, phase).map((i) => [i.id, i]));
  for (const entry of mine.sheet.entries) {
    if (!keys.has(entry.bid + "|" + entry.item)) continue;
    const r = row(room.T, entry.bid, items.get(entry.item));
    r.querySelector("strong").textContent = bidName(room, entry.bid) + " · " + items.get(entry.item).name;
    prefill(r, entry);
    r.lastChild.appendChild(el("textarea", { class: "change-reason", rows: "2", maxlength: "2000",
      placeholder: room.T("changed_reason"), "aria-label": room.T("changed_reason") }));
    form.appendChild(r);
  }
}

function prefill(r, entry) {
  const set = (name, v) => { const f = r.querySelector("[data-field=" + name + "]"); if (f) f.value = v; };
  if ("pass" in entry) {
    set("pass", entry.pass ? "pass" : "fail");
    if (!entry.pass) { set("reason", entry.reason); set("explanation", entry.explanation); }
  } else if ("points" in entry) set("points", showPoints(entry.points));
  else set("fen", String(entry.fen));
}

async function revise(room) {
  const form = $("revise-form");
  const phase = form.dataset.phase;
  const mine = (room.opened[phase] || {})[mySeat(room)];
  if (!mine) return;
  let changedEntries;
  try {
    changedEntries = entriesOf(room, phase, form);
  } catch (error) {
    room.fail(error);
    return;
  }
  const byKey = new Map(changedEntries.map((e) => [e.bid + "|" + e.item, e]));
  const reasons = [];
  const entries = mine.sheet.entries.map((old) => {
    const now = byKey.get(old.bid + "|" + old.item);
    if (!now || JSON.stringify(now) === JSON.stringify(old)) return old;
    const reason = form.querySelector(`.sheet-row[data-bid="${old.bid}"][data-item="${old.item}"] .change-reason`).value.trim();
    reasons.push({ bid: old.bid, item: old.item, reason });
    return now;
  });
  if (reasons.length === 0) { room.fail({ code: "sheet_revision_invalid", message: room.T("nothing_to_revise"), local: true }); return; }
  try {
    const { sign } = room;
    const you = room.view.you;
    const built = sign.sheets.build({ session: room.sessionId, phase, seat: you.seat,
      generation: you.generation, version: mine.version + 1, entries });
    const bytes = built instanceof Promise ? await built : built;
    const signature = await sign.cms.signDetached(room.key, bytes, { purpose: "sheet" });
    await room.send("revise", { phase, sheet: sign.b64url.encode(bytes),
      signature: sign.b64url.encode(signature), reasons });
    $("reveal-state").textContent = room.T("revised", { version: mine.version + 1 });
  } catch (error) {
    room.fail(error && error.code ? error : { code: "error", message: String(error) });
  }
}

export function wireReview(room) {
  $("revise-button").addEventListener("click", () => revise(room));
}
