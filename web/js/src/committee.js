// The opening committee a part is sealed to (docs/formats/sealed-bid.md §3): the
// etender-committee-v1 file, its fingerprint, and the check made before sealing that every
// official's recipient statement is signed by that official's own certificate, chaining to
// a trusted CA: a key the platform substituted never receives a share.
// The port of signing/committee.py's load_committee and verify_committee.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { parseRecipient, encodeRecipient } from "./age.js";
import { SignError, b64, canonicalJson, hex, sha256, toBytes } from "./bytes.js";
import { buffer, certificatesFromPem, parseCertificate, pemBlocks } from "./pem.js";

const FORMAT = "etender-committee-v1";
const HEX64 = /^[0-9a-f]{64}$/;
const DEADLINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const STATEMENT_TYPE = "etender.recipient-statement";

const invalid = (message) => new SignError("committee_invalid", message);

function object(value) {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) value = new TextDecoder("utf-8", { fatal: true }).decode(toBytes(value));
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw invalid(`the committee file is not JSON: ${err.message}`);
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value) || value.format !== FORMAT) throw invalid(`not an ${FORMAT} file`);
  return value;
}

const str = (obj, key, where) => {
  if (typeof obj[key] !== "string") throw invalid(`${where}: field ${key} must be a string`);
  return obj[key];
};
const int = (obj, key, where) => {
  if (!Number.isSafeInteger(obj[key])) throw invalid(`${where}: field ${key} must be an integer`);
  return obj[key];
};

function official(item, index) {
  if (item === null || typeof item !== "object" || Array.isArray(item)) throw invalid("each official is a JSON object");
  const where = `official ${index + 1}`;
  const x = int(item, "x", where);
  const recipient = str(item, "recipient", where);
  let publicKey;
  try {
    publicKey = parseRecipient(recipient);
  } catch (err) {
    throw invalid(`${where}: ${err.message}`);
  }
  if (encodeRecipient(publicKey) !== recipient) throw invalid(`${where}: recipient must be lower-case age1…`);
  const certSha256 = str(item, "cert_sha256", where);
  if (!HEX64.test(certSha256)) throw invalid(`${where}: cert_sha256 is 64 lowercase hex`);
  const statement = item.statement;
  if (statement === null || typeof statement !== "object") throw invalid(`${where}: statement must be an object`);
  let body;
  let signature;
  let certificate;
  try {
    body = b64.decode(str(statement, "body", where));
    signature = b64.decode(str(statement, "signature", where));
  } catch (err) {
    if (err.code === "committee_invalid") throw err;
    throw invalid(`${where}: the statement is not base64`);
  }
  try {
    const blocks = pemBlocks(str(item, "certificate", where)).filter((b) => b.label === "CERTIFICATE");
    if (blocks.length !== 1) throw new Error("one CERTIFICATE block");
    certificate = blocks[0].der;
    parseCertificate(certificate);
  } catch (err) {
    if (err.code === "committee_invalid") throw err;
    throw invalid(`${where}: the certificate is not one PEM X.509 certificate`);
  }
  return { x, recipient, publicKey, certSha256, certificate, statement: { body, signature } };
}

/** Parse an etender-committee-v1 file (object, JSON text or bytes) and check §3's rules:
 * {tender, lot, deadline, k, n, officials, fingerprint (32 bytes), fingerprintHex}. */
export function parseCommittee(input) {
  const obj = object(input);
  const tender = str(obj, "tender", "committee");
  const lot = str(obj, "lot", "committee");
  if (!tender || !lot) throw invalid("tender and lot must be non-empty");
  const deadline = str(obj, "deadline", "committee");
  // A real time (no 30 February), written exactly as the fingerprint hashes it.
  const valid = DEADLINE.test(deadline) && !Number.isNaN(Date.parse(deadline));
  if (!valid || new Date(deadline).toISOString().replace(".000Z", "Z") !== deadline) {
    throw invalid(`deadline ${deadline} is not RFC 3339 UTC (…Z)`);
  }
  const k = int(obj, "k", "committee");
  const n = int(obj, "n", "committee");
  if (!(2 <= k && k < n && n <= 32)) throw invalid(`need 2 <= k < n <= 32, got k=${k}, n=${n}`);
  if (!Array.isArray(obj.officials)) throw invalid("officials must be a list");
  const officials = obj.officials.map(official);
  if (officials.map((o) => o.x).join(",") !== Array.from({ length: n }, (_, i) => i + 1).join(",")) {
    throw invalid("officials must be listed with x = 1…n in order");
  }
  // One official holding two shares could open alone with k = 2.
  if (new Set(officials.map((o) => o.recipient)).size !== n) throw invalid("two officials share one age recipient");
  if (new Set(officials.map((o) => o.certSha256)).size !== n) throw invalid("two officials share one certificate");
  const fingerprint = sha256(
    canonicalJson({
      tender,
      lot,
      deadline,
      k,
      n,
      officials: officials.map((o) => ({ x: o.x, recipient: o.recipient, cert_sha256: o.certSha256 })),
    }),
  );
  return { tender, lot, deadline, k, n, officials, fingerprint, fingerprintHex: hex(fingerprint) };
}

