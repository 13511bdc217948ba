"""Messages of the centre's and the supervisor's tender pages, the opening-hall links
and the agency's upload progress (issue 15, item 1): Chinese (zh-CN) first, English.

Merged into the tender catalogue (web/tender/i18n.py), so every tender page reads them.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "td.hall.link": ("进入标段{lot}开标大厅", "Lot {lot}: opening hall"),
    "td.hall.title": ("开标大厅", "Opening halls"),
    "td.hall.hint": (
        "开标大厅向所有登录用户开放，开标全程公开。",
        "Every signed-in user may watch: the opening is public.",
    ),
    "td.oversight.centre.title": ("交易中心项目", "Tenders of my centre"),
    "td.oversight.centre.lead": (
        "委派开标委员会、登记投标保证金、进入开标大厅。",
        "Appoint opening committees, record bid bonds, enter the opening halls.",
    ),
    "td.oversight.supervision.title": ("监督项目", "Tenders I supervise"),
    "td.oversight.supervision.lead": (
        "核对并确认交易中心委派的开标委员会，查阅保证金，观看开标。",
        "Check and approve the committees the centre appointed, read the bonds, watch openings.",
    ),
    "td.oversight.none": ("暂无项目。", "No tender yet."),
    "td.oversight.committee.rule": (
        "开标委员会由交易中心委派、行政监督部门确认，招标代理机构不得参与；"
        "至少来自两个单位，门限 2 ≤ k < n。",
        "The centre appoints each committee and the supervising department approves it — "
        "never the agency; officials from at least two organisations, threshold 2 ≤ k < n.",
    ),
    "td.oversight.official": ("开标人", "Official"),
    "td.oversight.organisation": ("单位", "Organisation"),
    "td.oversight.certificate": ("证书 SHA-256", "Certificate SHA-256"),
    "td.oversight.recipient": ("加密公钥", "Age recipient"),
    "td.oversight.appointed_at": ("委派时间", "Appointed"),
    "td.oversight.approved_at": ("确认时间", "Approved"),
    "td.oversight.roster_sha256": ("名单摘要", "Roster SHA-256"),
    "td.oversight.approve": ("确认此名单", "Approve this roster"),
    "td.oversight.approve.hint": (
        "确认的是上表所列名单（以摘要为准）；名单如被改动，确认将被拒绝。",
        "You approve exactly the roster above (by its SHA-256); if it changed meanwhile, "
        "the approval is refused.",
    ),
    "td.oversight.appoint": (
        "按顺序勾选开标人（仅列出已登记证书和加密公钥的开标人）",
        "Choose the officials in order (only officials who registered a certificate "
        "and a recipient)",
    ),
    "td.oversight.appoint.submit": ("委派开标委员会", "Appoint the committee"),
    "td.oversight.no_officials": (
        "尚无开标人登记证书和加密公钥。",
        "No opening official has registered a certificate and a recipient yet.",
    ),
    "td.oversight.no_officials.why": (
        "开标人须先在“我的密钥”页面登记签名证书和加密公钥（份额将加密给该公钥），之后才能被委派：",
        "An official can be appointed once it has registered a signing certificate and a "
        "recipient (its share is sealed to it) on its keys page:",
    ),
    # A committee form's refusal names the field to correct (the outside tester's
    # finding 6), instead of "a field of the tender".
    "td.oversight.field": ("请修改：", "To correct: "),
    "td.oversight.field.officials": ("请勾选要委派的开标人", "choose the officials to seat"),
    "td.oversight.field.k": ("解密门限 k（整数）", "the threshold k (a whole number)"),
    "td.oversight.k": ("解密门限 k", "Threshold k"),
    "td.oversight.k.hint": (
        "至少 k 名开标人释放份额方可开标；2 ≤ k < 开标人数。",
        "At least k officials must release their shares to open; 2 ≤ k < the number chosen.",
    ),
    "td.bonds": ("投标保证金", "Bid bonds"),
    "td.bonds.bidder": ("投标人", "Bidder"),
    "td.bonds.kind": ("形式", "Kind"),
    "td.bonds.kind.transfer": ("银行转账", "Bank transfer"),
    "td.bonds.kind.guarantee": ("电子保函", "Electronic guarantee letter"),
    "td.bonds.amount": ("金额（元）", "Amount (CNY)"),
    "td.bonds.paid_at": ("到账时间", "Received"),
    "td.bonds.status.held": ("在管", "Held"),
    "td.bonds.status.refunded": ("已退还", "Refunded"),
    "td.bonds.none": ("尚无保证金记录。", "No bond recorded yet."),
    "td.bonds.record": ("登记保证金", "Record a bond"),
    "td.bonds.account": ("付款账号（转账）", "Paying account (transfer)"),
    "td.bonds.guarantee_no": ("保函编号（保函）", "Letter number (guarantee)"),
    "td.bonds.issuer": ("出具机构（保函）", "Issuer (guarantee)"),
    "td.bonds.hint": (
        "转账只填付款账号；电子保函只填编号和出具机构。时间为北京时间。",
        "A transfer has a paying account only; a guarantee letter a number and an issuer. "
        "Times are Beijing time.",
    ),
    "td.bonds.submit": ("登记", "Record"),
    "td.bonds.reference": ("银行退款流水号", "Bank refund reference"),
    "td.bonds.refund": ("退还", "Refund"),
    "td.upload.progress": (
        "已上传 {sent} / {total}（{percent}%）",
        "Uploaded {sent} of {total} ({percent}%)",
    ),
    "td.upload.done": (
        "已上传 {name}（{total}），正在刷新…",
        "Uploaded {name} ({total}); reloading…",
    ),
    "td.upload.failed": ("上传未完成，请重试。", "The upload did not finish; try again."),
    "td.objections.title": ("中标候选人异议答复", "Objections to the candidates"),
    "td.objections.lead": (
        "投标人对中标候选人提出的异议应在3日内答复；答复前该标段暂停定标。答复以本浏览器中的签名密钥签名。",
        "Answer each objection to the candidates within 3 days; the lot's award waits "
        "until then. Answers are signed with your signing key in this browser.",
    ),
    "td.objections.keys": ("管理签名密钥", "Manage signing keys"),
    "td.objections.bundle": ("签名脚本 SHA-256：", "Signing script SHA-256:"),
    "td.objections.none": ("暂无异议。", "No objection."),
    "td.objections.filed_at": ("提出时间", "Filed"),
    "td.objections.due": ("答复期限", "Answer due"),
    "td.objections.answered_at": ("答复时间", "Answered"),
    "td.objections.upheld": ("异议成立", "Upheld"),
    "td.objections.rejected": ("异议不成立", "Not upheld"),
    "td.objections.answer": ("答复内容", "Answer"),
    "td.objections.upheld.check": ("异议成立", "The objection is founded"),
    "td.objections.submit": ("签名并答复", "Sign and answer"),
    "td.objections.no_key": (
        "本浏览器中没有已登记证书的签名密钥：请先在“签名密钥”页面创建或导入。",
        "This browser holds no signing key with a registered certificate: create or "
        "import one on the signing keys page first.",
    ),
    "td.objections.signing": ("正在签名并提交…", "Signing and sending…"),
    "td.objections.failed": ("答复未提交，请重试。", "The answer was not sent; try again."),
}
