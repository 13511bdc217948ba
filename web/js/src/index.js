// etender's browser signing module (docs/browser-signing.md; CONTRACTS.md §1).
// One bundle for every page that signs; its SHA-256 is in the transparency log.
import * as accountImpl from "./account.js";
import * as ageImpl from "./age.js";
import * as committeeImpl from "./committee.js";
import * as hasher from "./hasher.js";
import * as sealImpl from "./seal.js";
import * as sealedImpl from "./sealed.js";
import * as sealWorker from "./sealworker.js";
import * as sharesImpl from "./shares.js";
import * as cmsImpl from "./cms.js";
import * as keysImpl from "./keys.js";
import * as sheetsImpl from "./sheets.js";
import * as vaultImpl from "./vault.js";

export { SignError, b64, b64url, canonicalJson, hex, sha256 } from "./bytes.js";

// The bundle's version: scripts/build-js defines it from web/js/package.json.
// eslint-disable-next-line no-undef
export const version = ETENDER_SIGN_VERSION;

export const keys = {
  list: keysImpl.list,
  current: keysImpl.current,
  create: keysImpl.create,
  attachCertificate: keysImpl.attachCertificate,
  importPkcs12: keysImpl.importPkcs12,
  importPkcs8: keysImpl.importPkcs8,
  remove: keysImpl.remove,
};

export const cms = { signDetached: cmsImpl.signDetached };

export const journal = { list: cmsImpl.journalList };

export const account = {
  requestDemoCertificate: accountImpl.requestDemoCertificate,
  registerCertificate: accountImpl.registerCertificate,
};

export const sheets = {
  build: sheetsImpl.build,
  seal: sheetsImpl.seal,
  open: sheetsImpl.open,
  commitment: sheetsImpl.commitment,
  submitData: sheetsImpl.submitData,
  revealData: sheetsImpl.revealData,
};

export const vault = {
  saveDraft: vaultImpl.saveDraft,
  loadDraft: vaultImpl.loadDraft,
  putSealed: vaultImpl.putSealed,
  getSealed: vaultImpl.getSealed,
  markRevealed: vaultImpl.markRevealed,
};

// Sealing a part of a bid in the browser (docs/browser-signing.md §7; sealed-bid.md).
export const bid = {
  identity: { generate: ageImpl.generateIdentity, recipientOf: ageImpl.recipientOf },
  committee: { verify: committeeImpl.verifyCommittee },
  seal: sealImpl.seal,
  hashBlob: hasher.hashBlob,
  sealed: { list: sealedImpl.list, file: sealedImpl.file, remove: sealedImpl.remove },
  selfKey: ageImpl.selfKey,
  shareStanzas: sharesImpl.shareStanzaLines,
};

// Loaded as the sealing Worker (new Worker(<this bundle>, {type: "module", name:
// "etender-seal"})): serve seal jobs. Anywhere else this does nothing.
if (typeof WorkerGlobalScope !== "undefined" && globalThis instanceof WorkerGlobalScope && globalThis.name === sealWorker.WORKER_NAME) {
  sealWorker.installWorker();
}
if (typeof WorkerGlobalScope !== "undefined" && globalThis instanceof WorkerGlobalScope && globalThis.name === hasher.HASHER_NAME) {
  hasher.installHasher();
}
