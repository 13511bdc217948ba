// Sealed parts kept in the Origin Private File System, one directory per member:
// etender-sealed/<user id>/<name>.age and <name>.age.json (size, hash, tender, lot, part —
// never the fields or file names). docs/browser-signing.md §7.
import { SignError } from "./bytes.js";
import { signedInUser } from "./session.js";

export const PARTIAL = ".partial";
const ROOT = "etender-sealed";
const NAME = /^[A-Za-z0-9_-]{1,200}\.age$/;

export const sidecarName = (name) => `${name}.json`;

export async function sealedDirectory(userId, create = false) {
  if (!globalThis.navigator || !navigator.storage || !navigator.storage.getDirectory) {
    throw new SignError("opfs_unavailable", "this browser offers no Origin Private File System (a private window?)");
  }
  let root;
  try {
    root = await navigator.storage.getDirectory();
  } catch (err) {
    throw new SignError("opfs_unavailable", `the Origin Private File System is not available: ${err && err.message}`);
  }
  const top = await root.getDirectoryHandle(ROOT, { create: true });
  return top.getDirectoryHandle(String(userId).replace(/[^A-Za-z0-9-]/g, "_"), { create });
}

async function directory() {
  // Parts are kept per member: on a shared profile another member sees none of them.
  const userId = await signedInUser();
  if (!userId) throw new SignError("sealed_part_not_found", "nobody is signed in on this page");
  try {
    return await sealedDirectory(userId, true);
  } catch (err) {
    if (err instanceof SignError) throw err;
    throw new SignError("opfs_unavailable", `the Origin Private File System is not available: ${err && err.message}`);
  }
}

function checkName(name) {
  if (typeof name !== "string" || !NAME.test(name)) throw new SignError("sealed_part_not_found", "no sealed part of that name");
  return name;
}

/** The signed-in member's sealed parts on this device, oldest first:
 * [{name, size, sha256, part, tender, lot, committee_fingerprint, sealed_at}]. */
export async function list() {
  const dir = await directory();
  const out = [];
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind !== "file" || !NAME.test(name)) continue;
    const file = await handle.getFile();
    let side = {};
    try {
      side = JSON.parse(await (await (await dir.getFileHandle(sidecarName(name))).getFile()).text());
    } catch {
      side = {};
    }
    out.push({ ...side, name, size: file.size, sealed_at: side.sealed_at || new Date(file.lastModified).toISOString() });
  }
  return out.sort((a, b) => (a.sealed_at < b.sealed_at ? -1 : a.sealed_at > b.sealed_at ? 1 : 0));
}

/** The sealed part as a File (for the upload; read it by slices). */
export async function file(name) {
  const dir = await directory();
  try {
    return await (await dir.getFileHandle(checkName(name))).getFile();
  } catch (err) {
    if (err instanceof SignError) throw err;
    throw new SignError("sealed_part_not_found", "no sealed part of that name");
  }
}

/** Deletes a sealed part from this device. */
export async function remove(name) {
  const dir = await directory();
  try {
    await dir.removeEntry(checkName(name));
  } catch (err) {
    if (err instanceof SignError) throw err;
    throw new SignError("sealed_part_not_found", "no sealed part of that name");
  }
  await dir.removeEntry(sidecarName(name)).catch(() => {});
}
