// The host's and venue staff's desk (web/evaluation/desk_pages.py): the session live
// through live.js, the members as the staff snapshot holds them (names, venues, sign-in
// and identity times: docs/formats/evaluation-session.md §5), the host's commands, the
// identity check of the venue where a member signed in (§3: the host at the main venue,
// a venue's own staff at an assisting venue), and the faults venues report.
// The server decides every command; the page offers only what this user may do.
import { connect } from "/static/js/live.js";
import { cell, command, el, eventItem, keepInputs, pageTexts, refresher, rememberBids, seatLabel,
         when }
  from "/static/js/desk_common.js";

const root = document.getElementById("desk");
const { t } = pageTexts(root);
const lang = root.dataset.lang;
const mode = root.dataset.mode; // "host" | "venue"
const venues = JSON.parse(root.dataset.venues);
const mainVenue = venues.find((v) => v.main).id;
const mine = new Set(venues.filter((v) => v.mine).map((v) => v.id));
const errorBox = document.getElementById("desk-error");
const declared = new Map(); // seat -> conflict (member.declared; a newcomer declares afresh)
const faults = new Map(); // fault id -> fault (fault.reported, snapshot staff.faults)
let view = null;

function venueName(id) {
  if (!id) return null;
  const venue = venues.find((v) => v.id === id);
  return venue ? venue.name + "（" + id + "）" : id;
}

function yesNo(value) {
  return el("span", { className: value ? "yes" : "no" }, value ? t("desk.yes") : t("desk.no"));
}

// Where this user confirms identities: the host at the main venue, a venue's staff there.
function confirmsAt(venue) {
  if (!venue) return false;
  if (venue === mainVenue) return mode === "host";
  return mine.has(venue);
}

function shown(holder) {
  return mode === "host" || mine.has(holder.venue);
}

const run = (type, data, button) => command(live, type, data, { button, errorBox, t })
  .then((ok) => { if (ok) refresh(); return ok; });

function identityCheck(holder) {
  // The details staff may see (the staff snapshot's holder), then the card check.
  const box = el("div", { className: "identity", "data-identity": holder.seat });
  const list = el("dl", { className: "id-details" });
  const add = (label, value) => {
    list.appendChild(el("dt", {}, label));
    list.appendChild(el("dd", {}, value || "—"));
  };
  add(t("desk.name"), holder.name);
  add(t("desk.kind"), t("desk.kind." + holder.kind));
  add(t("desk.user_id"), holder.user_id);
  add(t("desk.venue"), venueName(holder.venue));
  add(t("desk.signed_in_at"), when(holder.signed_in_at, lang));
  box.appendChild(list);
  const check = el("input", { type: "checkbox", id: "id-checked-" + holder.seat,
                              "data-seat": holder.seat });
  const label = el("label", { for: check.id }, " " + t("desk.id_checked"));
  label.prepend(check);
  const confirm = el("button", { type: "button", className: "button small",
                                 id: "confirm-" + holder.seat, disabled: true,
                                 "data-command": "confirm_identity", "data-seat": holder.seat },
                     t("desk.confirm"));
  check.addEventListener("input", () => { confirm.disabled = !check.checked; });
  confirm.addEventListener("click", () => {
    if (check.checked) run("confirm_identity", { seat: holder.seat }, confirm);
  });
  box.append(label, " ", confirm);
  return box;
}

