// The supervisor's observer view (web/evaluation/desk_pages.py): every event a supervisor
// receives, rendered readably (nothing sealed reaches it: a submitted sheet is its
// commitment), the members as the staff snapshot holds them, the approval of
// replacements, and the supervisor's own notes — signed in this browser with the
// signing module (CONTRACTS.md §1) over the exact bytes of docs/api-evaluation.md
// "Supervisors' notes", sent as the `note` command, listed from GET …/notes.
import { connect } from "/static/js/live.js";
import { cell, command, el, eventItem, pageTexts, refresher, rememberBids, seatLabel, when }
  from "/static/js/desk_common.js";

const root = document.getElementById("observe");
const { t } = pageTexts(root);
const lang = root.dataset.lang;
const sessionId = root.dataset.session;
const userId = root.dataset.user;
const errorBox = document.getElementById("desk-error");
const declared = new Map();
const sheets = new Map(); // "phase/seat/version" -> sheet event data
let view = null;

const run = (type, data, button) => command(live, type, data, { button, errorBox, t })
  .then((ok) => { if (ok) refresh(); return ok; });

function yesNo(value) {
  return el("span", { className: value ? "yes" : "no" }, value ? t("desk.yes") : t("desk.no"));
}

function renderStatus() {
  const phase = document.getElementById("phase");
  phase.textContent = t("phase." + view.phase);
  phase.dataset.phase = view.phase;
  root.dataset.phase = view.phase;
  document.getElementById("paused").hidden = !view.paused_at;
  document.getElementById("deadline").textContent = when(view.phase_deadline, lang);
  document.getElementById("starts-at").textContent = when(view.staff.starts_at, lang);
  document.getElementById("main-venue").textContent = view.staff.main_venue || "—";
  document.getElementById("chair").textContent = view.chair_seat ? seatLabel(view.chair_seat) : "—";
  const reason = view.staff.pause_reason;
  for (const id of ["pause-reason", "pause-reason-label"]) {
    document.getElementById(id).hidden = !(view.paused_at && reason);
  }
  document.getElementById("pause-reason").textContent = reason || "";
}

function renderMembers() {
  const body = document.querySelector("#members tbody");
  body.replaceChildren();
  const holders = (view.staff.members || []).slice()
    .sort((a, b) => a.seat - b.seat || a.generation - b.generation);
  for (const h of holders) {
    const present = h.status === "seated" && !!h.signed_in_at && !!h.identity_confirmed_at;
    const row = el("tr", { "data-seat": h.seat, "data-generation": h.generation,
                           "data-status": h.status, "data-present": present });
    cell(row, seatLabel(h.seat));
    const name = cell(row, h.name);
    if (h.status !== "seated") name.appendChild(el("span", { className: "badge" }, t("desk.status." + h.status)));
    cell(row, h.venue);
    cell(row, h.signed_in_at ? when(h.signed_in_at, lang) : yesNo(false));
    cell(row, h.identity_confirmed_at ? when(h.identity_confirmed_at, lang) : yesNo(false));
    cell(row, yesNo(present));
    const d = h.status === "seated" ? declared.get(h.seat) : undefined;
    cell(row, d === undefined ? "—" : (d ? t("desk.declared.conflict") : t("desk.declared.none")));
    body.appendChild(row);
  }
}

function renderReplacements() {
  const body = document.querySelector("#replacements tbody");
  body.replaceChildren();
  let waiting = 0;
  for (const r of view.staff.replacements || []) {
    const row = el("tr", { "data-seat": r.seat, "data-generation": r.generation });
    cell(row, seatLabel(r.seat));
    cell(row, t("desk.cause." + r.cause));
    cell(row, r.reason);
    cell(row, when(r.requested_at, lang));
    cell(row, r.approved_at ? when(r.approved_at, lang) : t("desk.waiting_approval"));
    cell(row, r.seated_at ? when(r.seated_at, lang) : null);
    const actions = cell(row, "");
    actions.textContent = "";
    const over = view.phase === "closed" || view.phase === "sealed";
    if (!r.approved_at && !over) {
      waiting += 1;
      const approve = el("button", { type: "button", className: "button small",
                                     id: "approve-" + r.seat, "data-command": "approve_replacement",
                                     "data-seat": r.seat }, t("obs.approve"));
      approve.addEventListener("click", () => run("approve_replacement", { seat: r.seat }, approve));
      actions.appendChild(approve);
    }
    body.appendChild(row);
  }
  document.getElementById("nothing-to-approve").hidden = waiting > 0;
}

