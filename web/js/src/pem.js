// PEM (RFC 7468) and X.509 helpers over pkijs: parse bundles, order a chain, compare names.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SignError, b64, hex, sha256, toBytes } from "./bytes.js";

export function buffer(bytes) {
  const view = toBytes(bytes);
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

/** Every PEM block of a text, as {label, der}. */
export function pemBlocks(text) {
  if (typeof text !== "string") throw new SignError("pem_invalid", "PEM text expected");
  const blocks = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const body = m[2].replace(/\s+/g, "");
    let der;
    try {
      der = b64.decode(body);
    } catch {
      throw new SignError("pem_invalid", `the ${m[1]} block is not base64`);
    }
    blocks.push({ label: m[1], der });
  }
  return blocks;
}

export function toPem(der, label) {
  const body = b64.encode(der).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export function parseCertificate(der) {
  const asn = asn1js.fromBER(buffer(der));
  if (asn.offset === -1) throw new SignError("certificate_invalid", "a certificate is not DER");
  try {
    return new pkijs.Certificate({ schema: asn.result });
  } catch {
    throw new SignError("certificate_invalid", "not an X.509 certificate");
  }
}

/** The certificates of a PEM bundle, leaf first, as DER. */
export function certificatesFromPem(text) {
  const blocks = pemBlocks(text);
  if (blocks.some((b) => /PRIVATE KEY/.test(b.label))) {
    throw new SignError("certificate_private_key_refused", "a private key is not a certificate");
  }
  const certs = blocks.filter((b) => b.label === "CERTIFICATE").map((b) => b.der);
  if (certs.length === 0) throw new SignError("certificate_invalid", "no CERTIFICATE block");
  certs.forEach(parseCertificate);
  return certs;
}

function nameDer(name) {
  return hex(new Uint8Array(name.toSchema().toBER(false)));
}

export function isSelfIssued(cert) {
  return nameDer(cert.subject) === nameDer(cert.issuer);
}

/** The leaf, then its issuers found among `others`, in order (a root stays out of CMS). */
export function orderChain(leafDer, others) {
  const chain = [leafDer];
  const pool = others.filter((d) => hex(d) !== hex(leafDer));
  let current = parseCertificate(leafDer);
  while (!isSelfIssued(current)) {
    const issuer = nameDer(current.issuer);
    const index = pool.findIndex((d) => nameDer(parseCertificate(d).subject) === issuer);
    if (index < 0) break;
    const [next] = pool.splice(index, 1);
    chain.push(next);
    current = parseCertificate(next);
  }
  return chain;
}

export function spkiDer(cert) {
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}

export const certSha256 = (der) => hex(sha256(der));
