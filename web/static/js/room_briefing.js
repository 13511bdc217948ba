// The briefing (bids.listed: the project, the bids, the method) and the opened bid
// files (docs/api-evaluation.md, "Opened bid files"): listed once, each opened on
// request — every read is the server's logged read (evaluation.bid_file_read), a PDF
// inline in a frame of this origin, text as text, nothing else rendered.
import { $, el, showPoints, unbidi, yuan } from "/static/js/room_util.js";

let shown = null; // the briefing rendered (it never changes within a session)

export function bidName(room, bid) {
  const found = room.briefing && room.briefing.bids.find((b) => b.bid === bid);
  return found ? found.name : bid;
}

export function renderBriefing(room) {
  const b = room.briefing;
  $("briefing").hidden = !b;
  if (!b || shown === b) return;
  shown = b;
  $("project").textContent = b.tender_code + " · " + b.title + " · " + b.lot + " " + b.lot_title;
  $("bids").tBodies[0].replaceChildren(...b.bids.map((bid) => el("tr", { "data-bid": bid.bid },
    el("td", { text: bid.name }), el("td", { text: bid.bidder }), el("td", { text: yuan(bid.price_fen) }))));
  $("method").replaceChildren(renderMethod(room, b.method));
  for (const select of document.querySelectorAll(".bid-select")) {
    select.replaceChildren(...b.bids.map((bid) => el("option", { value: bid.bid, text: bid.name })));
  }
  listFiles(room, b);
}

function renderMethod(room, m) {
  const T = room.T;
  const box = el("div", { "data-method": m.method });
  box.appendChild(el("p", { text: T("method." + m.method) }));
  if (m.qualification.length) {
    box.appendChild(el("h4", { text: T("qualification") }));
    box.appendChild(el("ul", {}, ...m.qualification.map((q) =>
      el("li", { "data-item": q.id }, el("strong", { text: q.name }), q.guidance ? " — " + q.guidance : ""))));
  }
  if (m.criteria.length) {
    box.appendChild(el("h4", { text: T("criteria") }));
    for (const c of m.criteria) {
      box.appendChild(el("p", {}, el("strong", { text: c.name })));
      box.appendChild(el("ul", {}, ...c.items.map((s) =>
        el("li", { "data-item": c.id + "." + s.id }, s.name + " · " + rangeText(T, s) +
          (s.guidance ? " — " + s.guidance : "")))));
    }
  }
  if (m.price) box.appendChild(el("p", { text: T("price_points", { points: m.price.points }) }));
  if (m.adjustments.length) {
    box.appendChild(el("h4", { text: T("adjustments") }));
    box.appendChild(el("ul", {}, ...m.adjustments.map((a) =>
      el("li", { "data-item": a.id }, a.name + " · " + T("fen_range", { min: a.min_fen, max: a.max_fen }) +
        (a.guidance ? " — " + a.guidance : "")))));
  }
  return box;
}

export function rangeText(T, s) {
  if (Array.isArray(s.steps)) return T("steps", { steps: s.steps.map(showPoints).join(" / ") });
  return T("range", { min: showPoints(s.min_hundredths), max: showPoints(s.max_hundredths) });
}

async function listFiles(room, b) {
  const url = "/api/v1/tenders/" + b.tender + "/lots/" + encodeURIComponent(b.lot) + "/bid-files";
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) { room.fail(await errorOf(response)); return; }
  const items = (await response.json()).items;
  const names = new Map(b.bids.map((bid) => [bid.bid, bid.name]));
  $("files").tBodies[0].replaceChildren(...items.map((f, index) => {
    const button = el("button", { type: "button", class: "open-file", "data-file-index": index,
      "data-path": f.path, "data-bid": f.bid_id, text: room.T("open") });
    button.addEventListener("click", () => openFile(room, b, f));
    return el("tr", { "data-bid": f.bid_id, "data-part": f.part, "data-path": f.path },
      el("td", { text: names.get(f.bid_id) || f.bidder }), el("td", { text: partName(room, f.part) }),
      el("td", { text: unbidi(f.path) }), el("td", { text: String(f.size) }), el("td", {}, button));
  }));
}

function partName(room, part) {
  const key = "part." + part;
  return room.T(key) === key ? part : room.T(key);
}

function fileUrl(b, f) {
  const path = f.path.split("/").map(encodeURIComponent).join("/");
  return "/api/v1/tenders/" + b.tender + "/lots/" + encodeURIComponent(b.lot) + "/bids/" +
    f.bid_id + "/files/" + encodeURIComponent(f.part) + "/" + path;
}

async function openFile(room, b, f) {
  const viewer = $("viewer");
  const frame = $("file-frame");
  const text = $("file-text");
  viewer.hidden = false;
  viewer.dataset.path = f.path;
  const url = fileUrl(b, f);
  if (/\.pdf$/i.test(f.path)) {
    // The browser's PDF viewer reads it (one logged read); the route serves PDFs
    // inline to frames of this origin only.
    text.hidden = true;
    frame.hidden = false;
    frame.src = url;
    $("file-meta").textContent = f.path + " · SHA-256 " + f.sha256;
    return;
  }
  frame.hidden = true;
  frame.removeAttribute("src");
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) { room.fail(await errorOf(response)); return; }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const sha = room.sign ? room.sign.hex(await room.sign.sha256(bytes)) : null;
  const meta = room.T("file_read", { index: response.headers.get("X-Log-Index"), sha: f.sha256 });
  $("file-meta").textContent = f.path + " · " + meta + (sha && sha !== f.sha256 ? " · " + room.T("file_mismatch") : "");
  let decoded = null;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    decoded = null;
  }
  text.hidden = false;
  text.textContent = decoded === null || decoded.includes("\u0000") ? room.T("file_binary") : decoded;
}

export async function errorOf(response) {
  try {
    const body = await response.json();
    return body.error;
  } catch {
    return { code: "http_" + response.status, message: response.statusText };
  }
}
