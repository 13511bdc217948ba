"""Strings of the supervision records' panel and the opening's observer view: (zh-CN,
English). The panel's strings reach its script as a data attribute (the CSP forbids
inline script)."""

from __future__ import annotations

from collections.abc import Mapping

from web.opening import pages as opening_pages

STRINGS: Mapping[str, tuple[str, str]] = {
    "rec.title": ("监督记录", "Supervision records"),
    "rec.hint.opening": (
        "记录您在本标段开标中看到和做了什么。记录由您本人签名，单独保存，不写入开标记录。",
        "Record what you saw and did at this lot's opening. You sign it; it is kept on its "
        "own and never written into the opening record.",
    ),
    "rec.hint.evaluation": (
        "记录您在本次评标中看到和做了什么。记录由您本人签名，单独保存，不写入评标报告。",
        "Record what you saw and did in this evaluation session. You sign it; it is kept on "
        "its own and never written into the evaluation report.",
    ),
    "rec.hint.tender": (
        "记录您对本项目整体看到和做了什么（开标、评标以外的监督事项）。记录由您本人签名，单独保存。",
        "Record what you saw and did about this tender as a whole (beyond its opening and "
        "evaluation). You sign it; it is kept on its own.",
    ),
    "rec.page_title": ("项目监督记录", "The tender's supervision records"),
    "rec.refused": (
        "只有本项目监督部门的监督人员查看和提交监督记录。",
        "Only supervisors of the tender's department read and file supervision records here.",
    ),
    "rec.text": ("记录内容", "What you saw and did"),
    "rec.file": ("签名并提交记录", "Sign and file the record"),
    "rec.no_key": ("本浏览器没有您的签名密钥：", "This browser holds no signing key of yours: "),
    "rec.keys_link": ("管理密钥", "manage keys"),
    "rec.none": ("尚无记录。", "No record yet."),
    "rec.recorded_at": ("时间", "Time"),
    "rec.author": ("监督人员", "Supervisor"),
    "desk.error": ("未能提交：", "Not filed: "),
    "err.permission_denied": (
        "只有本项目监督部门的监督人员可以提交监督记录。",
        "Only supervisors of the tender's department file supervision records.",
    ),
    "err.supervision_record_signer_mismatch": (
        "请使用您本人当前登记的证书签名。",
        "Sign with your own current registered certificate.",
    ),
    "obs.opening.title": ("开标监督", "Opening — supervisor's view"),
    "obs.opening.hint": (
        "实时观看开标：解密状态、保证金核验和唱标记录；开标前不显示投标人，全部解密完成前不显示报价。",
        "The opening live: decryption status, bond check and the announced record; no "
        "bidder before the opening, no price before every bid has opened or failed.",
    ),
    "obs.opening.refused": (
        "只有本项目监督部门的监督人员使用开标监督页面。",
        "Only supervisors of the tender's department use the opening's supervisor view.",
    ),
}
PANEL_KEYS = (
    "rec.title", "rec.text", "rec.file", "rec.no_key", "rec.keys_link", "rec.none",
    "rec.recorded_at", "rec.author", "desk.error", "err.permission_denied",
    "err.supervision_record_signer_mismatch",
)  # fmt: skip


def text(lang: str, key: str) -> str:
    entry = STRINGS[key]
    return entry[0] if lang == "zh-CN" else entry[1]


def translate(lang: str, key: str, **params: str) -> str:
    """This page's strings, else the opening hall's (and through it the site's)."""
    if key in STRINGS:
        return text(lang, key)
    return opening_pages.translate(lang, key)


def panel_texts(lang: str, attached: str) -> dict[str, str]:
    """The record panel's strings, the hint of what it is attached to among them."""
    texts = {key: text(lang, key) for key in PANEL_KEYS}
    texts["rec.hint"] = text(lang, f"rec.hint.{attached}")
    return texts