function renderSheets() {
  const body = document.querySelector("#sheets tbody");
  body.replaceChildren();
  for (const s of sheets.values()) {
    const row = el("tr", { "data-seat": s.seat, "data-phase": s.phase, "data-state": s.state });
    cell(row, seatLabel(s.seat));
    cell(row, t("phase." + s.phase));
    cell(row, s.version ? "v" + s.version : null);
    cell(row, (s.state === "opened" ? "✓ " : "🔒 ") + (s.commitment || ""));
    body.appendChild(row);
  }
}

function render(snapshot) {
  view = snapshot;
  rememberBids(view.briefing);
  if (!view.staff) return;
  renderStatus();
  renderMembers();
  renderReplacements();
  root.dataset.ready = "true";
}

function onEvent(event) {
  document.getElementById("events").prepend(eventItem(event, t));
  const d = event.data || {};
  if (event.kind === "member.declared") declared.set(d.seat, d.conflict);
  if (event.kind === "member.replaced") declared.delete(d.seat);
  if (event.kind === "sheet.submitted" || event.kind === "sheet.revised" || event.kind === "sheet.opened") {
    // Sealed until revealed: a submission is its commitment; the opened sheet is shown
    // to staff and supervisors (role:panel) after the reveal only.
    const key = d.phase + "/" + d.seat;
    const state = event.kind === "sheet.opened" ? "opened" : "sealed";
    sheets.set(key, { seat: d.seat, phase: d.phase, version: d.version, commitment: d.commitment, state });
    renderSheets();
  }
  if (event.kind === "supervisor.note") loadNotes();
  refresh();
}

async function loadNotes() {
  const response = await fetch("/api/v1/evaluations/" + sessionId + "/notes",
                               { credentials: "same-origin" });
  if (!response.ok) return;
  const items = (await response.json()).items.filter((n) => n.author === userId);
  const body = document.querySelector("#notes tbody");
  body.replaceChildren();
  for (const n of items) {
    const row = el("tr", { "data-note": n.id, "data-sha256": n.sha256 });
    cell(row, when(n.noted_at, lang));
    cell(row, n.text).classList.add("note-text");
    cell(row, String(n.sha256).slice(0, 16) + "…");
    cell(row, String(n.signer_cert_sha256).slice(0, 16) + "…");
    body.appendChild(row);
  }
  document.getElementById("no-notes").hidden = items.length > 0;
}

function noteId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

async function signAndSend(event) {
  event.preventDefault();
  const button = document.getElementById("sign-note");
  const textArea = document.getElementById("note-text");
  const text = textArea.value;
  button.disabled = true;
  try {
    const sign = await import(root.dataset.signBundle);
    const record = await sign.keys.current(userId);
    if (!record) {
      document.getElementById("no-key").hidden = false;
      return;
    }
    document.getElementById("no-key").hidden = true;
    const id = noteId();
    // The exact signed bytes (docs/api-evaluation.md): RFC 8785 over these four keys.
    const form = sign.canonicalJson({ format: "etender-supervision-note-v1", note: id,
                                      session: sessionId, text: text });
    const der = await sign.cms.signDetached(record, form, { purpose: "note" });
    const ok = await command(live, "note", { id, text, signature: sign.b64url.encode(der) },
                             { button: null, errorBox, t });
    if (ok) {
      textArea.value = "";
      await loadNotes();
    }
  } catch (error) {
    errorBox.textContent = t("desk.error") + (error.message || "") + " (" + (error.code || "?") + ")";
    errorBox.dataset.code = error.code || "";
    errorBox.hidden = false;
  } finally {
    button.disabled = false;
  }
}

const live = connect(sessionId, {
  onEvent,
  banner: document.getElementById("live-banner"),
  texts: { lost: t("live.lost"), resumed: t("live.resumed"), connecting: t("live.connecting"),
           closed: t("live.closed") },
  onStatus(status) { root.dataset.live = status; if (status === "resumed") refresh(); },
});
const refresh = refresher(live, render);

document.getElementById("note-form").addEventListener("submit", signAndSend);
live.ready.then(() => { refresh(); loadNotes(); }).catch(() => {});
