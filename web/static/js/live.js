// The live-session client of every page (docs/live-sessions.md; contract: session 8's
// CONTRACTS.md §3). One WebSocket per page and session, authenticated by the session
// cookie (the server checks Origin). It keeps the highest seq seen and, when the
// connection drops, reconnects with ?after=<that seq> (backoff with jitter, so a venue's
// PCs do not all knock at once after an outage), so no event is missed; events are
// deduplicated by seq, so none is handed over twice. Commands not yet answered are sent
// again with the same client id after a reconnect: the server applies an id once
// (docs/live-sessions.md, "Reconnecting").
//
// Data from the server is untrusted: this module renders nothing but the page's own
// banner texts (textContent only).

const FINAL_CLOSES = new Set([4401, 4403, 4404, 4422]); // refusals: reconnecting cannot help
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
// A venue PC whose network dies may not see its socket close for minutes (no FIN ever
// arrives): a quiet socket is asked for a sign of life — a `presence` repeating the
// current state, acknowledged and recorded nowhere (docs/live-sessions.md) — and one
// that stays silent is given up and reconnected, so the banner tells the truth.
const HEARTBEAT_MS = 30000;
const HEARTBEAT_TIMEOUT_MS = 15000;
const DEFAULT_TEXTS = {
  connecting: "Connecting…",
  lost: "Connection lost — reconnecting…",
  resumed: "Connection resumed",
  closed: "Disconnected",
};

/** A client id (docs/live-sessions.md: 1–64 of A-Z a-z 0-9 _ . : -). */
function clientId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not (a venue PC on http).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The close's error body, like the server's error shape. */
function closedError(code) {
  return { code: "live_closed", message: "The live connection was closed (" + code + ").",
           details: { close_code: code } };
}

/**
 * Connect to the live session `sessionId`.
 * options: {onEvent(event), onStatus(status, info), banner: Element, texts: {...},
 *           after: seq to start from (default 0), heartbeatMs, heartbeatTimeoutMs}
 */
