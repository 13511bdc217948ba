// The sealing Worker (docs/browser-signing.md §7): streams the bid's files (File.slice)
// through the PAX tar (§6 of sealed-bid.md) and the ChaCha20-Poly1305 STREAM into a file
// of the Origin Private File System (createSyncAccessHandle), hashing each file and the
// whole age file as it goes, so a 500 MB bid never sits in memory. The manifest is signed
// by the page (its key lives in the page's IndexedDB) and sent back by message.
import { CHUNK_SIZE, PayloadEncryptor, buildHeader, concat, wrapX25519 } from "./age.js";
import { END_OF_ARCHIVE, FILES_PREFIX, MANIFEST_NAME, SIGNATURE_NAME, entryHeader, paddingSize } from "./bidtar.js";
import { SignError, randomBytes } from "./bytes.js";
import { manifestBytes, manifestJson } from "./manifest.js";
import { fileHasher } from "./hasher.js";
import { deriveShareStanzas } from "./shares.js";
import { PARTIAL, sealedDirectory, sidecarName } from "./sealed.js";

export const WORKER_NAME = "etender-seal";
const READ_SIZE = 2 * 1024 * 1024;
const PROGRESS_STEP = 4 * 1024 * 1024;
const STAGE = 16 * (CHUNK_SIZE + 16); // 16 sealed chunks: one OPFS write per MiB

let pendingSignature = null;

function signature(manifest) {
  return new Promise((resolve, reject) => {
    pendingSignature = { resolve, reject };
    self.postMessage({ type: "sign", manifest });
  });
}

/** The OPFS file being written, through a staging buffer of 16 chunks (one write per
 * MiB); the age file's SHA-256 is computed, by `hasher`, on the bytes written. */
class Output {
  constructor(handle, hasher) {
    this.handle = handle;
    this.offset = 0;
    this.hasher = hasher;
    this.staging = new Uint8Array(STAGE);
    this.used = 0;
  }

  reserve(size) {
    if (this.used + size > this.staging.length) this.flush();
    return this.staging.subarray(this.used, this.used + size);
  }

  commit(size) {
    this.used += size;
  }

  /** Bytes written as they are (the header and the payload nonce: small). */
  write(bytes) {
    this.flush();
    this.put(bytes);
    this.hasher.send(bytes.slice());
  }

  /** Writes the staging buffer, gives it to the hasher and takes a hashed one back. */
  flush() {
    if (!this.used) return;
    this.put(this.staging.subarray(0, this.used));
    this.hasher.give(this.staging, this.used);
    this.staging = this.hasher.take(STAGE);
    this.used = 0;
  }

  put(bytes) {
    let done = 0;
    while (done < bytes.length) {
      const wrote = this.handle.write(bytes.subarray(done), { at: this.offset + done });
      if (!wrote) throw new SignError("opfs_write_failed", "the browser's storage took no more bytes (quota?)");
      done += wrote;
    }
    this.offset += bytes.length;
  }
}

async function readSlice(file, start, end, name) {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch (err) {
    // Chromium refuses to read a file changed on disk since it was picked.
    const why = `${JSON.stringify(name)} could not be read (changed or removed since it was picked?): ${err && err.name}`;
    throw new SignError("bid_input_invalid", why);
  }
}