function hostActions(holder, cellNode) {
  const phase = view.phase;
  const over = phase === "closed" || phase === "sealed";
  if (over || holder.status !== "seated") return;
  if (phase === "sign_in" && !holder.signed_in_at) {
    const noShow = el("button", { type: "button", className: "button small",
                                  id: "no-show-" + holder.seat, "data-command": "mark_no_show",
                                  "data-seat": holder.seat }, t("desk.mark_no_show"));
    noShow.addEventListener("click", () => run("mark_no_show", { seat: holder.seat }, noShow));
    cellNode.appendChild(noShow);
  }
  const open = (view.staff.replacements || []).some((r) => r.seat === holder.seat && !r.seated_at);
  if (!open) {
    const form = el("form", { className: "row-form", id: "replace-form-" + holder.seat });
    const reason = el("input", { type: "text", id: "replace-reason-" + holder.seat, maxLength: 500,
                                 required: true, placeholder: t("desk.reason"),
                                 "aria-label": t("desk.reason") });
    const button = el("button", { type: "submit", className: "button small",
                                  id: "request-replacement-" + holder.seat,
                                  "data-command": "request_replacement",
                                  "data-seat": holder.seat }, t("desk.request_replacement"));
    form.append(reason, button);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      run("request_replacement", { seat: holder.seat, reason: reason.value }, button)
        .then((ok) => { if (ok) reason.value = ""; });
    });
    cellNode.appendChild(form);
  }
}

function renderMembers() {
  const body = document.querySelector("#members tbody");
  const holders = (view.staff.members || []).filter(shown)
    .sort((a, b) => a.seat - b.seat || a.generation - b.generation);
  keepInputs(body, () => {
    body.replaceChildren();
    for (const h of holders) {
      const present = h.status === "seated" && !!h.signed_in_at && !!h.identity_confirmed_at;
      const row = el("tr", { "data-seat": h.seat, "data-generation": h.generation,
                             "data-status": h.status, "data-venue": h.venue || "",
                             "data-signed-in": !!h.signed_in_at,
                             "data-confirmed": !!h.identity_confirmed_at,
                             "data-present": present });
      cell(row, seatLabel(h.seat));
      const name = cell(row, h.name);
      if (h.status !== "seated") name.appendChild(el("span", { className: "badge" }, t("desk.status." + h.status)));
      cell(row, venueName(h.venue));
      cell(row, h.signed_in_at ? when(h.signed_in_at, lang) : yesNo(false));
      cell(row, h.identity_confirmed_at ? when(h.identity_confirmed_at, lang) : yesNo(false));
      cell(row, yesNo(present));
      const d = h.status === "seated" ? declared.get(h.seat) : undefined;
      cell(row, d === undefined ? "—" : (d ? t("desk.declared.conflict") : t("desk.declared.none")));
      const actions = cell(row, "");
      actions.textContent = "";
      if (h.status === "seated" && h.signed_in_at && !h.identity_confirmed_at) {
        if (confirmsAt(h.venue)) actions.appendChild(identityCheck(h));
        else actions.appendChild(el("span", { className: "hint" }, t("desk.not_here")));
      }
      if (mode === "host") hostActions(h, actions);
      body.appendChild(row);
    }
  });
  if (mode === "venue") {
    const count = holders.filter((h) => h.status === "seated" && h.identity_confirmed_at).length;
    document.getElementById("present-here-count").textContent = String(count);
    document.getElementById("no-members-here").hidden = holders.length > 0;
  }
}

function renderReplacements() {
  const table = document.getElementById("replacements");
  if (!table) return;
  const body = table.querySelector("tbody");
  keepInputs(body, () => {
    body.replaceChildren();
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
      if (r.approved_at && !r.seated_at) {
        const form = el("form", { className: "row-form", id: "seat-form-" + r.seat });
        const user = el("input", { type: "text", id: "seat-user-" + r.seat, required: true,
                                   placeholder: t("desk.replacement_user"),
                                   "aria-label": t("desk.replacement_user") });
        const button = el("button", { type: "submit", className: "button small",
                                      id: "seat-replacement-" + r.seat,
                                      "data-command": "seat_replacement", "data-seat": r.seat },
                          t("desk.seat_replacement"));
        form.append(user, button);
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          run("seat_replacement", { seat: r.seat, user_id: user.value.trim() }, button);
        });
        actions.appendChild(form);
      }
      body.appendChild(row);
    }
  });
}

