"""Messages of the signing keys page (/me/keys), Chinese (zh-CN) first, with English.

Keys start with ``keys.``; anything else falls back to the site catalogue (web/i18n.py).
The page script's texts are the ``keys.js.*`` entries, handed to it as one JSON attribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from web import i18n

_CATALOGUE: dict[str, tuple[str, str]] = {
    "keys.title": ("签名密钥", "Signing keys"),
    "keys.hint": (
        "浏览器密钥在本浏览器中生成，不可导出，只属于您本人和这台设备；证书由受信任的 CA 签发后"
        "登记到平台（持有证明）。也可以导入您自己的 PKCS#12 或 PKCS#8 文件。",
        "A browser key is made in this browser, cannot be exported, and belongs to you and "
        "this device only; a trusted CA issues its certificate, which you then register on "
        "the platform (proof of possession). You may import your own PKCS#12 or PKCS#8 file "
        "instead.",
    ),
    "keys.create.title": ("创建浏览器密钥", "Create a browser key"),
    "keys.create.label": ("密钥名称（如：评标室 3 号电脑）", "Key label (e.g. venue PC 3)"),
    "keys.create.submit": ("创建密钥", "Create the key"),
    "keys.csr.title": ("证书申请（CSR）", "Certificate request (CSR)"),
    "keys.csr.hint": (
        "演示 CA 未开启：请将此证书申请交给您的 CA，"
        "再将签发的证书（PEM，含证书链）粘贴或上传到下方。",
        "The demo CA is not enabled: give this request to your CA, then paste or upload the "
        "issued certificate (PEM, with its chain) below.",
    ),
    "keys.csr.download": ("下载 CSR", "Download the CSR"),
    "keys.cert.paste": ("签发的证书（PEM）", "Issued certificate (PEM)"),
    "keys.cert.file": ("或上传证书文件", "or upload the certificate file"),
    "keys.cert.submit": ("附加证书", "Attach the certificate"),
    "keys.import.title": ("导入密钥文件", "Import a key file"),
    "keys.import.p12": ("PKCS#12 文件（.p12 / .pfx）", "PKCS#12 file (.p12 / .pfx)"),
    "keys.import.password": ("文件密码", "File password"),
    "keys.import.p12_submit": ("导入 PKCS#12", "Import the PKCS#12 file"),
    "keys.import.p8_key": ("PKCS#8 私钥（PEM）", "PKCS#8 private key (PEM)"),
    "keys.import.p8_cert": ("证书（PEM，含证书链）", "Certificate (PEM, with its chain)"),
    "keys.import.p8_submit": ("导入 PKCS#8", "Import the PKCS#8 key"),
    "keys.list.title": ("本设备上的密钥", "Keys on this device"),
    "keys.list.none": ("本设备上没有您的密钥。", "You have no key on this device."),
    "keys.col.label": ("名称", "Label"),
    "keys.col.kind": ("类型", "Kind"),
    "keys.col.cert": ("证书 SHA-256", "Certificate SHA-256"),
    "keys.col.created": ("创建时间", "Created"),
    "keys.col.status": ("状态", "Status"),
    "keys.col.actions": ("操作", "Actions"),
    "keys.journal.title": ("本设备的签名记录", "Signatures made on this device"),
    "keys.journal.none": ("尚无签名。", "No signature yet."),
    "keys.col.at": ("时间", "Time"),
    "keys.col.purpose": ("用途", "Purpose"),
    "keys.col.content": ("内容 SHA-256", "Content SHA-256"),
    "keys.server.title": ("平台记录的签名", "Signatures the platform recorded"),
    "keys.server.none": (
        "平台尚无您的签名记录。",
        "The platform has recorded no signature of yours.",
    ),
    "keys.bundle": ("签名脚本 SHA-256：{sha256}", "Signing script SHA-256: {sha256}"),
    "keys.age.title": ("投标用 age 身份", "Your age identity for bids"),
    "keys.age.hint": (
        "每份投标文件都另行加密给您自己的 age 公钥，以便您在开标时自行解密，或用任何 age "
        "工具打开。身份（私钥）在本页面中生成，只下载一次，由您保管，从不发送给平台；平台"
        "只登记其公钥，由您的签名证书签署的公钥声明绑定。",
        "Every sealed part is also encrypted to your own age recipient, so that you can "
        "decrypt it yourself at the opening, or open it with any age tool. The identity "
        "(the private key) is made in this page, downloaded once and kept by you; it is "
        "never sent. The platform registers only its recipient, bound by a recipient "
        "statement your signing certificate signs.",
    ),
    "keys.age.generate": ("生成新的 age 身份", "Make a new age identity"),
    "keys.age.recipient": ("age 公钥", "age recipient"),
    "keys.age.download": ("下载身份文件", "Download the identity file"),
    "keys.age.once": (
        "身份文件只在此刻可下载：离开本页面后无法再次取得。请妥善保存（例如存入 U 盾或加密"
        "U 盘），丢失后将无法自行解密。",
        "The identity file can be downloaded now only: once you leave this page it is "
        "gone. Keep it safe (e.g. on an encrypted USB drive); without it you cannot "
        "decrypt your own bids.",
    ),
    "keys.age.saved": ("我已保存身份文件", "I have saved the identity file"),
    "keys.age.register": ("签名并登记公钥", "Sign and register the recipient"),
    "keys.bundle.check": (
        "可与透明日志及 /api/v1/scripts 核对：curl -s {url} | sha256sum",
        "Compare with the transparency log and /api/v1/scripts: curl -s {url} | sha256sum",
    ),
}

# The page script's texts (keys.js.<name>), passed to it as JSON: no inline script.
_SCRIPT: dict[str, tuple[str, str]] = {
    "kind.browser": ("浏览器密钥", "Browser key"),
    "kind.imported": ("导入的密钥", "Imported key"),
    "status.no_certificate": ("待附加证书", "Needs a certificate"),
    "status.registered": ("已登记（当前）", "Registered (current)"),
    "status.registered_old": ("已登记（已轮换）", "Registered (rotated)"),
    "status.unregistered": ("未登记", "Not registered"),
    "action.register": ("登记到平台", "Register"),
    "action.remove": ("删除", "Remove"),
    "action.remove_confirm": (
        "从本设备删除此密钥？此操作不可撤销。",
        "Remove this key from this device? This cannot be undone.",
    ),
    "done.created": ("密钥已创建。", "The key was made."),
    "done.demo_ca": ("演示 CA 已签发证书。", "The demo CA issued the certificate."),
    "done.attached": ("证书已附加。", "The certificate was attached."),
    "done.imported": ("密钥已导入。", "The key was imported."),
    "done.registered": ("证书已登记：{sha256}", "The certificate is registered: {sha256}"),
    "done.removed": ("密钥已删除。", "The key was removed."),
    "server.unavailable": (
        "平台签名记录暂不可用。",
        "The platform's signature list is not available.",
    ),
    "error.pkcs12_password_invalid": (
        "密码错误，无法打开此文件。",
        "The password does not open this file.",
    ),
    "error.pkcs12_invalid": ("这不是有效的 PKCS#12 文件。", "This is not a valid PKCS#12 file."),
    "error.pkcs12_algorithm_unsupported": (
        "不支持此文件的加密方式：请用 OpenSSL 3 默认方式重新导出。",
        "This file's encryption is not supported: export it again with OpenSSL 3's default.",
    ),
    "error.key_algorithm_unsupported": (
        "仅支持 ECDSA P-256 和 RSA 密钥。",
        "Only ECDSA P-256 and RSA keys are supported.",
    ),
    "error.certificate_key_mismatch": (
        "证书与该密钥不匹配。",
        "The certificate is not for this key.",
    ),
    "error.certificate_invalid": ("证书无效。", "The certificate is not valid."),
    "error.indexeddb_unavailable": (
        "此浏览器无法保存密钥（IndexedDB 不可用，例如隐私模式）。",
        "This browser cannot keep keys (no IndexedDB, e.g. a private window).",
    ),
    "error.generic": ("操作失败：{message}", "The operation failed: {message}"),
    "age.current": ("已登记的 age 公钥：{recipient}", "Registered age recipient: {recipient}"),
    "age.none": ("尚未登记 age 公钥。", "No age recipient registered yet."),
    "age.replace_confirm": (
        "新的身份将用于今后的投标；已用旧公钥封装的投标仍需旧身份文件解密，请继续保管。继续？",
        "The new identity is for new bids; bids sealed to the old recipient still need the "
        "old identity file, so keep it. Go on?",
    ),
    "age.registered": (
        "age 公钥已登记：{recipient}",
        "The age recipient is registered: {recipient}",
    ),
    "age.no_key": (
        "请先在上方创建或导入签名密钥并登记证书。",
        "Create or import a signing key above and register its certificate first.",
    ),
    "age.unavailable": (
        "本页面的签名脚本尚不能生成 age 身份；请用 etender bid keygen 生成。",
        "This page's signing script cannot make an age identity yet; use etender bid keygen.",
    ),
}

CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {**_CATALOGUE, **{f"keys.js.{k}": v for k, v in _SCRIPT.items()}}
)


def translate(lang: str, key: str, **params: str) -> str:
    """This page's message, else the site's."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return i18n.translate(lang, key, **params)
    text = entry[0] if lang == "zh-CN" else entry[1]
    return text.format(**params) if params else text


def script_texts(lang: str) -> dict[str, str]:
    """The page script's texts in ``lang`` (placeholders left for the script to fill)."""
    return {k: (v[0] if lang == "zh-CN" else v[1]) for k, v in _SCRIPT.items()}
