// What the desk (desk.js) and the observer view (observe.js) share: the page's strings,
// times, table cells, one readable line per session event, commands with their refusal
// shown in the page's alert, and a snapshot refresh that one burst of events asks once.
// Everything from the server is untrusted: textContent and createElement only.

import { errorText } from "/static/js/errortext.js";
import { beijing } from "/static/js/beijing.js";

export function pageTexts(root) {
  const texts = JSON.parse(root.dataset.texts);
  const t = (key) => (key in texts ? texts[key] : key);
  t.lang = root.dataset.lang;
  if (root.dataset.bids) rememberBids(JSON.parse(root.dataset.bids));
  return { texts, t };
}

// A time as the page shows every time: Beijing time with its label, in the page's
// language (issue 15 item 4; web/static/js/beijing.js).
export function when(iso, lang, options) {
  return beijing(iso, lang, options);
}

export function cell(row, value) {
  const td = document.createElement("td");
  if (value instanceof Node) td.appendChild(value);
  else td.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
  row.appendChild(td);
  return td;
}

export function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key.startsWith("data-")) {
      node.setAttribute(key, String(value)); // "true" / "false": tests and styles read them
    } else if (value === false) {
      continue;
    } else if (key === "for" || key === "role" || key.startsWith("aria-")) {
      node.setAttribute(key, value === true ? "" : String(value));
    } else {
      node[key] = value;
    }
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function seatLabel(seat) {
  return "专家" + seat;
}

// Bids by id, from the briefing (bids.listed, or the snapshot's): results name bids by
// id only, a person reads the bidder's name.
const bidNames = new Map();

export function rememberBids(briefing) {
  for (const b of (briefing && briefing.bids) || []) bidNames.set(b.bid, b.name || b.bidder);
}

function bidName(id) {
  return bidNames.get(id) || String(id).slice(0, 8);
}

// One readable line per event (docs/formats/evaluation-session.md §5 and the sheet,
// report, clarification and note formats). Sealed content never reaches staff or
// supervisors; a sheet's submission carries its commitment only, shown as such.
export function describe(event, t) {
  const d = event.data || {};
  const seat = typeof d.seat === "number" ? seatLabel(d.seat) : null;
  const phase = (p) => t("phase." + p);
  switch (event.kind) {
    case "session.phase":
      return phase(d.phase) + (d.deadline ? " · " + t("desk.deadline") + " " + when(d.deadline, t.lang) : "");
    case "session.paused":
      return t("desk.resume_by") + " " + when(d.resume_by, t.lang);
    case "pause.detail":
      return d.reason;
    case "session.resumed":
      return d.deadline ? t("desk.deadline") + " " + when(d.deadline, t.lang) : "";
    case "session.sealed":
      return phase(d.phase) + " · " + d.reason;
    case "member.declared":
      return seat + " · " + (d.conflict ? t("desk.declared.conflict") : t("desk.declared.none"));
    case "member.replaced":
      return seat + " · #" + d.generation;
    case "member.detail":
      return seat + " · " + (d.holders || []).map((h) => h.name + " (" + t("desk.status." + h.status) + ")").join("、");
    case "replacement.requested":
      return seat + " · " + t("desk.cause." + d.cause);
    case "replacement.detail":
      return seat + " · " + t("desk.cause." + d.cause) + " · " + d.reason;
    case "bids.listed":
      rememberBids(d);
      return (d.title || "") + " · " + (d.lot_title || d.lot || "") + " · " + (d.bids || []).length;
    case "chair.voted":
      return seat + " · #" + d.round;
    case "chair.elected":
      return seat + " · #" + d.round;
    case "time.short_vote":
      return seat + " · " + d.votes + " / " + d.seated;
    case "time.extended":
      return when(d.previous, t.lang) + " → " + when(d.deadline, t.lang);
    case "sheet.submitted":
    case "sheet.revised":
      return [seat, d.phase ? phase(d.phase) : null, d.version ? "v" + d.version : null,
              d.commitment ? "commitment " + String(d.commitment).slice(0, 16) + "…" : null]
        .filter(Boolean).join(" · ");
    case "sheet.opened":
      return [seat, phase(d.phase), "v" + d.version,
              d.sheet && d.sheet.entries ? d.sheet.entries.length + " entries" : null]
        .filter(Boolean).join(" · ");
    case "deviation.flagged":
      return (d.items || []).map((i) => seatLabel(i.seat) + " " + bidName(i.bid) + " " + i.item)
        .join("、");
    case "deviation.explained":
      return seat + " · " + bidName(d.bid) + " · " + d.item + " · " + d.text;
    case "qualification.result":
      return (d.bids || []).map((b) => bidName(b.bid) + (b.passed ? " ✓" : " ✗" +
        (b.reasons && b.reasons.length ? " (" + b.reasons.join(", ") + ")" : ""))).join("、");
    case "ranking":
      return (d.ranking || []).map((r) => "#" + r.rank + " " + bidName(r.bid) +
        (r.total !== null && r.total !== undefined ? " " + r.total : "")).join("、");
    case "clarification.asked":
      return bidName(d.bid) + " · " + (d.question || "");
    case "supervisor.note":
      return String(d.id).slice(0, 8) + " · sha256 " + String(d.sha256).slice(0, 16) + "…";
    case "fault.reported":
      return d.venue + " · " + (d.by ? d.by.name : "") + " · " + d.text;
    default:
      break;
  }
  // Anything else: its plain fields, seats as seats.
  return Object.entries(d)
    .filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v))
    .map(([k, v]) => (k === "seat" ? seatLabel(v) : k + ": " + (k === "phase" ? phase(v) : v)))
    .join(" · ");
}

