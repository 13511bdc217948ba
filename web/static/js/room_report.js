// The report (docs/formats/evaluation-report.md §§5–6): fetched as the exact bytes the
// members sign, shown readably, signed in this browser (sign_report), refused
// (refuse_report) or answered with a dissent; the chair's controls; the
// clarifications (docs/api-evaluation.md, "Clarifications").
import { $, el, showPoints, yuan, shortHex } from "/static/js/room_util.js";
import { bidName, errorOf } from "/static/js/room_briefing.js";
import { sheetPhaseOf, mySeat, itemsOf } from "/static/js/room_sheet.js";

let fetched = null;    // {version, sha256, bytes, report}
let fetching = null;
let clarKey = null;

export function renderReport(room) {
  const show = room.view && room.view.you && (room.phase === "signing" || room.phase === "closed");
  $("report").hidden = !show;
  if (!show) return;
  const wanted = room.reportVersion || 1;
  if ((!fetched || fetched.version < wanted) && !fetching) fetching = load(room).finally(() => { fetching = null; });
  const answer = room.reportAnswers[mySeat(room)];
  const answered = fetched && answer && answer.version === fetched.version;
  for (const id of ["sign-report", "refuse-report", "dissent"]) {
    $(id).disabled = room.phase !== "signing" || !fetched || Boolean(answered);
  }
  $("sign-report").disabled ||= !room.key;
  if (answered) {
    $("report-state").textContent = room.T(answer.kind === "report.signed" ? "report_signed" : "report_refused",
      { version: answer.version });
    $("report-state").dataset.answer = answer.kind;
  }
}

async function load(room) {
  const response = await fetch("/api/v1/evaluations/" + room.sessionId + "/report", { credentials: "same-origin" });
  if (!response.ok) { room.fail(await errorOf(response)); return; }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const report = JSON.parse(new TextDecoder().decode(bytes));
  const sha256 = room.sign ? room.sign.hex(await room.sign.sha256(bytes)) : null;
  fetched = { version: report.version, sha256, bytes, report };
  $("report").dataset.version = String(report.version);
  $("report").dataset.sha256 = sha256 || "";
  $("report-version").textContent = room.T("report_version", { version: report.version, sha: sha256 || "—" });
  $("report-body").replaceChildren(...readable(room, report));
  room.render();
}

function table(head, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { text: h })))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", { text: c }))))));
}

function readable(room, r) {
  const T = room.T;
  const name = (bid) => (r.bids.find((b) => b.bid === bid) || {}).name || bid;
  const out = [];
  out.push(el("h3", { text: T("rank") }));
  out.push(table([T("rank"), T("column.bid"), T("total"), T("evaluated_price"), T("decided_by")],
    r.outcome.ranking.map((x) => [String(x.rank), name(x.bid), x.total === null ? "—" : showPoints(x.total),
      x.evaluated_price_fen === null ? "—" : yuan(x.evaluated_price_fen),
      x.decided_by ? T("decided." + x.decided_by) : "—"])));
  out.push(el("h3", { text: T("candidates") }));
  out.push(el("ol", { id: "report-candidates" }, ...r.outcome.candidates.map((c) => el("li", { text: c.name }))));
  out.push(el("h3", { text: T("qualification") }));
  out.push(el("ul", {}, ...r.qualification.result.map((b) => el("li", {
    text: T("labelled", { label: name(b.bid), text: b.passed ? T("passed") : T("failed") + " · " + b.reasons.map((x) => T("reason." + x)).join(T("list_sep")) }),
  }))));
  if (r.scores.length) {
    // Each member's technical sum per bid (evaluation-method.md §3.5), from its latest points.
    const sums = new Map();
    for (const x of r.scores) {
      const key = x.seat + "|" + x.bid;
      sums.set(key, (sums.get(key) || 0) + x.points);
    }
    out.push(el("h3", { text: T("member_sums") }));
    out.push(table([T("column.seat"), T("column.bid"), T("total")],
      [...sums.entries()].map(([key, sum]) => {
        const [seat, bid] = key.split("|");
        return [T("seat", { seat }), name(bid), showPoints(sum)];
      })));
  }
  if (r.rejected.length) {
    out.push(el("h3", { text: T("rejected") }));
    out.push(el("ul", {}, ...r.rejected.map((x) => el("li", {
      text: T("labelled", { label: name(x.bid), text: x.reasons.map((c) => T("reason." + c)).join(T("list_sep")) }),
    }))));
  }
  if (r.deviations.length) {
    out.push(el("h3", { text: T("deviations") }));
    out.push(table([T("column.seat"), T("column.bid"), T("column.item"), T("column.value")],
      r.deviations.map((d) => [T("seat", { seat: d.seat }), name(d.bid), d.item,
        showPoints(d.value) + " → " + showPoints(d.final) + (d.explanation ? " · " + d.explanation : "")])));
  }
  if (r.dissents.length) {
    out.push(el("h3", { text: T("dissents") }));
    out.push(el("ul", {}, ...r.dissents.map((d) => el("li", { text: T("labelled", { label: T("seat", { seat: d.seat }), text: d.text }) }))));
  }
  return out;
}

