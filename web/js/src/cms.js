// CMS detached SignedData in the profile of docs/formats/signatures.md §3, built with pkijs:
// signedAttrs contentType + messageDigest + signingTime, sid issuerAndSerialNumber,
// certificates = leaf then its chain without the root, digest SHA-256, ECDSA as DER.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SignError, hex, sha256, toBytes } from "./bytes.js";
import { byIndex, put } from "./db.js";
import { loadKey } from "./keys.js";
import { requireSignedIn } from "./session.js";
import { buffer, certificatesFromPem, isSelfIssued, parseCertificate } from "./pem.js";

const ID_DATA = "1.2.840.113549.1.7.1";
const ID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const CONTENT_TYPE = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const SIGNING_TIME = "1.2.840.113549.1.9.5";

function checkPurpose(purpose) {
  if (typeof purpose !== "string" || !/^[a-z][a-z0-9_.:-]{0,63}$/.test(purpose)) {
    throw new SignError("purpose_invalid", "a signature's purpose is a short lowercase name, e.g. 'sheet'");
  }
  return purpose;
}

export async function signDetached(record, contentBytes, { purpose } = {}) {
  checkPurpose(purpose);
  const content = toBytes(contentBytes);
  const stored = await loadKey(record && record.userId, record && record.id);
  if (!stored.certificatePem) throw new SignError("certificate_missing", "this key has no certificate yet");
  const certs = certificatesFromPem(stored.certificatePem).map(parseCertificate);
  const leaf = certs[0];
  // signatures.md §3: the signer's certificate, then its intermediates; a root is the
  // verifier's own trust anchor and is left out.
  const carried = [leaf, ...certs.slice(1).filter((c) => !isSelfIssued(c))];
  const digest = sha256(content);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_DATA }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
      }),
    ],
    certificates: carried,
  });
  signedData.signerInfos[0].signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: ID_DATA })] }),
      new pkijs.Attribute({ type: MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: buffer(digest) })] }),
      new pkijs.Attribute({ type: SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
    ],
  });
  try {
    await signedData.sign(stored.privateKey, 0, "SHA-256");
  } catch (err) {
    throw new SignError("signing_failed", `the key could not sign: ${err && err.message}`);
  }
  const info = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signedData.toSchema(true) });
  const der = new Uint8Array(info.toSchema().toBER(false));
  await put("journal", {
    userId: stored.userId,
    at: new Date().toISOString(),
    keyId: stored.id,
    certSha256: stored.certSha256,
    purpose,
    contentSha256: hex(digest),
  });
  return der;
}

/** Every signature this device made for `userId`, oldest first. */
export async function journalList(userId) {
  await requireSignedIn(userId, "key_not_found");
  const rows = await byIndex("journal", "userId", userId);
  return rows.map(({ at, keyId, certSha256, purpose, contentSha256 }) => ({ at, keyId, certSha256, purpose, contentSha256 }));
}