async function run(job, output, hasher) {
  const { committee, info, files, names } = job;
  const fileKey = randomBytes(16);
  let encryptor;
  try {
    // §8 step 3: the bidder's X25519 stanza first, then the share stanzas in x order.
    const stanzas = [
      await wrapX25519(job.recipient, fileKey),
      ...(await deriveShareStanzas(fileKey, {
        fingerprint: committee.fingerprint,
        part: info.part,
        k: committee.k,
        recipients: committee.recipients,
      })),
    ];
    output.write(await buildHeader(stanzas, fileKey));
    encryptor = await PayloadEncryptor.create(fileKey);
  } finally {
    fileKey.fill(0);
  }
  output.write(encryptor.nonce);
  const push = (bytes) => encryptor.update(bytes, output);
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  let reported = 0;
  const listed = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const size = file.size;
    push(entryHeader(FILES_PREFIX + names[i], size));
    for (let at = 0; at < size; at += READ_SIZE) {
      const block = await readSlice(file, at, Math.min(size, at + READ_SIZE), names[i]);
      const length = block.length;
      if (length !== Math.min(READ_SIZE, size - at)) {
        throw new SignError("bid_input_invalid", `${JSON.stringify(names[i])} changed size while it was being sealed`);
      }
      push(block);
      await hasher.update(block); // gives the block away: not used after this
      await output.hasher.drain();
      done += length;
      if (done - reported >= PROGRESS_STEP) {
        reported = done;
        self.postMessage({ type: "progress", done, total });
      }
    }
    push(new Uint8Array(paddingSize(size)));
    listed.push({ name: names[i], size, sha256: await hasher.digest() });
  }
  const manifest = manifestBytes(info, committee.fingerprintHex, listed);
  push(concat(entryHeader(MANIFEST_NAME, manifest.length), manifest, new Uint8Array(paddingSize(manifest.length))));
  const der = await signature(manifest);
  push(concat(entryHeader(SIGNATURE_NAME, der.length), der, new Uint8Array(paddingSize(der.length))));
  push(END_OF_ARCHIVE);
  encryptor.finish(output);
  output.flush();
  self.postMessage({ type: "progress", done, total });
  return { manifest: manifestJson(info, committee.fingerprintHex, listed) };
}

async function seal(job) {
  const dir = await sealedDirectory(job.userId, true);
  const partial = job.name + PARTIAL;
  // A tab closed while sealing leaves a .partial file: remove them (one another tab is
  // still writing is locked by its access handle and stays).
  for await (const name of dir.keys()) {
    if (name.endsWith(PARTIAL)) await dir.removeEntry(name).catch(() => {});
  }
  const fileHandle = await dir.getFileHandle(partial, { create: true });
  let access = await fileHandle.createSyncAccessHandle();
  try {
    access.truncate(0);
    const hasher = fileHasher();
    const output = new Output(access, fileHasher());
    let manifest;
    let sha256;
    try {
      ({ manifest } = await run(job, output, hasher));
      sha256 = await output.hasher.digest();
    } finally {
      hasher.close();
      output.hasher.close();
    }
    access.flush();
    access.close();
    access = null;
    const result = {
      name: job.name,
      size: output.offset,
      sha256,
      part: job.info.part,
      tender: job.info.tender,
      lot: job.info.lot,
      manifest,
    };
    // What list() shows without opening the part: never the fields (prices) or file names.
    const side = {
      name: job.name,
      size: result.size,
      sha256: result.sha256,
      part: result.part,
      tender: result.tender,
      lot: result.lot,
      committee_fingerprint: job.committee.fingerprintHex,
      sealed_at: new Date().toISOString(),
    };
    const sideHandle = await dir.getFileHandle(sidecarName(job.name), { create: true });
    const sideAccess = await sideHandle.createSyncAccessHandle();
    try {
      sideAccess.truncate(0);
      sideAccess.write(new TextEncoder().encode(JSON.stringify(side)), { at: 0 });
      sideAccess.flush();
    } finally {
      sideAccess.close();
    }
    await fileHandle.move(job.name);
    return result;
  } catch (err) {
    if (access) access.close();
    await dir.removeEntry(partial).catch(() => {});
    await dir.removeEntry(sidecarName(job.name)).catch(() => {});
    throw err;
  }
}

/** Runs when this bundle is loaded as the sealing Worker. */
export function installWorker() {
  self.onmessage = async (event) => {
    const message = event.data || {};
    if (message.type === "signature" && pendingSignature) {
      pendingSignature.resolve(message.der);
      pendingSignature = null;
    } else if (message.type === "sign_failed" && pendingSignature) {
      pendingSignature.reject(new SignError(message.code, message.message));
      pendingSignature = null;
    } else if (message.type === "seal") {
      try {
        self.postMessage({ type: "done", result: await seal(message.job) });
      } catch (err) {
        self.postMessage({ type: "error", code: (err && err.code) || "seal_failed", message: String((err && err.message) || err) });
      }
    }
  };
}