export function connect(sessionId, options = {}) {
  const texts = Object.assign({}, DEFAULT_TEXTS, options.texts || {});
  const onEvent = options.onEvent || (() => {});
  const onStatus = options.onStatus || (() => {});
  const banner = options.banner || null;
  const pending = new Map(); // id -> {type, data, resolve, reject, sent: socket|null}
  let socket = null;
  let helloed = false;    // the current socket said hello (commands wait for it)
  let everOpen = false;   // a hello was ever received: later opens are resumptions
  let lost = false;       // we are between a drop and the next hello
  let closed = false;     // close() or a final close code: never reconnect
  let attempt = 0;
  let timer = null;
  let bannerTimer = null;
  let beat = null;      // the heartbeat's interval
  let beatWait = null;  // waiting for the heartbeat's answer
  let beatId = null;
  let lastHeard = 0;    // when the current socket last sent anything
  let readyResolve;
  let readyReject;

  const live = {
    lastSeq: Number(options.after) || 0,
    status: "connecting",
    closeCode: null,
    ready: null,
    send,
    snapshot,
    close,
  };
  live.ready = new Promise((resolve, reject) => { readyResolve = resolve; readyReject = reject; });
  live.ready.catch(() => {}); // a page that never awaits it is not an unhandled rejection

  if (banner) {
    banner.setAttribute("role", "status");
    banner.setAttribute("aria-live", "polite");
  }

  function showBanner(state, text) {
    if (!banner) return;
    clearTimeout(bannerTimer);
    banner.dataset.live = state;
    banner.textContent = text;
    banner.hidden = false;
    if (state === "resumed") {
      // The good news stays long enough to be read, then the banner steps aside.
      bannerTimer = setTimeout(() => {
        if (banner.dataset.live === "resumed") banner.hidden = true;
      }, 8000);
    }
  }

  function setStatus(status, info) {
    live.status = status;
    if (status === "lost") showBanner("lost", texts.lost);
    else if (status === "resumed") showBanner("resumed", texts.resumed);
    else if (status === "closed") showBanner("closed", texts.closed);
    else if (status === "open" && banner) { banner.dataset.live = "open"; banner.hidden = true; }
    try { onStatus(status, info || null); } catch (e) { console.error(e); }
  }

  function transmit(id, entry) {
    entry.sent = socket;
    socket.send(JSON.stringify({ id: id, type: entry.type, data: entry.data }));
  }

  function flush() {
    // In the order they were asked (a Map keeps insertion order), the same ids.
    for (const [id, entry] of pending) {
      if (entry.sent !== socket && !entry.waiting) transmit(id, entry);
    }
  }

  function settle(id, ok, value) {
    const entry = pending.get(id);
    if (!entry) return; // an answer to a command of an earlier page, or twice: ignore
    pending.delete(id);
    if (ok) entry.resolve(value); else entry.reject(value);
  }

  function alive() {
    clearTimeout(beatWait);
    beatWait = null;
    beatId = null;
  }

  function heartbeat() {
    if (!helloed || beatId !== null || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastHeard < (options.heartbeatMs || HEARTBEAT_MS)) return; // not quiet
    beatId = clientId();
    socket.send(JSON.stringify({ id: beatId, type: "presence", data: { state: "active" } }));
    beatWait = setTimeout(abandon, options.heartbeatTimeoutMs || HEARTBEAT_TIMEOUT_MS);
  }

  function abandon() {
    // The socket said nothing: treat it as dropped now rather than when TCP gives up.
    const dead = socket;
    dead.onmessage = null;
    dead.onclose = null;
    try { dead.close(); } catch (e) { /* closing a dead socket may throw: it is gone */ }
    onClose({ target: dead, code: 1006 });
  }

  function onMessage(message) {
    alive(); // any frame is a sign of life
    lastHeard = Date.now();
    let frame;
    try { frame = JSON.parse(message.data); } catch (e) { return; }
    if (frame.type === "hello") {
      helloed = true;
      attempt = 0;
      if (!everOpen) {
        everOpen = true;
        setStatus("open");
        readyResolve(frame);
      } else if (lost) {
        setStatus("resumed");
      }
      lost = false;
      flush();
    } else if (frame.type === "event") {
      if (typeof frame.seq !== "number" || frame.seq <= live.lastSeq) return; // seen already
      live.lastSeq = frame.seq;
      try {
        onEvent({ seq: frame.seq, kind: frame.kind, data: frame.data, at: frame.at });
      } catch (e) { console.error(e); } // one bad render must not stop the stream
    } else if (frame.type === "ack") {
      const entry = pending.get(frame.id);
      if (entry && entry.query) {
        // A query acknowledged instead of answered: the session acted (sealed past a
        // pause's limit, docs/formats/evaluation-session.md §2); ask again for the view.
        entry.sent = null;
        if (helloed) transmit(frame.id, entry);
        return;
      }
      settle(frame.id, true, frame.seq);
    } else if (frame.type === "answer") {
      settle(frame.id, true, frame);
    } else if (frame.type === "error") {
      const error = frame.error || {};
      const entry = frame.id === null ? null : pending.get(frame.id);
      if (entry && error.code === "live_rate_limited") {
        // Not applied, nothing written: the same id again once a token is back.
        const wait = (error.details && error.details.retry_after_ms) || 1000;
        entry.waiting = true;
        setTimeout(() => {
          entry.waiting = false;
          if (pending.get(frame.id) === entry && helloed && !closed) transmit(frame.id, entry);
        }, wait + 50);
        return;
      }
      if (entry) settle(frame.id, false, error);
      else console.warn("live: error without a command", error);
    }
  }

  function onClose(event) {
    if (event.target !== socket) return;
    helloed = false;
    alive();
    clearInterval(beat);
    if (closed) return;
    if (FINAL_CLOSES.has(event.code)) {
      closed = true;
      live.closeCode = event.code;
      for (const id of Array.from(pending.keys())) settle(id, false, closedError(event.code));
      readyReject(closedError(event.code));
      setStatus("closed", { code: event.code });
      return;
    }
    if (everOpen && !lost) {
      lost = true;
      setStatus("lost", { code: event.code });
    }
    // Exponential backoff with full jitter between half and the whole step.
    const step = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
    attempt = Math.min(attempt + 1, 10);
    timer = setTimeout(open, step / 2 + Math.random() * step / 2);
  }

  function open() {
    timer = null;
    if (closed) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = scheme + "//" + location.host + "/api/v1/live/" +
      encodeURIComponent(sessionId) + "?after=" + live.lastSeq;
    helloed = false;
    if (!everOpen) setStatus("connecting");
    socket = new WebSocket(url);
    socket.onmessage = onMessage;
    socket.onclose = onClose;
    clearInterval(beat);
    beat = setInterval(heartbeat, options.heartbeatMs || HEARTBEAT_MS);
  }

  /** Send a command; resolves with ack.seq (or the answer frame of a query). */
  function send(type, data) {
    if (closed) return Promise.reject(closedError(live.closeCode));
    const id = clientId();
    return new Promise((resolve, reject) => {
      const entry = { type: type, data: data || {}, resolve, reject, sent: null,
                      query: type === "snapshot", waiting: false };
      pending.set(id, entry);
      if (helloed && socket && socket.readyState === WebSocket.OPEN) transmit(id, entry);
    });
  }

  /** The session as the asker may see it now: the snapshot answer's data. */
  async function snapshot() {
    const answer = await send("snapshot", {});
    live.snapshotSeq = answer.seq;
    return answer.data;
  }

  /** Close for good (the page is leaving): no reconnect, nothing more is sent. */
  function close() {
    closed = true;
    clearTimeout(timer);
    clearTimeout(bannerTimer);
    clearInterval(beat);
    alive();
    if (socket) socket.close(1000);
    for (const id of Array.from(pending.keys())) settle(id, false, closedError(1000));
  }

  open();
  return live;
}