function rootCertificates(roots) {
  const list = typeof roots === "string" ? [roots] : Array.isArray(roots) ? roots : [];
  const certs = [];
  for (const item of list) {
    if (typeof item === "string") certificatesFromPem(item).forEach((der) => certs.push(parseCertificate(der)));
    else certs.push(parseCertificate(toBytes(item)));
  }
  return certs;
}

function commonName(cert) {
  const cn = cert.subject.typesAndValues.filter((tv) => tv.type === "2.5.4.3");
  return cn.length === 1 ? String(cn[0].value.valueBlock.value) : "";
}

// signing/trust.py: an end-entity signing certificate asserts digitalSignature or
// nonRepudiation and is not a CA.
function checkSigningLeaf(cert) {
  const ext = (oid) => (cert.extensions || []).find((e) => e.extnID === oid);
  const constraints = ext("2.5.29.19");
  if (constraints && constraints.parsedValue && constraints.parsedValue.cA) throw new Error("a CA certificate signs no documents");
  const usage = ext("2.5.29.15");
  if (!usage) throw new Error("the certificate has no keyUsage: it is not a signing certificate");
  const bits = new Uint8Array(usage.parsedValue.valueBlock.valueHexView);
  // KeyUsage bit 0 digitalSignature (0x80), bit 1 nonRepudiation (0x40).
  if (!bits.length || !(bits[0] & 0xc0)) throw new Error("the certificate's keyUsage allows neither digitalSignature nor nonRepudiation");
}

function checkStatementBody(body, o, cert) {
  let statement;
  try {
    statement = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new Error("the statement is not UTF-8 JSON");
  }
  const keys = ["cert_sha256", "issued_at", "recipient", "recipient_algorithm", "subject_name", "type", "version"];
  if (statement === null || typeof statement !== "object" || Object.keys(statement).sort().join() !== keys.join()) {
    throw new Error("the statement is not a recipient statement");
  }
  if (!equal(canonicalJson(statement), body)) throw new Error("the statement is not in RFC 8785 canonical form");
  if (statement.type !== STATEMENT_TYPE || statement.version !== 1 || statement.recipient_algorithm !== "age-x25519") {
    throw new Error("the statement is not an etender.recipient-statement v1 for age-x25519");
  }
  if (typeof statement.issued_at !== "string" || !DEADLINE.test(statement.issued_at)) {
    throw new Error("the statement's issued_at is not RFC 3339 UTC");
  }
  if (statement.cert_sha256 !== o.certSha256 || statement.subject_name !== commonName(cert)) {
    throw new Error("the statement names another certificate");
  }
  if (statement.recipient !== o.recipient) throw new Error("the statement vouches for another recipient");
}

const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function verifyOfficial(o, trusted, at) {
  if (hex(sha256(o.certificate)) !== o.certSha256) throw new Error("the certificate does not match cert_sha256");
  const cert = parseCertificate(o.certificate);
  const asn = asn1js.fromBER(buffer(o.statement.signature));
  let signed;
  try {
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== "1.2.840.113549.1.7.2") throw new Error();
    signed = new pkijs.SignedData({ schema: info.content });
  } catch {
    throw new Error("the statement's signature is not a CMS SignedData");
  }
  if (signed.signerInfos.length !== 1) throw new Error("the statement's signature has not exactly one signer");
  let result;
  try {
    const data = buffer(o.statement.body);
    result = await signed.verify({ signer: 0, data, trustedCerts: trusted, checkChain: true, checkDate: at, extendedMode: true });
  } catch (err) {
    const why = (err && (err.message || err.resultMessage)) || err;
    throw new Error(`the statement's signature does not verify with a trusted chain at ${at.toISOString()}: ${why}`);
  }
  if (!result.signatureVerified) throw new Error("the statement's signature does not verify");
  // Only the official's own certificate may vouch for its recipient (signing/statements/recipient.py).
  const signer = new Uint8Array(result.signerCertificate.toSchema(true).toBER(false));
  if (hex(sha256(signer)) !== o.certSha256) throw new Error("the statement is not signed by the official's certificate");
  if (at < cert.notBefore.value || at > cert.notAfter.value) throw new Error("the official's certificate is not valid at the sealing time");
  checkSigningLeaf(cert);
  checkStatementBody(o.statement.body, o, cert);
}

/** committee.verify (§3): {fingerprint (hex)} when every statement verifies against
 * `roots` (PEM text, or a list of PEM texts or DER bytes) at `at` (a Date; now by default). */
export async function verifyCommittee(input, { roots, at } = {}) {
  const committee = parseCommittee(input);
  await checkStatements(committee, { roots, at });
  return { fingerprint: committee.fingerprintHex };
}

export async function checkStatements(committee, { roots, at } = {}) {
  const when = at === undefined ? new Date() : at instanceof Date ? at : new Date(at);
  if (Number.isNaN(when.getTime())) throw invalid("`at` is not a time");
  let trusted;
  try {
    trusted = rootCertificates(roots);
  } catch (err) {
    throw new SignError("committee_statement_invalid", `the trusted roots do not parse: ${err.message}`);
  }
  if (!trusted.length) throw new SignError("committee_statement_invalid", "no trusted root to check the committee's statements against");
  for (const o of committee.officials) {
    try {
      await verifyOfficial(o, trusted, when);
    } catch (err) {
      throw new SignError("committee_statement_invalid", `official x=${o.x}: ${err.message}`);
    }
  }
  return committee;
}
