// The checkpoints page (docs/audit-log.md §8): each checkpoint checked, in the
// browser, to extend the older one listed below it — the RFC 9162 consistency proof
// from GET /api/v1/log/proof/consistency verified against both roots (§2). A failure
// is evidence that the log rewrote its history. Text goes in with textContent only.

import { consistent, fromBase64 } from "./auditlog-verify.js";

const list = document.getElementById("checkpoints");
const texts = JSON.parse(list.dataset.texts);

function say(template, params) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

function mark(element, text, ok) {
  element.textContent = text;
  element.classList.add(ok ? "ok" : "bad");
  element.dataset.verified = String(ok);
}

async function proofBetween(first, second) {
  if (first === 0 || first === second) return [];
  const query = new URLSearchParams({ first: String(first), second: String(second) });
  const answer = await fetch(`/api/v1/log/proof/consistency?${query}`);
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  return (await answer.json()).hashes.map(fromBase64);
}

async function checkAll() {
  const cards = [...list.querySelectorAll("article[data-size]")];
  for (let i = 0; i + 1 < cards.length; i += 1) {
    const [newer, older] = [cards[i], cards[i + 1]];
    const second = Number(newer.dataset.size);
    const first = Number(older.dataset.size);
    const out = newer.querySelector(".consistency");
    try {
      const proof = await proofBetween(first, second);
      const roots = [fromBase64(older.dataset.root), fromBase64(newer.dataset.root)];
      const ok = await consistent(first, second, roots[0], roots[1], proof);
      mark(out, say(ok ? texts.consistent : texts.inconsistent, { first }), ok);
    } catch (error) {
      mark(out, texts.failed + error.message, false);
    }
  }
}

checkAll();
