"""Messages of the bidder's pages, Chinese (zh-CN) first, with English.

Keys start with ``bp.``; anything else falls back to the site catalogue (web/i18n.py).
The lot page script's texts are ``bp.js.<name>``, handed to it as one JSON attribute
(no inline script): :func:`script_texts`.
"""

from __future__ import annotations

from collections.abc import Mapping

from web import i18n
from web.feature_texts import FeatureCatalogue

_PAGE: dict[str, tuple[str, str]] = {
    "bp.title": ("我的投标", "My bids"),
    "bp.hint": (
        "投标文件在您的浏览器中加密封装（或选取用 etender bid seal 封装好的文件），"
        "上传、签名提交后取得平台签名的回执。私钥和 age 身份从不离开您的电脑。",
        "Your bid is sealed in your browser (or you pick a part sealed with etender bid "
        "seal), uploaded, submitted with your signature, and receipted by the platform. "
        "Your private key and age identity never leave your computer.",
    ),
    "bp.keys": ("签名密钥与 age 身份", "Signing key and age identity"),
    "bp.mine": ("已投标的标段", "Lots you bid on"),
    "bp.mine.none": ("您尚未提交任何投标。", "You have not submitted any bid yet."),
    "bp.taking": ("正在接受投标的项目", "Tenders taking bids now"),
    "bp.taking.none": ("目前没有正在接受投标的项目。", "No tender is taking bids now."),
    "bp.col.tender": ("项目", "Tender"),
    "bp.col.lot": ("标段", "Lot"),
    "bp.col.deadline": ("投标截止（开标）时间", "Deadline (opening)"),
    "bp.col.stage": ("进展", "Stage"),
    "bp.col.open": ("操作", "Action"),
    "bp.open": ("进入投标", "Open the bid page"),
    "bp.stage.submitted": ("已提交", "Submitted"),
    "bp.stage.opened": ("已开标", "Opened"),
    "bp.stage.candidates_publicised": ("候选人公示中", "Candidates publicised"),
    "bp.stage.awarded": ("已公布结果", "Result announced"),
    "bp.stage.failed": ("流标或重新招标", "Failed or re-tendered"),
    "bp.stage.cancelled": ("已终止", "Cancelled"),
    "bp.lot.title": ("投标", "Bid"),
    "bp.lot.bidder": ("投标人", "Bidder"),
    "bp.lot.ceiling": ("最高投标限价", "Price ceiling"),
    "bp.lot.bond": ("投标保证金", "Bid bond"),
    "bp.lot.deadline": ("投标截止（开标）时间", "Deadline (opening)"),
    "bp.lot.policy": ("开标规则", "Opening policy"),
    "bp.lot.policy.strict": (
        "严格：仅由开标密钥保管人解密的投标有效",
        "Strict: a bid counts only if the officials' shares open it",
    ),
    "bp.lot.policy.lenient": (
        "宽松：投标人自行解密亦可",
        "Lenient: the bidder's own key may open it too",
    ),
    "bp.lot.closed": (
        "本项目已停止接受投标。",
        "This tender no longer takes bids.",
    ),
    "bp.step.committee": ("1. 开标委员会", "1. The opening committee"),
    "bp.committee.hint": (
        "投标文件的密钥份额只发给下列开标密钥保管人。页面先核对每位保管人签名的公钥声明"
        "（证书链至受信任的 CA），核对不通过则不能封装。",
        "The bid's key shares go to the officials below only. The page first checks each "
        "official's signed recipient statement (chaining to a trusted CA); sealing is "
        "refused if any check fails.",
    ),
    "bp.committee.col.x": ("席位", "Seat"),
    "bp.committee.col.recipient": ("age 公钥", "age recipient"),
    "bp.committee.col.cert": ("证书 SHA-256", "Certificate SHA-256"),
    "bp.step.fields": ("2. 开标一览表", "2. The opening form"),
    "bp.fields.hint": (
        "这些内容封装在投标文件中，开标时公开唱出。金额以元填写（精确到分）。",
        "These are sealed in the bid and read out at the opening. Amounts in yuan (to the fen).",
    ),
    "bp.step.seal": ("3. 封装并上传投标文件", "3. Seal and upload the bid"),
    "bp.seal.files": ("投标文件（可多选）", "Bid files (several allowed)"),
    "bp.seal.button": ("在浏览器中封装", "Seal in the browser"),
    "bp.seal.or": (
        "或选取已用 etender bid seal 封装好的文件（.age）：",
        "Or pick a part sealed with etender bid seal (.age):",
    ),
    "bp.seal.pick": ("选取已封装的文件", "Pick a sealed part"),
    "bp.seal.part": ("部分", "Part"),
    "bp.seal.trust": (
        "在浏览器中封装依赖本页面加载的签名脚本（SHA-256 见页脚）；不愿信任页面时，"
        "请用命令行 etender bid seal 封装后在此选取。",
        "Sealing in the browser trusts the signing script this page loaded (its SHA-256 "
        "is at the foot of the page); if you do not want to trust the page, seal with "
        "etender bid seal and pick the file here.",
    ),
    "bp.upload.hint": (
        "上传可随时中断：关闭页面或网络中断后，重新打开本页面并选取同一文件，即从已上传处继续。",
        "An upload may stop at any time: after a closed tab or a dropped network, open "
        "this page again and pick the same file; it goes on from what was received.",
    ),
    "bp.step.submit": ("4. 签名提交", "4. Sign and submit"),
    "bp.submit.hint": (
        "用您在本浏览器中的签名密钥签署提交声明（项目、标段、版本、各部分 SHA-256、上一版本）。",
        "Sign the submit statement (tender, lot, version, each part's SHA-256, the "
        "previous version) with your signing key in this browser.",
    ),
    "bp.submit.button": ("签名并提交", "Sign and submit"),
    "bp.step.bid": ("我的投标与回执", "My bid and receipts"),
    "bp.bid.none": ("本标段尚无投标。", "No bid in this lot yet."),
    "bp.col.version": ("版本", "Version"),
    "bp.col.kind": ("类型", "Kind"),
    "bp.col.received": ("平台收到时间", "Received"),
    "bp.col.parts": ("各部分 SHA-256", "Parts' SHA-256"),
    "bp.col.receipt": ("回执", "Receipt"),
    "bp.withdraw.button": ("签名撤回投标", "Sign and withdraw the bid"),
    "bp.bonds": ("投标保证金", "Bid bonds"),
    "bp.bonds.none": ("平台尚未登记您的保证金。", "No bond of yours is recorded yet."),
    "bp.step.opening": ("开标", "The opening"),
    "bp.opening.hall": ("进入开标大厅", "Go to the opening hall"),
    "bp.selfkey.title": ("自行解密", "Self-decryption"),
    "bp.selfkey.hint": (
        "在解密时限内，用您的 age 身份文件解开自己的文件密钥并提交给平台核对。身份文件只在"
        "本页面中读取，从不发送。",
        "Within the decryption window, unwrap your own file key with your age identity "
        "file and send the key for the platform to check. The identity file is read in "
        "this page only and never sent.",
    ),
    "bp.selfkey.identity": ("age 身份文件", "age identity file"),
    "bp.selfkey.sealed": (
        "已封装的投标文件（.age；在本浏览器中封装的可不选）",
        "The sealed part (.age; not needed for one sealed in this browser)",
    ),
    "bp.selfkey.button": ("解开并提交文件密钥", "Unwrap and send the file key"),
    "bp.record.title": ("开标记录", "Opening record"),
    "bp.record.none": ("开标记录尚未公布。", "The opening record is not published yet."),
    "bp.record.confirm": ("签名确认开标记录", "Sign to confirm the record"),
    "bp.record.object": ("提出异议", "Object"),
    "bp.record.object.text": ("异议内容", "Your objection"),
    "bp.bundle": ("签名脚本 SHA-256：{sha256}", "Signing script SHA-256: {sha256}"),
    "bp.root": (
        "核对开标委员会所用的受信任根证书 SHA-256：{sha256}",
        "Trusted root the committee is checked against, SHA-256: {sha256}",
    ),
}

