// The opening hall client (docs/formats/opening.md §6, docs/live-sessions.md).
// Connects with the session cookie, asks for the hall's status, renders each event.
// Reconnects with ?after=<last seq> so nothing is missed; no price is ever rendered
// except from the announced record. Times are Beijing time with their label, in the
// page's language (issue 15 item 4), whatever the visitor's device zone is.
"use strict";
import { beijing, countdown, instant, pageLang } from "/static/js/beijing.js";
import { openingWords } from "/static/js/opening_words.js";

(function () {
  const hall = document.getElementById("hall");
  const lang = pageLang(hall);
  const zh = lang === "zh-CN";
  const L = {
    pending: zh ? "解密中" : "decrypting",
    opened: zh ? "已解密" : "opened",
    revoked: zh ? "撤销（投标人原因）" : "revoked (bidder's fault)",
    withdrawn: zh ? "撤回（非投标人原因）" : "withdrawn (no fault of the bidder)",
    connected: zh ? "已连接" : "connected",
    reconnecting: zh ? "重新连接…" : "reconnecting…",
    started: zh ? "已开标" : "opening started",
  };
  const words = (code) => openingWords(code, lang);
  let lastSeq = 0;
  let offset = 0; // server clock minus this browser's clock, from hall.status
  let deadline = null;
  let counter = 0;

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "—" : String(text);
    row.appendChild(td);
  }

  function yuan(fen) {
    if (typeof fen !== "number") return "—";
    const whole = Math.floor(fen / 100).toLocaleString("en-US");
    return "¥" + whole + "." + String(fen % 100).padStart(2, "0");
  }

  function renderStatuses(statuses) {
    const body = document.querySelector("#statuses tbody");
    body.replaceChildren();
    document.getElementById("no-bids").hidden = statuses.length > 0;
    for (const s of statuses) {
      const row = document.createElement("tr");
      row.dataset.bidder = s.bidder;
      row.dataset.outcome = s.outcome;
      cell(row, s.bidder);
      cell(row, words(s.part));
      cell(row, L[s.outcome] || s.outcome);
      cell(row, words(s.cause));
      body.appendChild(row);
    }
  }

  function renderRecord(text) {
    if (!text) return;
    const record = JSON.parse(text);
    const table = document.getElementById("record");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const e of record.entries) {
      const row = document.createElement("tr");
      row.dataset.bidder = e.bidder;
      cell(row, e.bidder_name + " " + e.bidder);
      cell(row, L[e.outcome] || e.outcome);
      cell(row, yuan(e.fields.price));
      cell(row, e.cause ? words(e.cause) + " / " + words(e.party_at_fault) : null);
      body.appendChild(row);
    }
    if (record.not_opened_reason) {
      document.getElementById("no-price").textContent = words(record.not_opened_reason);
    } else {
      document.getElementById("no-price").hidden = true;
    }
    table.hidden = false;
  }

  function renderBonds(bonds) {
    const list = document.getElementById("bonds");
    list.replaceChildren();
    for (const b of bonds) {
      const item = document.createElement("li");
      item.textContent = b.bidder + ": " + (b.ok ? "✓ " : "✗ ") + b.reason;
      list.appendChild(item);
    }
  }

  function tick() {
    if (!deadline) return;
    const left = Math.max(0, deadline - (Date.now() + offset));
    document.getElementById("countdown").textContent = left === 0 ? L.started : countdown(left);
  }

  function onEvent(event) {
    lastSeq = Math.max(lastSeq, event.seq);
    const data = event.data;
    if (event.kind === "hall.status") {
      offset = instant(data.now) - Date.now();
      deadline = instant(data.deadline);
      const shown = document.getElementById("deadline");
      shown.textContent = beijing(data.deadline, lang);
      shown.dateTime = data.deadline;
      renderStatuses(data.statuses);
      renderRecord(data.record);
      tick();
    } else if (event.kind === "lot.status") {
      renderStatuses(data.statuses);
    } else if (event.kind === "record.announced") {
      renderRecord(data.record);
    } else if (event.kind === "bonds.checked") {
      renderBonds(data.bonds);
    }
  }

  function send(ws, type) {
    counter += 1;
    ws.send(JSON.stringify({ id: "hall-" + Date.now() + "-" + counter, type: type, data: {} }));
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(scheme + "//" + location.host + "/api/v1/live/" +
                             hall.dataset.session + "?after=" + lastSeq);
    ws.onmessage = function (message) {
      const m = JSON.parse(message.data);
      if (m.type === "hello") {
        document.getElementById("connection").textContent = L.connected;
        send(ws, "status");
      } else if (m.type === "event") {
        onEvent(m);
      }
    };
    ws.onclose = function () {
      document.getElementById("connection").textContent = L.reconnecting;
      setTimeout(connect, 2000);
    };
    for (const [id, type] of [["bond-check", "bond_check"], ["advance", "advance"]]) {
      const button = document.getElementById(id);
      if (button) button.onclick = function () { send(ws, type); };
    }
  }

  setInterval(tick, 1000);
  connect();
})();
