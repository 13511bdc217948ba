// Incremental SHA-256 beside the sealing Worker (docs/browser-signing.md §7): the Worker
// hands each block to a nested Worker (this same bundle, named "etender-seal-hash"),
// transferring it rather than copying. Two of them — the files' plaintext and the age
// file's ciphertext — run on other cores while the sealing Worker encrypts (as
// signing/pipe.py does for `etender bid seal`). Without nested Workers hashing is inline.
// `hashBlob` (the bundle's `bid.hashBlob`) uses the same hashers for a file picked from
// disk on the lot page: a part sealed by `etender bid seal`, whose size and SHA-256 the
// upload declares (docs/formats/upload.md; issue 16 item 4).
import { sha256 as nobleSha256 } from "@noble/hashes/sha2";
import { SignError, hex } from "./bytes.js";

export const HASHER_NAME = "etender-seal-hash";
const MAX_PENDING = 8 * 1024 * 1024; // bytes handed over and not yet hashed: memory bound
export const HASH_SLICE = 2 * 1024 * 1024; // hashBlob's reads, as the sealing Worker's

class InlineHasher {
  constructor() {
    this.hash = nobleSha256.create();
    this.spare = null;
  }

  give(buffer, length) {
    this.hash.update(buffer.subarray(0, length));
    this.spare = buffer;
  }

  take(size) {
    const buffer = this.spare && this.spare.length === size ? this.spare : new Uint8Array(size);
    this.spare = null;
    return buffer;
  }

  send(block) {
    this.hash.update(block);
  }

  async drain() {}

  async update(block) {
    this.hash.update(block);
  }

  async digest() {
    const out = hex(this.hash.digest());
    this.hash = nobleSha256.create();
    return out;
  }

  close() {}
}

class WorkerHasher {
  constructor(worker) {
    this.worker = worker;
    this.pending = 0;
    this.waiters = [];
    this.failure = null;
    this.pool = [];
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.type === "hashed") this.pending -= m.size;
      if (m.type === "hashed" && m.block) this.pool.push(m.block);
      if (m.type === "digest") this.waiters.shift().resolve(m.hex);
      this.wake();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.failure = new SignError("worker_failed", `the hashing worker failed: ${event.message || "error"}`);
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
      this.wake();
    };
    this.wakers = [];
  }

  wake() {
    for (const w of this.wakers.splice(0)) w();
  }

  /** Waits until at most MAX_PENDING bytes are handed over and not yet hashed. */
  async drain() {
    while (this.pending > MAX_PENDING && !this.failure) await new Promise((r) => this.wakers.push(r));
    if (this.failure) throw this.failure;
  }

  /** Hands `block` over, transferred (not copied): the caller must not use it again. */
  send(block) {
    if (this.failure) throw this.failure;
    this.pending += block.length;
    this.worker.postMessage({ type: "block", block }, [block.buffer]);
  }

  async update(block) {
    await this.drain();
    this.send(block);
  }

  /** Hands over the first `length` bytes of `buffer`, which comes back to the pool once
   * hashed (`take`): buffers that cycle make no garbage, so memory stays flat. */
  give(buffer, length) {
    if (this.failure) throw this.failure;
    this.pending += length;
    this.worker.postMessage({ type: "block", block: buffer, length, back: true }, [buffer.buffer]);
  }

  take(size) {
    const found = this.pool.findIndex((b) => b.length === size);
    return found >= 0 ? this.pool.splice(found, 1)[0] : new Uint8Array(size);
  }

  digest() {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.worker.postMessage({ type: "digest" });
    });
  }

  close() {
    this.worker.terminate();
  }
}

/** A hasher of successive files (or of one stream): `await update(block)` (the block is given away),
 * `await digest()` -> hex of everything since the previous digest. */
export function fileHasher() {
  try {
    if (typeof Worker === "function") return new WorkerHasher(new Worker(import.meta.url, { type: "module", name: HASHER_NAME }));
  } catch {
    // no nested Workers here: hash inline
  }
  return new InlineHasher();
}

/** `bid.hashBlob(blob, {onProgress, signal})` -> the lowercase hex SHA-256 of a `Blob`
 * (a `File`), as `sha256sum` prints it. The blob is read HASH_SLICE bytes at a time
 * (`Blob.slice`), never whole: a 500 MB part must not sit in page memory (issue 16 item
 * 2). Each slice goes to `fileHasher()` (a hashing Worker, else inline), which holds at
 * most MAX_PENDING bytes not yet hashed, so memory stays under ~10 MiB whatever the size.
 * Awaiting each read (and the hasher's drain) returns to the event loop between slices:
 * the page keeps painting its progress. `onProgress({phase: "hashing", done, total})`
 * after each slice; an aborted `signal` stops it (`aborted`); a file changed on disk
 * since it was picked is `bid_input_invalid`. */
export async function hashBlob(blob, { onProgress, signal } = {}) {
  if (typeof Blob !== "function" || !(blob instanceof Blob)) {
    throw new SignError("bytes_invalid", "bid.hashBlob takes a Blob (or a File)");
  }
  const stopped = () => {
    if (signal && signal.aborted) throw new SignError("aborted", "the hashing was stopped");
  };
  stopped();
  const total = blob.size;
  const hasher = fileHasher();
  try {
    for (let at = 0; at < total; ) {
      const end = Math.min(at + HASH_SLICE, total);
      const block = await readSlice(blob, at, end);
      stopped();
      await hasher.update(block); // given away (transferred to the Worker)
      at = end;
      if (onProgress) onProgress({ phase: "hashing", done: at, total });
    }
    return await hasher.digest();
  } finally {
    hasher.close();
  }
}

async function readSlice(blob, start, end) {
  let block;
  try {
    block = new Uint8Array(await blob.slice(start, end).arrayBuffer());
  } catch (err) {
    // Chromium refuses to read a file changed on disk since it was picked.
    const why = `${JSON.stringify(blob.name || "the blob")} could not be read (changed or removed since it was picked?): ${err && err.name}`;
    throw new SignError("bid_input_invalid", why);
  }
  if (block.length !== end - start) {
    throw new SignError("bid_input_invalid", `${JSON.stringify(blob.name || "the blob")} changed while it was read`);
  }
  return block;
}

/** Runs when this bundle is loaded as the hashing Worker. */
export function installHasher() {
  let hash = nobleSha256.create();
  self.onmessage = (event) => {
    const m = event.data;
    if (m.type === "block") {
      const size = m.length === undefined ? m.block.length : m.length;
      hash.update(m.block.subarray(0, size));
      if (m.back) self.postMessage({ type: "hashed", size, block: m.block }, [m.block.buffer]);
      else self.postMessage({ type: "hashed", size });
    } else if (m.type === "digest") {
      self.postMessage({ type: "digest", hex: hex(hash.digest()) });
      hash = nobleSha256.create();
    }
  };
}
