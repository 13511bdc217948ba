// Who is signed in on this page, and that member's vault key: the module serves the
// signed-in member only (docs/browser-signing.md §3). On a shared browser profile (a
// venue PC) the next member who signs in must read none of the previous member's sealed
// sheets, drafts, keys or journal (DESIGN.md "Blind scoring").
import { SignError, b64url } from "./bytes.js";

let me = null;
let vaultKey = null;

async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  } catch (err) {
    throw new SignError("network_failed", `the server cannot be reached: ${err && err.message}`);
  }
  if (response.status === 401) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const failure = new SignError(error.code || `http_${response.status}`, error.message || `HTTP ${response.status}`);
    failure.status = response.status;
    throw failure;
  }
  return data;
}

/** The signed-in user's id (GET /api/v1/me, once per page), or null when nobody is. */
export function signedInUser() {
  if (!me) {
    me = getJson("/api/v1/me").then((data) => (data && typeof data.user_id === "string" ? data.user_id : null));
    me.catch(() => {
      me = null;
    });
  }
  return me;
}

/** Refuses any user but the signed-in one with `code`: another member's records are never
 * returned, used or changed, as if there were none. */
export async function requireSignedIn(userId, code) {
  if (typeof userId !== "string" || userId === "") throw new SignError("user_invalid", "a user id is required");
  const current = await signedInUser();
  if (current === null || current !== userId) {
    throw new SignError(code, "this device holds nothing of this user for the member signed in");
  }
  return userId;
}

/** The signed-in member's vault key (GET /api/v1/me/vault-key), imported into WebCrypto as
 * a NOT extractable AES-GCM key; its bytes are overwritten once imported. */
export function vaultCryptoKey() {
  if (!vaultKey) {
    vaultKey = (async () => {
      const data = await getJson("/api/v1/me/vault-key");
      if (!data || typeof data.key !== "string") {
        throw new SignError("vault_record_unreadable", "the vault key is given to the signed-in member only");
      }
      const raw = b64url.decode(data.key);
      if (raw.length !== 32) throw new SignError("vault_record_unreadable", "the server's vault key is not 32 bytes");
      try {
        return await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
      } catch (err) {
        throw new SignError("webcrypto_unavailable", `WebCrypto could not take the vault key: ${err && err.message}`);
      } finally {
        raw.fill(0);
      }
    })();
    vaultKey.catch(() => {
      vaultKey = null;
    });
  }
  return vaultKey;
}
