// The sheet vault: drafts and sealed sheets (with their keys) kept in IndexedDB per
// (user, session, phase[, version]), so a reload or a closed tab on this device loses
// nothing (issue 12 item 4). Nothing here is ever sent: only a page's reveal sends a key.
import { SignError, toBytes } from "./bytes.js";
import { byIndex, get, put } from "./db.js";

function slot(userId, sessionId, phase) {
  for (const [name, value] of [["userId", userId], ["sessionId", sessionId], ["phase", phase]]) {
    if (typeof value !== "string" || value === "") throw new SignError("vault_key_invalid", `'${name}' is required`);
  }
  return [userId, sessionId, phase];
}

export async function saveDraft(userId, sessionId, phase, draft) {
  const [u, s, p] = slot(userId, sessionId, phase);
  await put("drafts", { userId: u, sessionId: s, phase: p, draft, savedAt: new Date().toISOString() });
}

export async function loadDraft(userId, sessionId, phase) {
  const row = await get("drafts", slot(userId, sessionId, phase));
  return row ? row.draft : null;
}

// `ciphertext` is optional (kept when given, so a page can resend the same submission).
export async function putSealed(userId, sessionId, phase, { version, sheetBytes, key, nonce, commitment, ciphertext }) {
  const [u, s, p] = slot(userId, sessionId, phase);
  if (!Number.isSafeInteger(version) || version < 1) throw new SignError("vault_key_invalid", "'version' is an integer ≥ 1");
  await put("sealed", {
    userId: u,
    sessionId: s,
    phase: p,
    version,
    sheetBytes: toBytes(sheetBytes),
    key: toBytes(key),
    nonce: toBytes(nonce),
    commitment: toBytes(commitment),
    ciphertext: ciphertext ? toBytes(ciphertext) : null,
    sealedAt: new Date().toISOString(),
    revealedAt: null,
  });
}

function publicSealed(row) {
  const { version, sheetBytes, key, nonce, commitment, ciphertext, sealedAt, revealedAt } = row;
  return { version, sheetBytes, key, nonce, commitment, ciphertext, sealedAt, revealedAt };
}

/** The latest sealed version of the slot, or null. */
export async function getSealed(userId, sessionId, phase) {
  const rows = await byIndex("sealed", "slot", slot(userId, sessionId, phase));
  if (rows.length === 0) return null;
  rows.sort((a, b) => a.version - b.version);
  return publicSealed(rows[rows.length - 1]);
}

export async function markRevealed(userId, sessionId, phase, version) {
  const [u, s, p] = slot(userId, sessionId, phase);
  const row = await get("sealed", [u, s, p, version]);
  if (!row) throw new SignError("vault_sheet_not_found", "no sealed sheet of this version on this device");
  await put("sealed", { ...row, revealedAt: row.revealedAt || new Date().toISOString() });
}
