// Every time a page shows is Beijing time with its label, in the page's language
// (issue 15 item 4): a bidder or expert abroad must not read a deadline in its own
// zone, unlabelled. The server's twin is web/pages.py `beijing_text`; both print
// "2026-12-07 16:30（北京时间）" or "2026-12-07 16:30 (Beijing time)".
"use strict";

export const ZONE = "Asia/Shanghai";
export const LABELS = Object.freeze({ "zh-CN": "（北京时间）", en: " (Beijing time)" });

const PARTS = new Intl.DateTimeFormat("en-CA", {
  timeZone: ZONE, hourCycle: "h23",
  year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const DAY_MS = 24 * 60 * 60 * 1000;

// The page's language: a root element's data-lang, else <html lang>, else Chinese.
export function pageLang(root) {
  const lang = (root && root.dataset && root.dataset.lang) || document.documentElement.lang;
  return lang === "en" ? "en" : "zh-CN";
}

export function label(lang) {
  return LABELS[lang === "en" ? "en" : "zh-CN"];
}

// Milliseconds since the epoch of an ISO text (the API's "…Z", microseconds kept to
// the millisecond), a Date or a number; NaN for anything else.
export function instant(value) {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  if (typeof value !== "string") return NaN;
  return Date.parse(value.trim().replace(/(\.\d{3})\d+/, "$1"));
}

function parts(ms) {
  const out = {};
  for (const p of PARTS.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

// "2026-12-07 16:30（北京时间）"; "—" for nothing; the text itself if it is no time.
// seconds: "16:30:05"; dayEnd: a period ending at 24:00 of its last day (Civil Code
// Art. 201, 203) shows "24:00" of that day, not "00:00" of the next.
export function beijing(value, lang, options) {
  const { seconds = false, dayEnd = false } = options || {};
  if (value === null || value === undefined || value === "") return "—";
  const ms = instant(value);
  if (Number.isNaN(ms)) return String(value);
  let p = parts(ms);
  let clock = p.hour + ":" + p.minute + (seconds ? ":" + p.second : "");
  if (dayEnd && p.hour === "00" && p.minute === "00" && p.second === "00" && ms % 1000 === 0) {
    p = parts(ms - DAY_MS);
    clock = "24:00" + (seconds ? ":00" : "");
  }
  return p.year + "-" + p.month + "-" + p.day + " " + clock + label(lang);
}

// A countdown's text: "01:02:03" left (hours may pass 24), "00:00:00" when over.
export function countdown(leftMs) {
  const s = Math.max(0, Math.floor(leftMs / 1000));
  const two = (n) => String(n).padStart(2, "0");
  return two(Math.floor(s / 3600)) + ":" + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
}
