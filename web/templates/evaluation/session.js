// The read-only evaluation session page (docs/api-evaluation.md, "Sessions"): reads the
// session and its events through the JSON API with the session cookie, every few
// seconds, and renders them. It sends nothing to the session: it is the page of those
// who follow a session by seats (the agency, the tenderer); members, staff and
// supervisors are sent to their own views (web/evaluation/pages.py, own_view).
// Times are Beijing time with their label, in the page's language (issue 15 item 4).
"use strict";
import { beijing, pageLang } from "/static/js/beijing.js";

(function () {
  const root = document.getElementById("session");
  const lang = pageLang(root);
  const id = root.dataset.session;
  const base = "/api/v1/evaluations/" + id;
  const phases = JSON.parse(root.dataset.phases);
  let lastSeq = 0;

  function text(elementId, value) {
    document.getElementById(elementId).textContent =
      value === null || value === undefined ? "—" : String(value);
  }

  function refuse() {
    const box = document.getElementById("refused");
    box.textContent = root.dataset.refused;
    box.hidden = false;
  }

  function cell(row, value) {
    const td = document.createElement("td");
    td.textContent = value;
    row.appendChild(td);
  }

  async function summary() {
    const response = await fetch(base, { credentials: "same-origin" });
    if (!response.ok) { refuse(); return false; }
    const s = await response.json();
    root.dataset.phase = s.phase;
    text("phase", phases[s.phase] || s.phase);
    text("deadline", s.phase_deadline ? beijing(s.phase_deadline, lang) : null);
    text("present", s.seats_present === null ? null : s.seats_present + " / " + s.seats.length);
    text("chair", s.chair_seat === null ? null : "专家" + s.chair_seat);
    document.getElementById("paused").hidden = !s.paused;
    return true;
  }

  async function events() {
    const response = await fetch(base + "/events?after=" + lastSeq, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = await response.json();
    const body = document.querySelector("#events tbody");
    for (const e of page.items) {
      const row = document.createElement("tr");
      row.dataset.kind = e.kind;
      cell(row, e.seq);
      cell(row, beijing(e.at, lang, { seconds: true }));
      cell(row, e.kind);
      cell(row, JSON.stringify(e.data));
      body.appendChild(row);
    }
    lastSeq = page.last_seq;
    document.getElementById("no-events").hidden = body.children.length > 0;
  }

  async function tick() {
    try {
      if (await summary()) await events();
    } finally {
      setTimeout(tick, 5000);
    }
  }

  if (id) tick(); else refuse();
})();
