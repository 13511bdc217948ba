// The member's scoring room (issue 12, item 1): the live session over the WebSocket
// (live.js, docs/formats/evaluation-session.md), the steps before the evaluation, and
// the parts below — briefing and files (room_briefing.js), the sheet (room_sheet.js),
// the reveal and review (room_review.js), the report and the chair's controls
// (room_report.js). The page's state is a fold over the session's events (replayed
// from the first on every load) plus the latest snapshot; the server decides
// everything, the page only shows and asks.
import { connect } from "/static/js/live.js";
import { refusalText } from "/static/js/errortext.js";
import { $, el, setText, translator, beijingTime } from "/static/js/room_util.js";
import { instant } from "/static/js/beijing.js";
import { renderBriefing } from "/static/js/room_briefing.js";
import { renderSheet, autoReveal, wireSheet } from "/static/js/room_sheet.js";
import { renderReview, wireReview } from "/static/js/room_review.js";
import { renderReport, renderChair, renderClarifications, wireReport } from "/static/js/room_report.js";

const root = $("room");
const T = translator(JSON.parse(root.dataset.texts));
const phases = JSON.parse(root.dataset.phases);
const venues = JSON.parse(root.dataset.venues);

const room = {
  root, T, phases,
  sessionId: root.dataset.session,
  userId: root.dataset.user,
  sign: null,            // the signing bundle (CONTRACTS.md §1), once imported
  key: null,             // keys.current(userId): null = no key on this device
  live: null,
  view: null,            // the latest snapshot
  offset: 0,             // server clock minus this browser's
  phase: null, deadline: null, pausedAt: null, sealed: false, chair: null,
  briefing: null,
  round: 1, votedRound: null, timeVotes: null,
  submitted: {}, revealed: {}, opened: {}, flags: {}, explained: {}, errors: {},
  qualification: null, ranking: null, reportVersion: 0, reportAnswers: {},
  clarifications: new Map(),
  folding: false,        // events are folded as they come once the first snapshot is in
  send, refresh, render, say, fail,
};

// --- talking to the session ---------------------------------------------------------

async function send(type, data) {
  $("error").hidden = true;
  try {
    return await room.live.send(type, data);
  } catch (error) {
    fail(error);
    throw error;
  }
}

function fail(error) {
  const box = $("error");
  box.textContent = T("error", {
    // The page's language (issue 15): the catalogue's words for a server refusal; a
    // refusal the page made itself (``local``) is in the page's words already.
    message: error && error.local ? error.message : refusalText(error, (error && error.message) || String(error)),
    code: (error && error.code) || "error",
  });
  box.dataset.code = (error && error.code) || "error";
  box.hidden = false;
}

function say(text) {
  const box = $("notice");
  box.textContent = text;
  box.hidden = !text;
}

