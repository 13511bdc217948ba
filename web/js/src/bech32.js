// Bech32 (BIP 173) without the 90-character limit, as age writes its keys
// (c2sp.org/age, "Conventions"); the port of signing/bech32.py. All upper or all lower
// case; the checksum is over the lower-case form.
import { SignError } from "./bytes.js";

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values) {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = (((checksum & 0x1ffffff) << 5) ^ value) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) checksum = (checksum ^ GENERATOR[i]) >>> 0;
  }
  return checksum;
}

function hrpExpand(hrp) {
  const codes = Array.from(hrp, (c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

function convertBits(data, from, to, pad) {
  let acc = 0;
  let bits = 0;
  const out = [];
  const mask = (1 << to) - 1;
  for (const value of data) {
    acc = ((acc << from) | value) & 0xffffff;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & mask);
    }
  }
  if (pad) {
    if (bits) out.push((acc << (to - bits)) & mask);
  } else if (bits >= from || (acc << (to - bits)) & mask) {
    throw new SignError("age_key_invalid", "bech32 data has non-zero or excess padding bits");
  }
  return out;
}

/** Bech32 of `data` under `hrp`; upper case when `hrp` is. */
export function encode(hrp, data) {
  const lower = hrp.toLowerCase();
  const values = convertBits(data, 8, 5, true);
  const mod = polymod([...hrpExpand(lower), ...values, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  const text = lower + "1" + [...values, ...checksum].map((v) => CHARSET[v]).join("");
  return hrp === hrp.toUpperCase() && hrp !== lower ? text.toUpperCase() : text;
}

/** [lower-case hrp, data bytes]; age_key_invalid for mixed case or a bad checksum. */
export function decode(text) {
  if (typeof text !== "string") throw new SignError("age_key_invalid", "an age key is a string");
  if (text.toLowerCase() !== text && text.toUpperCase() !== text) {
    throw new SignError("age_key_invalid", "bech32 string mixes upper and lower case");
  }
  if (!/^[\x21-\x7e]*$/.test(text)) throw new SignError("age_key_invalid", "bech32 string has characters outside US-ASCII 33..126");
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf("1");
  if (sep < 1 || sep + 7 > lower.length) throw new SignError("age_key_invalid", "bech32 string has no human-readable part or checksum");
  const hrp = lower.slice(0, sep);
  const values = [];
  for (const c of lower.slice(sep + 1)) {
    const v = CHARSET.indexOf(c);
    if (v < 0) throw new SignError("age_key_invalid", "bech32 data part has characters outside the alphabet");
    values.push(v);
  }
  if (polymod([...hrpExpand(hrp), ...values]) !== 1) throw new SignError("age_key_invalid", "bech32 checksum does not verify");
  return [hrp, new Uint8Array(convertBits(values.slice(0, -6), 5, 8, false))];
}
