"""Strings of the audit administrator's log browser (zh-CN, English). The in-page
verifier's strings reach its script as a data attribute (the CSP forbids inline script).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from web import i18n

STRINGS: Mapping[str, tuple[str, str]] = {
    "al.nav.log": ("日志条目", "Log entries"),
    "al.nav.checkpoints": ("检查点与联署", "Checkpoints and cosignatures"),
    "al.nav.witnesses": ("见证方", "Witnesses"),
    "al.log.title": ("审计日志", "Audit log"),
    "al.log.lead": (
        "透明日志中的每个条目，按日志原样解码；条目不含的信息这里也不显示。",
        "Every entry of the transparency log, decoded as the log holds it; nothing the "
        "entry does not hold is shown.",
    ),
    "al.log.size": ("日志当前共 {size} 个条目。", "The log holds {size} entries."),
    "al.filter.kind": ("类型", "Kind"),
    "al.filter.kind_any": ("全部类型", "Every kind"),
    "al.filter.tender": ("项目（编号或 ID）", "Tender (id or code)"),
    "al.filter.from": ("起始日（北京时间）", "First day (Beijing time)"),
    "al.filter.to": ("截止日（北京时间，含当日）", "Last day (Beijing time, included)"),
    "al.filter.search": ("查询", "Search"),
    "al.filter.clear": ("清除条件", "Clear"),
    "al.jump.entry": (
        "条目序号（如回执中的日志序号）",
        "Entry number (e.g. a receipt's log index)",
    ),
    "al.jump.go": ("查看条目", "Show the entry"),
    "al.filter.invalid": ("查询条件有误：", "The search is not valid: "),
    "al.col.index": ("序号", "No."),
    "al.col.time": ("时间", "Time"),
    "al.col.kind": ("类型", "Kind"),
    "al.col.actor": ("操作者", "Actor"),
    "al.col.subject": ("对象", "Subject"),
    "al.none": ("没有符合条件的条目。", "No entry matches."),
    "al.scanned": (
        "已查到第 {low} 号条目（共查看至多 {window} 个条目）。",
        "Searched down to entry {low} (at most {window} entries per page).",
    ),
    "al.scanned_all": ("已查到日志的第一个条目。", "Searched down to the log's first entry."),
    "al.older": ("继续查询更早的条目", "Search older entries"),
    "al.newest": ("回到最新条目", "Back to the newest entries"),
    "al.platform": ("平台", "the platform"),
    "al.undecodable": ("不是规范条目", "not a canonical entry"),
    "al.entry.title": ("日志条目 #{index}", "Log entry #{index}"),
    "al.entry.kind": ("类型", "Kind"),
    "al.entry.time": ("时间", "Time"),
    "al.entry.time_utc": ("条目中的时间（UTC）", "Time in the entry (UTC)"),
    "al.entry.actor": ("操作者", "Actor"),
    "al.entry.role": ("角色", "role"),
    "al.entry.user": ("用户 ID", "user id"),
    "al.entry.address": ("地址", "Address"),
    "al.entry.subject": ("对象", "Subject"),
    "al.entry.data": ("内容（data）", "Facts (data)"),
    "al.entry.commitments": ("加盐承诺的字段", "Keys holding salted commitments"),
    "al.entry.commitments_hint": (
        "这些字段只是承诺值，须由之后的公开条目揭示原值后才能核对（docs/audit-log.md §1.2）。",
        "These keys hold commitments only; a later entry reveals what they commit to "
        "(docs/audit-log.md §1.2).",
    ),
    "al.entry.none": ("无", "none"),
    "al.entry.raw": ("原始条目字节（RFC 8785）", "Exact entry bytes (RFC 8785)"),
    "al.entry.leaf": ("叶子哈希", "Leaf hash"),
    "al.entry.problem": ("该条目无法解码：", "This entry does not decode: "),
    "al.entry.back": ("返回日志", "Back to the log"),
    "al.proof.title": ("包含证明", "Inclusion proof"),
    "al.proof.lead": (
        "本页在您的浏览器中验证：按 RFC 9162 用 SHA-256 计算叶子哈希和包含证明，"
        "得到的根须等于最新检查点的根；"
        "检查点须有日志密钥的有效签名，并列出各见证方联署的验证结果。",
        "Your browser verifies, here: the leaf hash and the inclusion proof computed with "
        "SHA-256 by RFC 9162 must give the newest checkpoint's root; the checkpoint must "
        "carry a valid signature by the log's key; each witness's cosignature is checked.",
    ),
    "al.proof.log_key": ("日志验证密钥", "The log's verifier key"),
    "al.proof.against": (
        "验证所依据的检查点：大小 {size}（默认取覆盖本条目、已有见证方联署的最新检查点）",
        "Verified against the checkpoint of size {size} (by default the newest one that "
        "covers this entry and that a witness cosigned)",
    ),
    "al.proof.newest": ("改用最新检查点（大小 {size}）", "Use the newest checkpoint (size {size})"),
    "al.proof.noscript": ("验证需要启用 JavaScript。", "Verifying needs JavaScript."),
    "al.cp.title": ("检查点与联署", "Checkpoints and cosignatures"),
    "al.cp.lead": (
        "平台签名的检查点（最新在前），每个检查点的日志签名与见证方联署均已用登记的公钥验证。",
        "The checkpoints the platform signed, newest first; each one's log signature and "
        "its witnesses' cosignatures are verified with the registered keys.",
    ),
    "al.cp.size": ("条目数", "Tree size"),
    "al.cp.root": ("根哈希（base64）", "Root hash (base64)"),
    "al.cp.signed_at": ("签署时间", "Signed"),
    "al.cp.log_signature": ("日志签名", "Log signature"),
    "al.cp.cosignatures": ("见证方联署", "Cosignatures"),
    "al.cp.consistency": ("与下一个较早检查点", "Against the next older checkpoint"),
    "al.cp.none_cosigned": ("尚无见证方联署", "No witness has cosigned"),
    "al.cp.none": ("尚未签署检查点。", "No checkpoint has been signed yet."),
    "al.cp.cosigned_at": ("联署时间", "cosigned"),
    "al.cp.older": ("更早的检查点", "Older checkpoints"),
    "al.ok": ("已验证", "verified"),
    "al.bad": ("未通过验证", "NOT verified"),
    "al.w.title": ("见证方", "Witnesses"),
    "al.w.lead": (
        "登记的独立见证方：各自校验检查点之间的一致性后联署（docs/audit-log.md §5）。",
        "The registered independent witnesses: each checks that checkpoints are consistent "
        "before it cosigns (docs/audit-log.md §5).",
    ),
    "al.w.name": ("名称", "Name"),
    "al.w.key_id": ("密钥 ID", "Key ID"),
    "al.w.vkey": ("验证密钥", "Verifier key"),
    "al.w.added": ("登记时间", "Registered"),
    "al.w.cosigned": ("已联署检查点数", "Checkpoints cosigned"),
    "al.w.last": ("最近联署", "Latest cosigned"),
    "al.w.none": ("尚未登记见证方。", "No witness is registered."),
    "al.w.newest": (
        "平台最新签署的检查点：大小 {size}。",
        "The newest checkpoint the platform signed: size {size}.",
    ),
    "al.w.behind": ("尚未联署最新检查点", "has not cosigned the newest checkpoint"),
    "al.w.never": ("从未联署", "never"),
    "al.refused": (
        "只有审计管理员查阅审计日志（三员分立）。",
        "Only the audit administrator reads the audit log (separation of the three "
        "administrators).",
    ),
    "al.refused.checkpoints": (
        "只有审计管理员和见证方查看检查点与见证方。",
        "Only the audit administrator and witnesses read the checkpoints and witnesses.",
    ),
    # Why something did not verify or was refused, by error code (docs/audit-log.md §7):
    # the page's language, the code shown small beside it for support.
    "al.why.log_cosignature_invalid": (
        "联署签名不成立（与该检查点不符或时间无效）",
        "the cosignature does not verify over this checkpoint (or its time is invalid)",
    ),
    "al.why.log_note_malformed": ("签名注记的格式不正确", "the signed note is malformed"),
    "al.why.log_note_signature_invalid": (
        "日志密钥的签名不成立",
        "the log key's signature does not verify",
    ),
    "al.why.log_note_unverified": ("没有日志密钥的签名", "no signature by the log's key"),
    "al.why.log_checkpoint_malformed": (
        "检查点正文的格式不正确",
        "the checkpoint text is malformed",
    ),
    "al.why.log_key_malformed": ("公钥的格式不正确", "a key is malformed"),
    "al.why.log_entry_invalid": (
        "这些字节不是规范编码的第 1 版条目（docs/audit-log.md §1）",
        "these bytes are not a canonically encoded version 1 entry (docs/audit-log.md §1)",
    ),
    "al.why.row_mismatch": (
        "签名的检查点与存储的大小或根不符（存储损坏）",
        "the signed checkpoint's size or root differs from the stored row (store damage)",
    ),
    "al.why.other": ("验证失败", "verification failed"),
    "al.err.not_a_date": ("{field}须为日期（年-月-日）。", "{field} must be a date (YYYY-MM-DD)."),
    "al.err.too_long": ("{field}不能超过 128 个字符。", "{field} must be at most 128 characters."),
    "al.err.order": ("起始日不能晚于截止日。", "The first day must not be after the last day."),
    "al.err.not_a_number": (
        "{field}须为不小于 0 的整数。",
        "{field} must be a whole number, 0 or more.",
    ),
    "al.err.no_entry": ("日志中没有第 {index} 号条目。", "The log holds no entry #{index}."),
    "al.err.no_checkpoint": (
        "没有签署过这个大小的检查点。",
        "No checkpoint of that size was signed.",
    ),
    "al.field.kind": ("类型", "Kind"),
    "al.field.tender": ("项目", "Tender"),
    "al.field.from": ("起始日", "First day"),
    "al.field.to": ("截止日", "Last day"),
    "al.field.before": ("查询起点", "The search position"),
    "al.field.entry": ("条目序号", "The entry number"),
    "al.field.index": ("条目序号", "The entry number"),
    "al.field.checkpoint": ("检查点大小", "The checkpoint size"),
    "al.field.below": ("检查点大小", "The checkpoint size"),
}

# What the in-page verifier (web/static/js/auditlog.js) says, in the page's language.
VERIFIER: Mapping[str, tuple[str, str]] = {
    "checking": ("正在验证…", "Verifying…"),
    "included": (
        "已验证：条目 #{index} 包含在大小为 {size} 的检查点中。",
        "Verified: entry #{index} is included in the checkpoint of size {size}.",
    ),
    "not_included": (
        "未通过验证：包含证明与检查点的根不符。",
        "NOT verified: the inclusion proof does not give the checkpoint's root.",
    ),
    "not_covered": (
        "最新检查点（大小 {size}）尚未覆盖该条目；下一个检查点签署后即可验证。",
        "The newest checkpoint (size {size}) does not cover this entry yet; it can be "
        "verified once the next checkpoint is signed.",
    ),
    "entry_mismatch": (
        "未通过验证：接口返回的条目字节与本页显示的不同。",
        "NOT verified: the entry bytes the API returned differ from those on this page.",
    ),
    "log_ok": ("检查点的日志签名：已验证", "The checkpoint's log signature: verified"),
    "log_bad": ("检查点的日志签名：未通过验证", "The checkpoint's log signature: NOT verified"),
    "witness_ok": ("{name}：联署已验证（{time}）", "{name}: cosignature verified ({time})"),
    "witness_bad": ("{name}：联署未通过验证", "{name}: cosignature NOT verified"),
    "witness_missing": ("{name}：未联署此检查点", "{name}: has not cosigned this checkpoint"),
    "no_checkpoint": (
        "尚未签署检查点；签署后即可验证。",
        "No checkpoint has been signed yet; the entry can be verified once one is.",
    ),
    "failed": ("无法完成验证：", "Could not verify: "),
    "no_ed25519": (
        "此浏览器不支持 Ed25519，无法验证签名。",
        "This browser has no Ed25519, so signatures cannot be verified here.",
    ),
    "consistent": (
        "一致：本检查点是大小 {first} 的检查点的延续（浏览器已验证一致性证明）",
        "Consistent: this checkpoint extends the one of size {first} (the consistency "
        "proof verified in your browser)",
    ),
    "inconsistent": (
        "不一致：与大小 {first} 的检查点的一致性证明未通过验证——日志历史被改写的证据",
        "NOT consistent with the checkpoint of size {first}: evidence that the log's "
        "history was rewritten",
    ),
    "checkpoint": ("检查点", "Checkpoint"),
    "root": ("根", "root"),
    "proof": ("证明中的哈希", "Proof hashes"),
}


def translate(lang: str, key: str, **params: str) -> str:
    """This feature's strings, else the site's."""
    if key in STRINGS:
        text = STRINGS[key][0 if lang == "zh-CN" else 1]
        return text.format(**params) if params else text
    return i18n.translate(lang, key, **params)


def why(lang: str, code: str) -> str:
    """Why a signature or an entry did not verify, by its error code, in ``lang``."""
    key = f"al.why.{code}"
    return translate(lang, key if key in STRINGS else "al.why.other")


def filter_message(lang: str, details: object) -> str:
    """A refused search (``log_filter_invalid``) in ``lang``: the field and the problem."""
    found = details if isinstance(details, dict) else {}
    field = translate(lang, f"al.field.{found.get('field', 'entry')}")
    problem = translate(lang, f"al.err.{found.get('problem', 'not_a_number')}", field=field)
    return translate(lang, "al.filter.invalid") + problem


def verifier_texts(lang: str) -> str:
    """The verifier's strings as JSON for its ``data-texts`` attribute."""
    texts = {key: pair[0 if lang == "zh-CN" else 1] for key, pair in VERIFIER.items()}
    return json.dumps(texts, ensure_ascii=False)