let refreshing = null;
async function refresh() {
  // One snapshot at a time; events that change seats or the chair ask again.
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      const view = await room.live.snapshot();
      room.view = view;
      room.offset = instant(view.now) - Date.now();
      room.phase = view.phase;
      room.deadline = view.phase_deadline;
      room.pausedAt = view.paused_at;
      room.chair = view.chair_seat;
      room.sealed = view.phase === "sealed";
      if (view.briefing) room.briefing = view.briefing;
      render();
    } catch (error) {
      fail(error);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

const REFRESHING = new Set([
  "member.signed_in", "member.present", "member.declared", "member.absent",
  "member.replaced", "replacement.approved", "chair.elected", "chair.vacant",
  "session.resumed", "session.sealed", "session.closed",
  "session.phase", // the briefing's prices once the commercial parts are opened
]);

function onEvent(event, { quiet = false } = {}) {
  const d = event.data || {};
  const mine = room.view && room.view.you && d.seat === room.view.you.seat;
  switch (event.kind) {
    case "session.phase":
      room.phase = d.phase; room.deadline = d.deadline; room.timeVotes = null; break;
    case "session.paused": room.pausedAt = d.at; room.resumeBy = d.resume_by; break;
    case "session.resumed": room.pausedAt = null; room.deadline = d.deadline; break;
    case "session.sealed": room.sealed = true; room.phase = "sealed"; break;
    case "session.closed": room.phase = "closed"; break;
    case "bids.listed": room.briefing = d; break;
    case "chair.elected": room.chair = d.seat; break;
    case "chair.vacant": room.chair = null; break;
    case "chair.revote": room.round = d.next_round; break;
    case "chair.voted": if (mine) room.votedRound = d.round; break;
    case "time.short_vote": room.timeVotes = d; break;
    case "time.extended": room.deadline = d.deadline; say(T("time_extended", { deadline: beijingTime(d.deadline) })); break;
    case "sheet.submitted": put(room.submitted, d.phase, d.seat, d); break;
    case "sheet.revealed": put(room.revealed, d.phase, d.seat, true); break;
    case "sheet.opened": put(room.opened, d.phase, d.seat, d); break;
    case "qualification.result": room.qualification = d; break;
    case "deviation.flagged": room.flags[d.phase] = d.items; break;
    case "deviation.explained": room.explained[flagKey(d)] = d.text; break;
    case "factual_error.recorded": (room.errors[d.phase] ||= []).push(d); break;
    case "ranking": room.ranking = d; break;
    case "report.drafted": room.reportVersion = d.version || room.reportVersion + 1; break;
    case "report.signed": case "report.refused":
      room.reportAnswers[d.seat] = { kind: event.kind, version: d.version }; break;
    case "clarification.asked": case "clarification.answered": case "clarification.refused":
      room.clarifications.set(d.id, { ...(room.clarifications.get(d.id) || {}), ...d, status: event.kind }); break;
    default: break;
  }
  logEvent(event);
  if (quiet) return; // replaying what happened before this page: rendered once, at the end
  if (REFRESHING.has(event.kind) && room.live) refresh();
  render();
}

export function flagKey(d) {
  return [d.phase, d.seat, d.bid, d.item].join("|");
}

function put(table, phase, seat, value) {
  (table[phase] ||= {})[seat] = value;
}

function logEvent(event) {
  const list = $("events");
  const known = "kind." + event.kind;
  const name = T(known) === known ? event.kind : T(known);
  const seat = typeof (event.data || {}).seat === "number" ? " · " + T("seat", { seat: event.data.seat }) : "";
  const item = el("li", { "data-kind": event.kind, "data-seq": event.seq },
    beijingTime(event.at, { seconds: true }) + " · " + name + seat);
  list.insertBefore(item, list.firstChild);
  while (list.children.length > 200) list.removeChild(list.lastChild);
}

// --- rendering ------------------------------------------------------------------------

function render() {
  renderStatus();
  tick();
  renderSteps();
  renderBriefing(room);
  renderSheet(room);
  renderReview(room);
  renderReport(room);
  renderChair(room);
  renderClarifications(room);
  autoReveal(room);
}

function renderStatus() {
  const v = room.view;
  root.dataset.phase = room.phase || "";
  setText("phase", room.phase ? phases[room.phase] || room.phase : null);
  setText("deadline", room.deadline ? beijingTime(room.deadline) : null);
  setText("chair", room.chair ? T("seat", { seat: room.chair }) : null);
  if (v) {
    const seats = v.seats || [];
    setText("present", seats.filter((s) => s.present).length + " / " + seats.length);
    const you = v.you;
    const venue = you && you.venue ? venues.find((x) => x.id === you.venue) : null;
    setText("you", you ? you.label + (venue ? " · " + (venue.name || venue.id) : "") +
      (room.chair === you.seat ? " · " + T("chair_you") : "") : null);
  }
  const banner = $("state-banner");
  let text = "";
  if (room.sealed) text = T("sealed");
  else if (room.phase === "closed") text = T("closed");
  else if (room.pausedAt) text = T("paused", { at: beijingTime(room.resumeBy) });
  banner.textContent = text;
  banner.hidden = !text;
  banner.dataset.state = room.sealed ? "sealed" : room.pausedAt ? "paused" : "";
  $("nokey").hidden = room.sign === null || room.key !== null;
}

function tick() {
  const box = $("countdown");
  if (!room.deadline || room.pausedAt) { box.textContent = ""; return; }
  const left = instant(room.deadline) - (Date.now() + room.offset);
  if (left <= 0) { box.textContent = T("overdue"); box.dataset.overdue = "true"; return; }
  const s = Math.floor(left / 1000);
  box.dataset.overdue = "false";
  box.textContent = T("countdown", { h: Math.floor(s / 3600), m: Math.floor(s / 60) % 60, s: s % 60 });
}

function renderSteps() {
  const v = room.view;
  const you = v && v.you;
  const running = !room.sealed && room.phase !== "closed" && room.phase !== "scheduled";
  // Each step stays on screen while it is the session's business, then steps aside.
  // Sign-in: during the sign-in, and later until the member's sign-in counts.
  const signIn = $("step-sign-in");
  signIn.hidden = !(you && running && room.phase !== null && (room.phase === "sign_in" || !you.present));
  if (you) {
    $("sign-in").disabled = you.signed_in;
    $("venue").disabled = you.signed_in;
    setText("sign-in-state", you.present ? T("present") : you.signed_in ? T("signed_in") : "");
    if (you.signed_in && you.venue) $("venue").value = you.venue;
  }
  const started = room.phase && !["scheduled", "sign_in", "sealed"].includes(room.phase);
  // Declaration: a present member, from conflicts on, once.
  const declared = you && room.declaredSeat === you.seat;
  $("step-declare").hidden = !(you && you.present && started && running && (room.phase === "conflicts" || !declared));
  $("declare").disabled = Boolean(declared);
  setText("declare-state", declared ? T("declared") : "");
  // Chair vote: while electing, or the chair is vacant later.
  const electing = room.phase === "chair_election" || (started && running && !room.chair && room.phase !== "conflicts");
  $("step-vote").hidden = !(you && you.present && electing);
  const voted = room.votedRound === room.round;
  $("vote").disabled = voted;
  setText("vote-state", voted ? T("voted") : room.round > 1 ? T("revote", { round: room.round - 1 }) : "");
  fillSeats($("vote-seat"), v ? v.seats.filter((s) => !s.vacant) : []);
  // Time is short: a running phase with a deadline.
  $("time-short-box").hidden = !(you && you.present && room.deadline && running && !room.pausedAt);
  const tv = room.timeVotes;
  setText("time-short-state", tv ? T("time_short_votes", { votes: tv.votes, seated: tv.seated }) : "");
}

function fillSeats(select, seats) {
  const wanted = seats.map((s) => String(s.seat)).join(",");
  if (select.dataset.seats === wanted) return;
  select.dataset.seats = wanted;
  const chosen = select.value;
  select.replaceChildren(...seats.map((s) => el("option", { value: String(s.seat), text: s.label })));
  if (chosen) select.value = chosen;
}

function wireSteps() {
  const venue = $("venue");
  venue.replaceChildren(...venues.map((v) => el("option", {
    value: v.id, text: v.main ? T("main_venue", { name: v.name || v.id }) : v.name || v.id,
  })));
  $("sign-in").addEventListener("click", async () => {
    await send("sign_in", { venue: venue.value }).then(refresh, () => {});
  });
  $("declare").addEventListener("click", async () => {
    const conflict = $("conflict-yes").checked;
    const explanation = $("conflict-explanation").value.trim();
    const data = { conflict };
    if (explanation) data.explanation = explanation;
    await send("declare", data).then(() => { room.declaredSeat = room.view.you.seat; render(); }, () => {});
  });
  $("vote").addEventListener("click", async () => {
    await send("vote_chair", { seat: Number($("vote-seat").value) }).catch(() => {});
  });
  $("time-short").addEventListener("click", async () => {
    await send("time_short", {}).catch(() => {});
  });
}

// Whether this member declared: the snapshot does not say, the events do.
function noteDeclared(event) {
  if (event.kind === "member.declared" && room.view && room.view.you && event.data.seat === room.view.you.seat) {
    room.declaredSeat = event.data.seat;
  }
}

async function main() {
  wireSteps();
  wireSheet(room);
  wireReview(room);
  wireReport(room);
  try {
    room.sign = await import(root.dataset.signBundle);
    room.key = await room.sign.keys.current(room.userId);
  } catch (error) {
    fail(error);
  }
  const pending = [];
  room.live = connect(room.sessionId, {
    onEvent(event) {
      if (!room.folding) { pending.push(event); return; }
      noteDeclared(event);
      onEvent(event);
    },
    onStatus(status) {
      $("conn-banner").dataset.status = status;
      if (status === "resumed" || status === "open") refresh();
    },
    banner: $("conn-banner"),
    texts: { lost: T("lost"), resumed: T("resumed"), connecting: T("connecting"), closed: T("conn_closed") },
  });
  await room.live.ready;
  await refresh();
  // Events that arrived before the first snapshot: folded now that "you" is known.
  for (const event of pending.splice(0)) { noteDeclared(event); onEvent(event, { quiet: true }); }
  // The snapshot's briefing is the session's now (the prices opened since included); the
  // replayed bids.listed is the one of the start.
  if (room.view && room.view.briefing) room.briefing = room.view.briefing;
  room.folding = true;
  render();
  setInterval(tick, 1000);
}

main();
