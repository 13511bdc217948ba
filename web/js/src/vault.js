// The sheet vault: drafts and sealed sheets (with their keys) kept in IndexedDB per
// (user, session, phase[, version]), so a reload or a closed tab on this device loses
// nothing (issue 12 item 4). Nothing here is ever sent: only a page's reveal sends a key.
//
// Split custody (docs/browser-signing.md §3; DESIGN.md "Blind scoring"): every record's
// secret payload is AES-GCM under the member's vault key, which the server hands to that
// member's session only. The browser's storage alone (another member on a shared venue
// PC, a copied profile) reads no score, sheet or sheet key; the server alone reads nothing.
import { SignError, b64url, canonicalJson, randomBytes, toBytes } from "./bytes.js";
import { byIndex, get, put } from "./db.js";
import { requireSignedIn, vaultCryptoKey } from "./session.js";

const UNREADABLE = "vault_record_unreadable";

async function slot(userId, sessionId, phase) {
  for (const [name, value] of [["userId", userId], ["sessionId", sessionId], ["phase", phase]]) {
    if (typeof value !== "string" || value === "") throw new SignError("vault_key_invalid", `'${name}' is required`);
  }
  await requireSignedIn(userId, UNREADABLE);
  return [userId, sessionId, phase];
}

// The record's place as additional data: a record copied to another slot, version or user
// does not decrypt there.
function boundTo(userId, sessionId, phase, version) {
  return canonicalJson(["etender-vault-v1", userId, sessionId, phase, version]);
}

async function seal(payload, where) {
  const iv = randomBytes(12);
  const plain = new TextEncoder().encode(JSON.stringify(payload));
  const box = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: boundTo(...where) },
    await vaultCryptoKey(),
    plain,
  );
  plain.fill(0);
  return { iv, box: new Uint8Array(box) };
}

async function unseal(row, where) {
  let plain;
  try {
    plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: toBytes(row.iv), additionalData: boundTo(...where) },
      await vaultCryptoKey(),
      toBytes(row.box),
    );
  } catch (err) {
    if (err instanceof SignError) throw err;
    throw new SignError(UNREADABLE, "this vault record does not open with the signed-in member's vault key");
  }
  try {
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    throw new SignError(UNREADABLE, "this vault record is damaged");
  }
}

/** `draft` is any JSON value (what JSON.stringify keeps). */
export async function saveDraft(userId, sessionId, phase, draft) {
  const [u, s, p] = await slot(userId, sessionId, phase);
  const { iv, box } = await seal({ draft: draft === undefined ? null : draft }, [u, s, p, "draft"]);
  await put("drafts", { userId: u, sessionId: s, phase: p, iv, box, savedAt: new Date().toISOString() });
}

export async function loadDraft(userId, sessionId, phase) {
  const [u, s, p] = await slot(userId, sessionId, phase);
  const row = await get("drafts", [u, s, p]);
  if (!row) return null;
  if (!row.box) return legacyDraft(row);
  return (await unseal(row, [u, s, p, "draft"])).draft;
}

const SECRET = ["sheetBytes", "key", "nonce", "commitment", "ciphertext"];

// `ciphertext` is optional (kept when given, so a page can resend the same submission).
export async function putSealed(userId, sessionId, phase, { version, sheetBytes, key, nonce, commitment, ciphertext }) {
  const [u, s, p] = await slot(userId, sessionId, phase);
  if (!Number.isSafeInteger(version) || version < 1) throw new SignError("vault_key_invalid", "'version' is an integer ≥ 1");
  const values = { sheetBytes, key, nonce, commitment, ciphertext: ciphertext || null };
  await writeSealed([u, s, p, version], values, new Date().toISOString(), null);
}

async function writeSealed([u, s, p, version], values, sealedAt, revealedAt) {
  const payload = {};
  for (const name of SECRET) payload[name] = values[name] ? b64url.encode(toBytes(values[name])) : null;
  const { iv, box } = await seal(payload, [u, s, p, version]);
  await put("sealed", { userId: u, sessionId: s, phase: p, version, iv, box, sealedAt, revealedAt });
}

async function openSealed(row) {
  const where = [row.userId, row.sessionId, row.phase, row.version];
  let values;
  if (row.box) {
    const payload = await unseal(row, where);
    values = {};
    for (const name of SECRET) values[name] = payload[name] === null ? null : b64url.decode(payload[name]);
  } else {
    // Kept by 1.0.0 in the clear: sealed now, by its own member (the one signed in).
    values = {};
    for (const name of SECRET) values[name] = row[name] ? toBytes(row[name]) : null;
    await writeSealed(where, values, row.sealedAt, row.revealedAt);
  }
  const { version, sealedAt, revealedAt } = row;
  return { version, ...values, sealedAt, revealedAt };
}

async function legacyDraft(row) {
  // Kept by 1.0.0 in the clear: sealed now, by its own member (the one signed in).
  await saveDraft(row.userId, row.sessionId, row.phase, row.draft);
  return row.draft === undefined ? null : row.draft;
}

/** The latest sealed version of the slot, or null. */
export async function getSealed(userId, sessionId, phase) {
  const rows = await byIndex("sealed", "slot", await slot(userId, sessionId, phase));
  if (rows.length === 0) return null;
  rows.sort((a, b) => a.version - b.version);
  return openSealed(rows[rows.length - 1]);
}

export async function markRevealed(userId, sessionId, phase, version) {
  const [u, s, p] = await slot(userId, sessionId, phase);
  const row = await get("sealed", [u, s, p, version]);
  if (!row) throw new SignError("vault_sheet_not_found", "no sealed sheet of this version on this device");
  const opened = await openSealed(row); // proves it is this member's, and seals a 1.0.0 record
  await put("sealed", { ...(await get("sealed", [u, s, p, version])), revealedAt: opened.revealedAt || new Date().toISOString() });
}