export function eventItem(event, t) {
  const item = el("li", { "data-kind": event.kind, "data-seq": event.seq });
  item.appendChild(el("span", { className: "seq" }, "#" + event.seq));
  item.appendChild(el("time", {}, when(event.at, t.lang)));
  item.appendChild(el("strong", {}, t("event." + event.kind) === "event." + event.kind
    ? event.kind : t("event." + event.kind)));
  const text = describe(event, t);
  if (text) item.appendChild(el("span", { className: "what" }, text));
  return item;
}

// A command from a control: the button waits, a refusal shows in the page's alert
// (in the page's language: the desk's own words, else the error catalogue's; the code
// small for support), success clears it. Resolves true when acknowledged.
export function refusal(error, t) {
  const own = t("err." + error.code);
  const said = own !== "err." + error.code ? own : errorText(error.code) || error.message || "";
  return t("desk.error") + said + " (" + (error.code || "?") + ")";
}

export async function command(live, type, data, { button, errorBox, t }) {
  if (button) button.disabled = true;
  try {
    await live.send(type, data);
    errorBox.hidden = true;
    errorBox.textContent = "";
    delete errorBox.dataset.code;
    return true;
  } catch (error) {
    errorBox.textContent = refusal(error, t);
    errorBox.dataset.code = error.code || "";
    errorBox.hidden = false;
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}

// Ask for a snapshot once per burst of events (a command causes several), never two
// at a time: each query costs one of the socket's tokens (docs/live-sessions.md).
export function refresher(live, render) {
  let timer = null;
  let running = false;
  let again = false;
  async function run() {
    timer = null;
    if (running) { again = true; return; }
    running = true;
    try {
      render(await live.snapshot());
    } catch (error) {
      console.warn("snapshot", error);
    } finally {
      running = false;
      if (again) { again = false; schedule(); }
    }
  }
  function schedule() {
    if (timer === null) timer = setTimeout(run, 250);
  }
  return schedule;
}

// Re-rendering a table keeps what the user was typing or ticking in it (by element id)
// and where the focus was: events arrive while a reason is half written.
export function keepInputs(container, rebuild) {
  const values = new Map();
  for (const input of container.querySelectorAll("input[id], select[id]")) {
    values.set(input.id, input.type === "checkbox" ? input.checked : input.value);
  }
  const focused = document.activeElement && container.contains(document.activeElement)
    ? document.activeElement.id : null;
  rebuild();
  for (const [id, value] of values) {
    const input = document.getElementById(id);
    if (!input) continue;
    if (input.type === "checkbox") input.checked = value; else input.value = value;
    input.dispatchEvent(new Event("input"));
  }
  if (focused) {
    const again = document.getElementById(focused);
    if (again) again.focus();
  }
}
