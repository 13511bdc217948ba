// The opening record's codes in words, in the page's language (issue 15 item 4): a
// failure's cause and the party at fault (tender/opening/model.py Cause, Party), a sealed
// bid's part, and why a lot does not open (Reg. 44) — as the record's PDF names them
// (web/pdf/opening_record.py). An unknown code is shown as it is, never dropped.
"use strict";

const WORDS = Object.freeze({
  shares_inconsistent: ["官员份额不一致", "released shares are inconsistent"],
  key_fails_mac: ["合成密钥无法打开文件", "the combined key does not open the file"],
  share_not_as_committed: ["份额与承诺不符", "a share is not as committed"],
  opens_only_by_self_decryption: ["仅能自行解密（严格规则）", "opens only by self-decryption"],
  archive_invalid: ["文件格式或清单无效", "the archive or manifest does not check"],
  signature_invalid: ["签名无效", "the signature does not verify"],
  not_the_bidders_own: ["非本投标人的文件", "not the bidder's own sealed file"],
  organisation_in_two_bids: ["同一单位参与两份投标", "one organisation in two bids"],
  ciphertext_changed: ["存储的密文已改变", "the stored ciphertext changed"],
  too_few_officials: ["开标官员份额不足", "too few officials released shares"],
  dispute_unresolved: ["争议未解决", "a dispute was not settled"],
  bidder: ["投标人", "bidder"],
  official: ["开标官员", "official"],
  platform: ["平台", "platform"],
  none: ["无责任方", "no party"],
  main: ["投标文件", "bid"],
  technical: ["技术标", "technical envelope"],
  commercial: ["商务标", "commercial envelope"],
  opening_too_few_bids: ["投标人少于3个，不得开标（《招标投标法实施条例》第四十四条）",
    "fewer than 3 bids: the lot does not open (Reg. 44)"],
});

export function openingWords(code, lang) {
  if (!code) return null;
  const pair = WORDS[code];
  return pair ? pair[lang === "en" ? 1 : 0] : String(code);
}