async function signReport(room) {
  if (!fetched) return;
  try {
    const signature = await room.sign.cms.signDetached(room.key, fetched.bytes, { purpose: "report" });
    await room.send("sign_report", { sha256: fetched.sha256, signature: room.sign.b64url.encode(signature) });
  } catch (error) {
    room.fail(error && error.code ? error : { code: "error", message: String(error) });
  }
}

export function renderChair(room) {
  const seat = mySeat(room);
  const chair = seat !== null && room.chair === seat && !room.sealed && room.phase !== "closed";
  $("chair-controls").hidden = !chair;
  if (!chair) return;
  const seats = (room.view.seats || []).filter((s) => !s.vacant);
  const select = $("error-seat");
  if (select.options.length !== seats.length) {
    select.replaceChildren(...seats.map((s) => el("option", { value: String(s.seat), text: s.label })));
  }
  // The items of the phase under review: a factual error names one of them.
  const phase = sheetPhaseOf(room.phase);
  const items = phase && room.briefing ? itemsOf(room.briefing.method, phase) : [];
  const itemSelect = $("error-item");
  if (itemSelect.dataset.items !== items.map((i) => i.id).join(",")) {
    itemSelect.dataset.items = items.map((i) => i.id).join(",");
    itemSelect.replaceChildren(...items.map((i) => el("option", { value: i.id, text: i.name })));
  }
  const answered = [...room.clarifications.values()].filter((c) => c.status === "clarification.answered");
  const ids = $("clar-id");
  if (ids.dataset.ids !== answered.map((c) => c.id).join(",")) {
    ids.dataset.ids = answered.map((c) => c.id).join(",");
    ids.replaceChildren(...answered.map((c) => el("option", { value: c.id, text: bidName(room, c.bid) + " · " + shortHex(c.id) })));
  }
}

export function renderClarifications(room) {
  const all = [...room.clarifications.values()];
  $("clarifications-box").hidden = all.length === 0;
  const key = JSON.stringify(all);
  if (key === clarKey) return;
  clarKey = key;
  $("clarifications").replaceChildren(...all.map((c) => el("li", { "data-id": c.id, "data-status": c.status },
    room.T("clar_asked", { bid: bidName(room, c.bid), question: c.question || "" }),
    c.answer ? el("div", { text: room.T("clar_answer", { answer: c.answer }) }) : null,
    c.reason ? el("div", { text: room.T("clar_refused", { reason: c.reason }) }) : null)));
  const missing = all.filter((c) => c.status === "clarification.answered" && !c.answer && !asked.has(c.id));
  if (missing.length) {
    for (const c of missing) asked.add(c.id); // once per answer: the list is read, not polled
    answers(room);
  }
}

const asked = new Set();

async function answers(room) {
  const response = await fetch("/api/v1/evaluations/" + room.sessionId + "/clarifications", { credentials: "same-origin" });
  if (!response.ok) return;
  for (const c of (await response.json()).items) {
    const known = room.clarifications.get(c.id);
    if (known && c.answer) known.answer = c.answer;
    if (known && !known.question) known.question = c.question;
  }
  room.render();
}

export function wireReport(room) {
  const done = () => room.say(room.T("done"));
  const ignore = () => {};
  $("sign-report").addEventListener("click", () => signReport(room));
  $("refuse-report").addEventListener("click", () => {
    const reason = $("refuse-reason").value.trim();
    room.send("refuse_report", reason ? { reason } : {}).then(done, ignore);
  });
  $("dissent").addEventListener("click", () => {
    room.send("dissent", { text: $("dissent-text").value.trim() }).then(done, ignore);
  });
  $("close-phase").addEventListener("click", () => room.send("close_phase", {}).then(done, ignore));
  $("record-error").addEventListener("click", () => room.send("record_error", {
    phase: sheetPhaseOf(room.phase), seat: Number($("error-seat").value), bid: $("error-bid").value,
    item: $("error-item").value, text: $("error-text").value.trim(),
  }).then(done, ignore));
  $("ask-clarification").addEventListener("click", () => room.send("ask_clarification", {
    bid: $("clar-bid").value, question: $("clar-question").value.trim(),
  }).then(done, ignore));
  $("refuse-clarification").addEventListener("click", () => room.send("refuse_clarification", {
    id: $("clar-id").value, reason: $("clar-reason").value.trim(),
  }).then(done, ignore));
  $("rank").addEventListener("click", () => room.send("rank", {}).then(done, ignore));
  $("draft-report").addEventListener("click", () => room.send("draft_report", {}).then(done, ignore));
}
