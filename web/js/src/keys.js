// Signing keys held by the browser: made here (ECDSA P-256, not extractable) or imported
// from a PKCS#12/PKCS#8 file into WebCrypto as not extractable, the file's bytes dropped.
// Issue 12 item 3; DESIGN.md "Trust model": a browser key is bound to one member and one device.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SignError, equalBytes, randomBytes, toBytes } from "./bytes.js";
import { byIndex, del, get, put } from "./db.js";
import { requireSignedIn } from "./session.js";
import { buffer, certSha256, certificatesFromPem, orderChain, parseCertificate, pemBlocks, spkiDer, toPem } from "./pem.js";

const EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const P256 = "1.2.840.10045.3.1.7";
const RSA = "1.2.840.113549.1.1.1";
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
const RSASSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

/** What callers see of a stored key: never the CryptoKey objects. */
export function publicRecord(stored) {
  const { id, userId, kind, algorithm, certificatePem, certSha256, createdAt, label } = stored;
  return { id, userId, kind, algorithm, certificatePem, certSha256, createdAt, label };
}

// Only the signed-in member's keys are listed, made, used or removed (a shared browser
// profile: docs/browser-signing.md §4); any other user is as if this device held nothing.
const requireUser = (userId) => requireSignedIn(userId, "key_not_found");

/** The stored key `keyId` of `userId`: a key made for one member is never offered for another. */
export async function loadKey(userId, keyId) {
  await requireUser(userId);
  const stored = await get("keys", keyId);
  if (!stored || stored.userId !== userId) throw new SignError("key_not_found", "no such key for this user on this device");
  return stored;
}

export async function list(userId) {
  await requireUser(userId);
  const all = await byIndex("keys", "userId", userId);
  all.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return all.map(publicRecord);
}

/** The newest key with a certificate, or null. */
export async function current(userId) {
  const withCert = (await list(userId)).filter((r) => r.certificatePem);
  return withCert.length ? withCert[withCert.length - 1] : null;
}

function subjectName(label) {
  const name = new pkijs.RelativeDistinguishedNames();
  // The CA takes the subject from the member's account, never from the request
  // (CONTRACTS.md §2); the CN here only helps a person recognise the request.
  name.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: label }) }),
  );
  return name;
}

function checkLabel(label) {
  const text = label === undefined || label === null ? "browser key" : String(label);
  // The server's one-line rule (accounts.model.is_one_line_text): 1–64 code points, no
  // surrounding white space, nothing of Unicode category C (controls, bidi overrides,
  // zero-width characters) — refused here, before a key is made and a certificate issued.
  const points = [...text].length;
  if (points < 1 || points > 64 || text.trim() !== text || /\p{C}/u.test(text)) {
    throw new SignError("label_invalid", "a key label is 1–64 printable characters without surrounding spaces");
  }
  return text;
}

export async function create(userId, { label } = {}) {
  await requireUser(userId);
  const text = checkLabel(label);
  let pair;
  try {
    pair = await crypto.subtle.generateKey(ECDSA, false, ["sign", "verify"]);
  } catch (err) {
    throw new SignError("webcrypto_unavailable", `WebCrypto could not make a key: ${err && err.message}`);
  }
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  csr.attributes = []; // RFC 2986: the [0] attributes field is required, even empty
  csr.subject = subjectName(text);
  await csr.subjectPublicKeyInfo.importKey(pair.publicKey);
  await csr.sign(pair.privateKey, "SHA-256");
  const csrDer = new Uint8Array(csr.toSchema().toBER(false));
  const stored = {
    id: crypto.randomUUID(),
    userId,
    kind: "browser",
    algorithm: "ECDSA-P256",
    certificatePem: null,
    certSha256: null,
    createdAt: new Date().toISOString(),
    label: text,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    spki: new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)),
  };
  await put("keys", stored);
  return { record: publicRecord(stored), csrPem: toPem(csrDer, "CERTIFICATE REQUEST") };
}

function algorithmOfSpki(cert) {
  const info = cert.subjectPublicKeyInfo;
  const oid = info.algorithm.algorithmId;
  if (oid === EC_PUBLIC_KEY) {
    const params = info.algorithm.algorithmParams;
    if (params && params.valueBlock && params.valueBlock.toString() === P256) return "ECDSA-P256";
  }
  if (oid === RSA) return "RSA";
  throw new SignError("key_algorithm_unsupported", "only ECDSA P-256 and RSA certificates are supported");
}

