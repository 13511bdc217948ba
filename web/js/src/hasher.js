// Incremental SHA-256 of the bid's files beside the sealing Worker (docs/browser-signing.md
// §7): the Worker hands each block it has read to a nested Worker (this same bundle, named
// "etender-seal-hash"), transferring it rather than copying, so the file hashes run on a
// second core while the first encrypts and hashes the ciphertext (as signing/pipe.py does
// for `etender bid seal`). Without nested Workers the hashing stays inline.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2";
import { SignError, hex } from "./bytes.js";

export const HASHER_NAME = "etender-seal-hash";
const MAX_PENDING = 16 * 1024 * 1024; // bytes handed over and not yet hashed: memory bound

class InlineHasher {
  constructor() {
    this.hash = nobleSha256.create();
  }

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
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.type === "hashed") this.pending -= m.size;
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

  async update(block) {
    while (this.pending > MAX_PENDING && !this.failure) await new Promise((r) => this.wakers.push(r));
    if (this.failure) throw this.failure;
    this.pending += block.length;
    // The block is the Worker's own fresh buffer (File.slice().arrayBuffer()), used up by
    // then: transferred, not copied.
    this.worker.postMessage({ type: "block", block }, [block.buffer]);
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

/** A hasher of successive files: `await update(block)` (the block is given away),
 * `await digest()` -> hex of everything since the previous digest. */
export function fileHasher() {
  try {
    if (typeof Worker === "function") return new WorkerHasher(new Worker(import.meta.url, { type: "module", name: HASHER_NAME }));
  } catch {
    // no nested Workers here: hash inline
  }
  return new InlineHasher();
}

/** Runs when this bundle is loaded as the hashing Worker. */
export function installHasher() {
  let hash = nobleSha256.create();
  self.onmessage = (event) => {
    const m = event.data;
    if (m.type === "block") {
      hash.update(m.block);
      self.postMessage({ type: "hashed", size: m.block.length });
    } else if (m.type === "digest") {
      self.postMessage({ type: "digest", hex: hex(hash.digest()) });
      hash = nobleSha256.create();
    }
  };
}
