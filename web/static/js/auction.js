// The auction room (issue 18, items 2 and 5; docs/formats/auction.md): the live session
// over the WebSocket (live.js), the standing price, the countdown by the server's clock
// (this browser's offset measured at each snapshot and corrected), the bidder's own
// status, and the bid button. Each bid is signed here with the bidder's key (the signing
// bundle, as the scoring room signs its sheets) over the exact form of §3 and counts only
// once the server acknowledges it, after commit. The server decides everything; the
// page only shows and asks. Data from the server is shown with textContent only.
"use strict";

import { connect } from "/static/js/live.js";
import { refusalText } from "/static/js/errortext.js";
import { beijing, countdown, instant, pageLang } from "/static/js/beijing.js";
import { $, setText, translator } from "/static/js/room_util.js";

const root = $("auction");
const T = translator(JSON.parse(root.dataset.texts));
const lang = pageLang(root);
// docs/formats/auction.md §3: these refusals mean the page's view is behind: read again.
const REFRESH_ON = new Set(["auction_bid_stale", "auction_bid_replayed", "auction_bid_out_of_order"]);

const room = {
  auctionId: Number(root.dataset.auction),
  number: root.dataset.number || null,
  sign: null, key: null, live: null,
  offset: 0,           // the server's clock minus this browser's, in ms
  phase: null, startsAt: null, endsAt: null, standing: null, minimum: null, bids: 0,
  nextSeq: 1, status: null, mine: 0,
};

function yuan(fen) {
  if (fen === null || fen === undefined) return T("none");
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + whole + "." + String(abs % 100).padStart(2, "0");
}

// "12345.6" → 1234560 fen; null for anything but a positive amount with ≤ 2 decimals.
function toFen(text) {
  const match = /^\s*([0-9]{1,13})(?:\.([0-9]{1,2}))?\s*$/.exec(text.replace(/,/g, ""));
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
  return fen > 0 && Number.isSafeInteger(fen) ? fen : null;
}

function serverNow() {
  return Date.now() + room.offset;
}

function render() {
  // docs/formats/auction.md §2: before the listing period's start no bid is taken; the
  // page counts down to the start instead of the end (by the server's clock too).
  const early = room.phase === "listing" && room.startsAt !== null && room.startsAt > serverNow();
  const target = early ? room.startsAt : room.endsAt;
  const left = target === null ? null : target - serverNow();
  let phase = room.phase === "countdown" && left !== null && left <= 0 ? "ended" : room.phase;
  if (early) phase = "pending";
  root.dataset.phase = phase || "";
  setText("phase", phase ? T("phase." + phase) : null);
  setText("standing", yuan(room.standing));
  setText("minimum", room.minimum === null ? null : yuan(room.minimum));
  setText("bids", room.bids);
  setText("ends", room.endsAt === null ? null : beijing(room.endsAt, lang, { seconds: true }));
  setText("countdown", left === null ? null : countdown(left));
  const status = room.number ? room.status || "none" : "watching";
  root.dataset.status = status;
  setText("status", T("status." + status));
  $("bid").disabled = !room.number || room.key === null || phase === "ended" || early;
}

function apply(view) {
  room.phase = view.phase;
  room.startsAt = instant(view.starts_at);
  room.endsAt = instant(view.ends_at);
  room.standing = view.standing_fen;
  room.minimum = view.minimum_fen;
  room.bids = view.bids;
  if (view.you) {
    room.number = view.you.number;
    room.nextSeq = view.you.next_seq;
    room.status = view.you.status;
  }
}

// A snapshot, and the clock offset from it: the server's `now` was read about halfway
// through the round trip (the countdown is the server's, never this browser's clock).
async function refresh() {
  const sent = Date.now();
  const view = await room.live.snapshot();
  const received = Date.now();
  room.offset = instant(view.now) - (sent + received) / 2;
  apply(view);
  render();
}

function onEvent(event) {
  const data = event.data;
  switch (event.kind) {
    case "bid.placed":
      room.standing = data.price_fen;
      room.minimum = data.minimum_fen;
      room.bids = data.bid;
      room.phase = data.phase;
      room.endsAt = instant(data.ends_at);
      if (room.status === "leading" && data.bid !== room.mine) room.status = "outbid";
      break;
    case "bid.accepted":
      room.mine = data.bid;
      room.nextSeq = data.seq + 1;
      room.status = "leading";
      break;
    case "bid.outbid":
      room.status = "outbid";
      break;
    case "auction.countdown": case "auction.ended":
      room.phase = data.phase;
      room.endsAt = instant(data.ends_at);
      break;
    default:
      return;
  }
  render();
}

function say(text) {
  $("error").hidden = true;
  const box = $("notice");
  box.textContent = text;
  box.hidden = false;
}

function fail(error) {
  $("notice").hidden = true;
  const box = $("error");
  box.textContent = T("error", {
    message: refusalText(error, (error && error.message) || String(error)),
    code: (error && error.code) || "error",
  });
  box.hidden = false;
}

// §3: the exact bytes signed (RFC 8785), built from what the page shows now.
async function placeBid(priceFen) {
  // §3: 128 random bits, new for each bid: the log shows the form's hash, and without
  // them the hash would name the bidder.
  const random = crypto.getRandomValues(new Uint8Array(16));
  const nonce = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  const form = {
    type: "etender.auction-bid", format: 1, auction: room.auctionId, number: room.number,
    seq: room.nextSeq, price_fen: priceFen, standing_fen: room.standing, nonce,
  };
  const bytes = room.sign.canonicalJson(form);
  const signature = await room.sign.cms.signDetached(room.key, bytes, { purpose: "auction_bid" });
  const data = {
    number: form.number, seq: form.seq, price_fen: form.price_fen,
    standing_fen: form.standing_fen, nonce, signature: room.sign.b64url.encode(signature),
  };
  await room.live.send("bid", data);  // resolves on the ack: the bid is committed
  room.nextSeq = Math.max(room.nextSeq, form.seq + 1);
  say(T("placed", { price: yuan(priceFen) }));
}

function wire() {
  $("bid-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("notice").hidden = true;
    $("error").hidden = true;
    root.dataset.busy = "1";  // until this bid is answered (tests wait on it)
    const fen = toFen($("price").value);
    if (fen === null) {
      fail({ code: "price_invalid", message: T("bad_price") });
      root.dataset.busy = "0";
      return;
    }
    $("bid").disabled = true;
    try {
      await placeBid(fen);
    } catch (error) {
      fail(error);
      if (error && REFRESH_ON.has(error.code)) await refresh().catch(() => {});
    } finally {
      root.dataset.busy = "0";
      render();
    }
  });
}

async function main() {
  wire();
  try {
    room.sign = await import(root.dataset.signBundle);
    room.key = await room.sign.keys.current(root.dataset.user);
  } catch (error) {
    fail(error);
  }
  $("nokey").hidden = !room.number || room.key !== null;
  room.live = connect(root.dataset.session, {
    onEvent,
    onStatus(status) {
      $("conn-banner").dataset.status = status;
      if (status === "resumed") refresh().catch(fail);
    },
    banner: $("conn-banner"),
    texts: { lost: T("lost"), resumed: T("resumed"), connecting: T("connecting"), closed: T("closed") },
  });
  await room.live.ready;
  await refresh();
  setInterval(render, 250);
}

main();
