// The error catalogue (web/errortext/, served as /errortext/<lang>.json): a refusal of
// the API shown in the page's language, never the API's English developer message on
// a Chinese page (issue 15, item 4). The table is loaded once, when a page's module
// first imports this one; if it cannot be loaded, callers keep their own fallback.
"use strict";

const lang = document.documentElement.lang === "en" ? "en" : "zh-CN";

async function load() {
  try {
    const response = await fetch(`/errortext/${lang}.json`, { credentials: "same-origin" });
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

const table = await load();

// The message for an error code, or null when the catalogue has none (a code of the
// browser's own signing module, a network failure: the caller says those itself).
export function errorText(code) {
  return typeof code === "string" && Object.hasOwn(table, code) ? table[code] : null;
}

// The words for a refusal: the catalogue's message, else ``fallback``.
export function refusalText(error, fallback) {
  return errorText(error && error.code) || fallback;
}