/** Proof the private key belongs to the leaf: it signs, the certificate's key verifies. */
async function requireMatch(privateKey, algorithm, leafDer) {
  const leaf = parseCertificate(leafDer);
  if (algorithmOfSpki(leaf) !== algorithm) {
    throw new SignError("certificate_key_mismatch", "the certificate is not for this key");
  }
  const params = algorithm === "RSA" ? RSASSA : ECDSA;
  const verifyParams = algorithm === "RSA" ? RSASSA : { name: "ECDSA", hash: "SHA-256" };
  let publicKey;
  try {
    publicKey = await crypto.subtle.importKey("spki", buffer(spkiDer(leaf)), params, true, ["verify"]);
  } catch {
    throw new SignError("key_algorithm_unsupported", "the certificate's public key cannot be used here");
  }
  const probe = randomBytes(32);
  const signature = await crypto.subtle.sign(verifyParams, privateKey, probe);
  if (!(await crypto.subtle.verify(verifyParams, publicKey, signature, probe))) {
    throw new SignError("certificate_key_mismatch", "the certificate is not for this key");
  }
  return leaf;
}

function bundleOf(chainDer) {
  return chainDer.map((der) => toPem(der, "CERTIFICATE")).join("");
}

export async function attachCertificate(userId, keyId, pemBundle) {
  const stored = await loadKey(userId, keyId);
  const certs = certificatesFromPem(pemBundle);
  const leaf = parseCertificate(certs[0]);
  if (stored.spki && !equalBytes(spkiDer(leaf), stored.spki)) {
    throw new SignError("certificate_key_mismatch", "the certificate is not for this key");
  }
  await requireMatch(stored.privateKey, stored.algorithm, certs[0]);
  const chain = orderChain(certs[0], certs.slice(1));
  const updated = { ...stored, certificatePem: bundleOf(chain), certSha256: certSha256(certs[0]), spki: spkiDer(leaf) };
  await put("keys", updated);
  return publicRecord(updated);
}

function keyAlgorithm(info) {
  const oid = info.privateKeyAlgorithm.algorithmId;
  if (oid === RSA) return "RSA";
  if (oid === EC_PUBLIC_KEY) {
    const params = info.privateKeyAlgorithm.algorithmParams;
    if (params && params.valueBlock && params.valueBlock.toString() === P256) return "ECDSA-P256";
  }
  throw new SignError("key_algorithm_unsupported", "only ECDSA P-256 and RSA keys are supported");
}

/** A PKCS#8 PrivateKeyInfo imported into WebCrypto, not extractable. */
async function importPrivate(pkcs8Der) {
  const asn = asn1js.fromBER(buffer(pkcs8Der));
  if (asn.offset === -1) throw new SignError("pkcs8_invalid", "the key is not DER");
  let info;
  try {
    info = new pkijs.PrivateKeyInfo({ schema: asn.result });
  } catch {
    throw new SignError("pkcs8_invalid", "not a PKCS#8 private key");
  }
  const algorithm = keyAlgorithm(info);
  try {
    const privateKey = await crypto.subtle.importKey(
      "pkcs8",
      buffer(pkcs8Der),
      algorithm === "RSA" ? RSASSA : ECDSA,
      false,
      ["sign"],
    );
    return { privateKey, algorithm };
  } catch (err) {
    throw new SignError("key_algorithm_unsupported", `WebCrypto refused the key: ${err && err.message}`);
  }
}

async function storeImported(userId, privateKey, algorithm, certs, label) {
  const leafIndex = await findLeaf(privateKey, algorithm, certs);
  const leafDer = certs[leafIndex];
  const chain = orderChain(leafDer, certs.filter((_, i) => i !== leafIndex));
  const stored = {
    id: crypto.randomUUID(),
    userId,
    kind: "imported",
    algorithm,
    certificatePem: bundleOf(chain),
    certSha256: certSha256(leafDer),
    createdAt: new Date().toISOString(),
    label: checkLabel(label === undefined ? "imported key" : label),
    privateKey,
    publicKey: null,
    spki: spkiDer(parseCertificate(leafDer)),
  };
  await put("keys", stored);
  return publicRecord(stored);
}

async function findLeaf(privateKey, algorithm, certs) {
  if (certs.length === 0) throw new SignError("certificate_missing", "the file holds no certificate for the key");
  for (let i = 0; i < certs.length; i++) {
    try {
      await requireMatch(privateKey, algorithm, certs[i]);
      return i;
    } catch (err) {
      if (!(err instanceof SignError)) throw err;
    }
  }
  throw new SignError("certificate_key_mismatch", "no certificate of the file is for its key");
}