# The lot page script's texts, by name (bp.js.<name> in the catalogue).
_SCRIPT: dict[str, tuple[str, str]] = {
    "yuan": ("¥{amount}", "¥{amount}"),
    "committee.checking": ("正在核对开标委员会…", "Checking the committee…"),
    "committee.ok": (
        "开标委员会核对通过：{n} 人，{k} 人即可开标；指纹 {fingerprint}",
        "Committee checked: {n} officials, {k} open the bids; fingerprint {fingerprint}",
    ),
    "committee.bad": (
        "开标委员会核对未通过：{message}",
        "The committee fails its check: {message}",
    ),
    "committee.bad_seat": (
        "开标委员会核对未通过：席位 {x}：{message}",
        "The committee fails its check: seat {x}: {message}",
    ),
    "committee.unavailable": (
        "本页面的签名脚本尚不能核对委员会与封装；请用 etender bid seal 封装后选取文件。",
        "This page's signing script cannot check the committee or seal yet; seal with "
        "etender bid seal and pick the file.",
    ),
    "committee.none": ("开标委员会尚未批准。", "The committee is not approved yet."),
    "field.above_ceiling": (
        "报价 ¥{price} 高于最高投标限价 ¥{ceiling}：开标记录将标明。",
        "The price ¥{price} is above the ceiling ¥{ceiling}: the opening record will say so.",
    ),
    "field.invalid": ("请填写正确的{label}。", "Please enter a valid {label}."),
    "field.required": ("请填写{label}。", "Please fill in {label}."),
    "seal.client_only": (
        "招标人要求用命令行 etender bid seal 封装本项目的投标文件：服务器无法分辨文件如何"
        "封装，此要求由您遵守。请封装后在下方选取文件。",
        "The agency requires this tender's bids to be sealed with etender bid seal: the "
        "server cannot tell how a part was sealed, so this is yours to keep. Seal, then "
        "pick the file below.",
    ),
    "seal.no_recipient": (
        "请先在“签名密钥”页面生成并登记您的 age 身份。",
        "Make and register your age identity on the signing keys page first.",
    ),
    "seal.no_key": (
        "本浏览器中没有您已登记证书的签名密钥；请先到“签名密钥”页面创建或导入。",
        "No signing key with a registered certificate in this browser; create or import "
        "one on the signing keys page first.",
    ),
    "seal.duplicate_name": (
        "两个文件同名（不区分大小写）：{a} 与 {b}；请改名其中一个。",
        "Two files share a name (case-insensitively): {a} and {b}; rename one.",
    ),
    "seal.bidi_name": (
        "文件名 {name} 含有双向控制字符（U+202A–U+202E、U+2066–U+2069，此处以 � 显示），"
        "会使文件名显示错乱；请改名。",
        "The file name {name} contains a bidirectional control character (U+202A–U+202E, "
        "U+2066–U+2069, shown here as �) that would garble how it reads; rename it.",
    ),
    "seal.no_files": ("请选择要封装的投标文件。", "Choose the files to seal."),
    "seal.progress": ("正在封装：{done} / {total}", "Sealing: {done} of {total}"),
    "seal.done": (
        "已封装 {part}：{size}，SHA-256 {sha256}",
        "Sealed {part}: {size}, SHA-256 {sha256}",
    ),
    "hash.progress": ("正在计算 SHA-256：{done} / {total}", "Computing SHA-256: {done} of {total}"),
    "upload.progress": (
        "已上传 {done} / {total}（{percent}%），{rate}/秒，剩余约 {left}",
        "Uploaded {done} of {total} ({percent}%), {rate}/s, about {left} left",
    ),
    "duration.seconds": ("{s} 秒", "{s} s"),
    "duration.minutes": ("{m} 分 {s} 秒", "{m} min {s} s"),
    "upload.resumed": ("从 {offset} 处继续上传。", "Resuming from {offset}."),
    "upload.already": (
        "平台已完整收到此文件（{total}）并通过核对。",
        "The platform already has this whole file ({total}), checked.",
    ),
    "upload.retrying": (
        "网络中断，{seconds} 秒后从平台确认的位置重试…",
        "The network dropped; retrying from the committed offset in {seconds} s…",
    ),
    "upload.complete": (
        "{part} 已上传并通过核对：SHA-256 {sha256}",
        "{part} uploaded and checked: SHA-256 {sha256}",
    ),
    "upload.pending": (
        "{part} 未上传完（{done} / {total}）。请选取同一文件继续：SHA-256 {sha256}",
        "{part} is not fully uploaded ({done} of {total}). Pick the same file to go on: "
        "SHA-256 {sha256}",
    ),
    "upload.refused": (
        "平台拒收此文件：{message}请重新封装后再上传。",
        "The platform refused this file: {message} Seal the part again, then upload it.",
    ),
    "upload.pending_sealed": (
        "{part} 未上传完（{done} / {total}）。封装好的文件仍在本浏览器中：点“继续上传”即可，"
        "无需重新选取：SHA-256 {sha256}",
        "{part} is not fully uploaded ({done} of {total}). The sealed file is still in this "
        "browser: click Resume the upload, no need to pick it: SHA-256 {sha256}",
    ),
    "upload.resume_sealed": ("继续上传", "Resume the upload"),
    "upload.need_all": ("请先上传所有部分：{parts}", "Upload every part first: {parts}"),
    "submit.done": (
        "已提交第 {version} 版，平台回执已收到并核对。",
        "Version {version} submitted; the platform's receipt is in and checked.",
    ),
    "withdraw.confirm": (
        "确定撤回本标段的投标吗？撤回也将签名并记录。",
        "Withdraw your bid in this lot? The withdrawal is signed and recorded too.",
    ),
    "withdraw.done": ("已撤回（第 {version} 版）。", "Withdrawn (version {version})."),
    "kind.submit": ("提交", "Submission"),
    "kind.withdraw": ("撤回", "Withdrawal"),
    "status.submitted": ("有效投标：第 {version} 版", "Standing: version {version}"),
    "status.withdrawn": ("已撤回（第 {version} 版）", "Withdrawn (version {version})"),
    "receipt.pdf": ("回执 PDF", "Receipt PDF"),
    "receipt.p7s": ("签名 .p7s", "Signature .p7s"),
    "receipt.json": ("回执 JSON", "Receipt JSON"),
    "receipt.check": ("核对", "Check"),
    "receipt.checking": (
        "正在核对回执与日志包含证明…",
        "Checking the receipt and its log inclusion…",
    ),
    "receipt.ok": (
        "回执核对通过：日志检查点签名有效，第 {index} 条记录包含于 {size} 条的日志树中，"
        "记录内容与回执一致。",
        "Receipt checked: the checkpoint's signature is valid, entry {index} is included "
        "in the log tree of size {size}, and the entry matches the receipt.",
    ),
    "receipt.bad": ("回执核对未通过：{why}", "The receipt fails its check: {why}"),
    "why.checkpoint": ("检查点签名无效", "the checkpoint's signature is invalid"),
    "why.proof": ("包含证明不成立", "the inclusion proof does not hold"),
    "why.entry": ("日志记录与回执不一致", "the log entry does not match the receipt"),
    "why.salt": (
        "回执所附的盐打不开日志记录中的承诺",
        "the receipt's salt does not open the log entry's commitments",
    ),
    "bonds.paid": ("{kind}：¥{amount}，{status}", "{kind}: ¥{amount}, {status}"),
    "bond.refunded": ("已退还", "refunded"),
    "bond.held": ("已登记", "recorded"),
    "opening.before": (
        "开标时间到达后，此处显示开标进展。",
        "The opening's progress is shown here once the deadline passes.",
    ),
    "opening.status": ("开标进展：{outcome}", "Opening: {outcome}"),
    "outcome.pending": ("等待解密", "awaiting decryption"),
    "outcome.opened": ("已解密", "opened"),
    "outcome.revoked": ("撤销（投标人责任）", "revoked (bidder's fault)"),
    "outcome.withdrawn": ("撤回（非投标人责任）", "withdrawn (not the bidder's fault)"),
    "selfkey.done": ("文件密钥已提交并通过核对。", "File key sent and checked."),
    "selfkey.unavailable": (
        "本页面的签名脚本尚不能解开文件密钥；请用 etender bid decrypt 自行解密。",
        "This page's signing script cannot unwrap the file key yet; use the command line.",
    ),
    "selfkey.need_files": (
        "请选取 age 身份文件和已封装的投标文件。",
        "Choose the age identity file and the sealed part.",
    ),
    "record.entry": (
        "您的开标记录：报价 ¥{price}，{outcome}",
        "Your line of the record: price ¥{price}, {outcome}",
    ),
    "record.confirmed": ("已签名确认开标记录。", "You confirmed the record with your signature."),
    "record.objected": ("异议已提交。", "Objection filed."),
    "record.responses": ("已有回应：{list}", "Responses so far: {list}"),
    "error.generic": ("操作未完成：{message}", "Not done: {message}"),
    "error.opfs_unavailable": (
        "此浏览器不提供私有文件存储（OPFS，例如隐私模式），无法在浏览器中封装；请用 etender bid "
        "seal 封装后选取文件。",
        "This browser offers no private file storage (OPFS, e.g. a private window), so it "
        "cannot seal; seal with etender bid seal and pick the file.",
    ),
    "error.opfs_write_failed": (
        "写入封装文件失败（磁盘空间不足？），未留下任何文件。",
        "The sealed file could not be written (no disk space?); nothing was left.",
    ),
    "error.sealed_part_not_found": (
        "本浏览器中已没有这个封装文件。",
        "This browser no longer has that sealed part.",
    ),
    "error.worker_failed": (
        "封装进程意外停止，未留下任何文件；请重试。",
        "The sealing worker stopped; nothing was left. Please try again.",
    ),
    "error.certificate_missing": (
        "本浏览器中没有带证书的签名密钥；请先到“签名密钥”页面创建或导入。",
        "No signing key with a certificate in this browser; make or import one on the "
        "signing keys page first.",
    ),
    "error.key_not_found": (
        "本浏览器中找不到您的签名密钥（可能已删除，或已退出登录）。",
        "Your signing key is not in this browser (removed, or you signed out).",
    ),
    "error.network": (
        "网络不可用，请检查网络后重试。",
        "The network is unavailable; check it and try again.",
    ),
}


def _entries() -> dict[str, tuple[str, str]]:
    found = dict(_PAGE)
    found.update({f"bp.js.{name}": texts for name, texts in _SCRIPT.items()})
    return found


_TEXTS = FeatureCatalogue(_entries(), fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has
catalogue = _TEXTS.catalogue


def script_texts(lang: str) -> Mapping[str, str]:
    """The lot page script's texts in ``lang`` (names without the ``bp.js.`` prefix)."""
    index = 1 if lang == "en" else 0
    return {name: texts[index] for name, texts in _SCRIPT.items()}