function renderFaults() {
  const body = document.querySelector("#faults tbody");
  body.replaceChildren();
  const list = Array.from(faults.values())
    .filter((f) => mode === "host" || mine.has(f.venue))
    .sort((a, b) => String(b.at).localeCompare(String(a.at)));
  for (const f of list) {
    const row = el("tr", { "data-fault": f.id, "data-venue": f.venue });
    cell(row, when(f.at, lang));
    cell(row, venueName(f.venue));
    cell(row, f.by ? f.by.name : null);
    cell(row, f.text);
    body.appendChild(row);
  }
  document.getElementById("no-faults").hidden = list.length > 0;
}

function renderStatus() {
  const phase = document.getElementById("phase");
  phase.textContent = t("phase." + view.phase);
  phase.dataset.phase = view.phase;
  root.dataset.phase = view.phase;
  document.getElementById("paused").hidden = !view.paused_at;
  document.getElementById("deadline").textContent = when(view.phase_deadline, lang);
  document.getElementById("starts-at").textContent = when(view.staff.starts_at, lang);
  document.getElementById("main-venue").textContent = venueName(view.staff.main_venue);
  document.getElementById("chair").textContent = view.chair_seat ? seatLabel(view.chair_seat) : "—";
  const reason = view.staff.pause_reason;
  for (const id of ["pause-reason", "pause-reason-label"]) {
    document.getElementById(id).hidden = !(view.paused_at && reason);
  }
  document.getElementById("pause-reason").textContent = reason || "";
  if (mode === "host") {
    const p = view.phase;
    const over = p === "closed" || p === "sealed";
    const paused = !!view.paused_at;
    document.getElementById("cmd-open-sign-in").hidden = p !== "scheduled";
    document.getElementById("cmd-start").hidden = p !== "sign_in";
    document.getElementById("cmd-commercial-opened").hidden = p !== "commercial_opening";
    document.getElementById("pause-form").hidden = over;
    document.getElementById("cmd-pause").hidden = paused;
    document.getElementById("pause-reason-input").hidden = paused;
    document.querySelector("label[for=pause-reason-input]").hidden = paused;
    document.getElementById("cmd-resume").hidden = !paused;
  }
}

function render(snapshot) {
  view = snapshot;
  rememberBids(view.briefing);
  if (!view.staff) return; // not staff after all: the server decided
  for (const f of view.staff.faults || []) faults.set(f.id, f);
  renderStatus();
  renderMembers();
  renderReplacements();
  renderFaults();
  root.dataset.ready = "true";
}

function onEvent(event) {
  document.getElementById("events").prepend(eventItem(event, t));
  const d = event.data || {};
  if (event.kind === "member.declared") declared.set(d.seat, d.conflict);
  if (event.kind === "member.replaced") declared.delete(d.seat);
  if (event.kind === "fault.reported") { faults.set(d.id, d); if (view) renderFaults(); }
  refresh();
}

const live = connect(root.dataset.session, {
  onEvent,
  banner: document.getElementById("live-banner"),
  texts: { lost: t("live.lost"), resumed: t("live.resumed"), connecting: t("live.connecting"),
           closed: t("live.closed") },
  onStatus(status) { root.dataset.live = status; if (status === "resumed") refresh(); },
});
const refresh = refresher(live, render);

for (const button of document.querySelectorAll("#host-actions .actions button[data-command]")) {
  button.addEventListener("click", () => run(button.dataset.command, {}, button));
}
const pauseForm = document.getElementById("pause-form");
if (pauseForm) {
  const reason = document.getElementById("pause-reason-input");
  pauseForm.addEventListener("submit", (e) => {
    e.preventDefault();
    run("pause", { reason: reason.value }, document.getElementById("cmd-pause"))
      .then((ok) => { if (ok) reason.value = ""; });
  });
  const resume = document.getElementById("cmd-resume");
  resume.addEventListener("click", () => run("resume", {}, resume));
}
document.getElementById("fault-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = document.getElementById("fault-text");
  const venue = document.getElementById("fault-venue").value;
  run("report_fault", { venue, text: text.value }, document.getElementById("cmd-report-fault"))
    .then((ok) => { if (ok) text.value = ""; });
});

live.ready.then(() => refresh()).catch(() => {});