export async function importPkcs8(userId, keyPem, certPem, { label } = {}) {
  await requireUser(userId);
  const blocks = pemBlocks(keyPem);
  if (blocks.some((b) => b.label === "ENCRYPTED PRIVATE KEY")) {
    throw new SignError("pkcs8_encrypted_unsupported", "decrypt the key first, or import a PKCS#12 file");
  }
  const block = blocks.find((b) => b.label === "PRIVATE KEY");
  if (!block) throw new SignError("pkcs8_invalid", "no PRIVATE KEY block (PKCS#8) in the key file");
  const { privateKey, algorithm } = await importPrivate(block.der);
  block.der.fill(0);
  return storeImported(userId, privateKey, algorithm, certificatesFromPem(certPem), label);
}

const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const ENCRYPTED_DATA = "1.2.840.113549.1.7.6";

/** The private key (PKCS#8 DER) and certificates (DER) of a PKCS#12 file. */
export async function readPkcs12(bytes, password) {
  const asn = asn1js.fromBER(buffer(toBytes(bytes)));
  if (asn.offset === -1) throw new SignError("pkcs12_invalid", "the file is not a PKCS#12 (DER) file");
  const pass = buffer(new TextEncoder().encode(String(password)));
  let pfx;
  try {
    pfx = new pkijs.PFX({ schema: asn.result });
  } catch {
    throw new SignError("pkcs12_invalid", "the file is not a PKCS#12 file");
  }
  try {
    await pfx.parseInternalValues({ password: pass, checkIntegrity: true });
  } catch (err) {
    const text = String((err && err.message) || err);
    if (/integrity/i.test(text)) throw new SignError("pkcs12_password_invalid", "the password does not open this file");
    throw new SignError("pkcs12_invalid", `the PKCS#12 file cannot be read: ${text}`);
  }
  const safe = pfx.parsedValue && pfx.parsedValue.authenticatedSafe;
  if (!safe) throw new SignError("pkcs12_invalid", "the PKCS#12 file holds no content");
  try {
    await safe.parseInternalValues({
      safeContents: safe.safeContents.map((c) => (c.contentType === ENCRYPTED_DATA ? { password: pass } : {})),
    });
  } catch (err) {
    // pkijs reads PBES2 (PBKDF2 + AES-CBC), OpenSSL 3's default; the legacy
    // pbeWithSHAAnd3-KeyTripleDES-CBC has no WebCrypto cipher to decrypt it.
    throw new SignError(
      "pkcs12_algorithm_unsupported",
      `the file's encryption is not supported (${err && err.message}): export it again with ` +
        "OpenSSL 3's default (openssl pkcs12 -export: PBES2, AES-256-CBC)",
    );
  }
  const keys = [];
  const certs = [];
  for (const contents of safe.parsedValue.safeContents) {
    for (const bag of contents.value.safeBags) {
      if (bag.bagId === SHROUDED_KEY_BAG) {
        try {
          await bag.bagValue.parseInternalValues({ password: pass });
        } catch (err) {
          throw new SignError("pkcs12_algorithm_unsupported", `the key's encryption is not supported: ${err && err.message}`);
        }
        keys.push(new Uint8Array(bag.bagValue.parsedValue.toSchema().toBER(false)));
      } else if (bag.bagId === KEY_BAG) {
        keys.push(new Uint8Array(bag.bagValue.toSchema().toBER(false)));
      } else if (bag.bagId === CERT_BAG && bag.bagValue.parsedValue) {
        certs.push(new Uint8Array(bag.bagValue.parsedValue.toSchema().toBER(false)));
      }
    }
  }
  if (keys.length !== 1) throw new SignError("pkcs12_invalid", "the file must hold exactly one private key");
  return { pkcs8: keys[0], certs };
}

export async function importPkcs12(userId, bytes, password, { label } = {}) {
  await requireUser(userId);
  const { pkcs8, certs } = await readPkcs12(bytes, password);
  const { privateKey, algorithm } = await importPrivate(pkcs8);
  pkcs8.fill(0);
  return storeImported(userId, privateKey, algorithm, certs, label);
}

export async function remove(userId, keyId) {
  await loadKey(userId, keyId);
  await del("keys", keyId);
}
