// IndexedDB: where the module keeps keys (CryptoKey objects, never their bytes), the
// signature journal, sheet drafts and sealed sheets. docs/browser-signing.md, "Storage".
import { SignError } from "./bytes.js";

export const DB_NAME = "etender-sign";
const DB_VERSION = 1;

let opening = null;

function upgrade(db) {
  const keys = db.createObjectStore("keys", { keyPath: "id" });
  keys.createIndex("userId", "userId");
  const journal = db.createObjectStore("journal", { keyPath: "seq", autoIncrement: true });
  journal.createIndex("userId", "userId");
  db.createObjectStore("drafts", { keyPath: ["userId", "sessionId", "phase"] });
  const sealed = db.createObjectStore("sealed", { keyPath: ["userId", "sessionId", "phase", "version"] });
  sealed.createIndex("slot", ["userId", "sessionId", "phase"]);
}

export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    if (typeof indexedDB === "undefined") {
      reject(new SignError("indexeddb_unavailable", "this browser offers no IndexedDB storage"));
      return;
    }
    let request;
    try {
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (err) {
      reject(new SignError("indexeddb_unavailable", `IndexedDB refused: ${err && err.message}`));
      return;
    }
    request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading: let it, and reopen on the next call.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () =>
      reject(new SignError("indexeddb_unavailable", `IndexedDB refused: ${request.error && request.error.message}`));
    request.onblocked = () => reject(new SignError("indexeddb_unavailable", "IndexedDB is blocked by another tab"));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new SignError("indexeddb_failed", `IndexedDB: ${request.error && request.error.message}`));
  });
}

/** One request in its own transaction; resolves once the transaction has committed. */
export async function run(storeName, mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const store = tx.objectStore(storeName);
    let result;
    done(fn(store)).then((value) => {
      result = value;
    }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onabort = tx.onerror = () =>
      reject(new SignError("indexeddb_failed", `IndexedDB: ${tx.error && tx.error.message}`));
  });
}

export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
export const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
export const del = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export const byIndex = (store, index, key) => run(store, "readonly", (s) => s.index(index).getAll(key));
