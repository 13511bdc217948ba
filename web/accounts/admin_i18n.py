"""Messages of the administrators' pages (/admin/…), Chinese (zh-CN) first, with English.

Keys start with ``ad.``; anything else falls back to the site catalogue (web/i18n.py:
role names ``role.*``, the layout). Issue 15, item 3.
"""

from __future__ import annotations

from web import i18n
from web.feature_texts import FeatureCatalogue

_CATALOGUE: dict[str, tuple[str, str]] = {
    "ad.nav.users": ("用户", "Users"),
    "ad.nav.role_changes": ("管理员角色变更审批", "Administrator role approvals"),
    "ad.nav.roles": ("角色授权", "Role grants"),
    "ad.nav.permissions": ("权限表", "Permissions"),
    "ad.nav.events": ("安全事件", "Security events"),
    "ad.three": (
        "三员分立：系统管理员管理账户，安全管理员授予角色，审计管理员查阅日志；管理员角色的"
        "变更由安全管理员提出，须由系统管理员或审计管理员中的另一人批准后才生效。",
        "Three administrators, three jobs: the system administrator manages accounts, the "
        "security administrator grants roles, the audit administrator reads the logs; a "
        "change of an administrator role, proposed by the security administrator, takes "
        "effect only when another person — the system or the audit administrator — "
        "approves it.",
    ),
    # organisations (system administrator)
    "ad.nav.organisations": ("单位", "Organisations"),
    "ad.orgs.title": ("单位", "Organisations"),
    "ad.orgs.name": ("单位名称", "Name"),
    "ad.orgs.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "ad.orgs.kind": ("类型", "Kind"),
    "ad.orgs.parent": ("上级单位", "Parent"),
    "ad.orgs.parent.none": ("无", "None"),
    "ad.orgs.region": ("行政区划代码（六位，可空）", "Region code (six digits, optional)"),
    "ad.orgs.created": ("登记时间", "Registered"),
    "ad.orgs.create": ("登记单位", "Register an organisation"),
    "ad.orgs.create.hint": (
        "“1+6”：市交易中心无上级，县区分中心的上级是市交易中心；投标人、代理机构、专家"
        "所在单位只能挂在同类单位下。列入黑名单的信用代码不能登记。",
        "The 1+6 structure: a city centre has no parent, a county sub-centre hangs under the "
        "city centre; bidders, agencies and experts' employers only under their own kind. "
        "A blacklisted credit code cannot be registered.",
    ),
    "ad.orgs.create.submit": ("登记", "Register"),
    "ad.done.registered": ("单位已登记。", "The organisation is registered."),
    "ad.orgkind.city_centre": ("市交易中心", "City trading centre"),
    "ad.orgkind.county_centre": ("县区分中心", "County sub-centre"),
    "ad.orgkind.industry_department": ("行业主管部门", "Industry department"),
    "ad.orgkind.agency": ("招标代理机构", "Tendering agency"),
    "ad.orgkind.tenderer": ("招标人", "Tenderer"),
    "ad.orgkind.bidder": ("投标人", "Bidder"),
    "ad.orgkind.expert_employer": ("专家所在单位", "Experts' employer"),
    "ad.orgkind.other": ("其他", "Other"),
    # users (system administrator)
    "ad.users.title": ("用户账户", "User accounts"),
    "ad.users.filter": ("按用户名或姓名筛选", "Filter by username or name"),
    "ad.users.filter.submit": ("筛选", "Filter"),
    "ad.users.none": ("没有符合条件的用户。", "No user matches."),
    "ad.users.username": ("用户名", "Username"),
    "ad.users.name": ("姓名", "Name"),
    "ad.users.organisation": ("单位", "Organisation"),
    "ad.users.roles": ("角色", "Roles"),
    "ad.users.status": ("状态", "Status"),
    "ad.users.created": ("开户时间", "Opened"),
    "ad.users.actions": ("操作", "Actions"),
    "ad.status.active": ("正常", "Active"),
    "ad.status.disabled": ("已停用", "Disabled"),
    "ad.users.disable": ("停用", "Disable"),
    "ad.users.enable": ("启用", "Enable"),
    "ad.users.admin_console": (
        "管理员账户只能由控制台停用",
        "Only the console disables an administrator",
    ),
    "ad.users.create": ("开设用户账户", "Open a user account"),
    "ad.users.create.hint": (
        "用户名 3–64 位小写字母、数字或 . _ -；密码至少 12 位，含两类字符；留空则只能用证书登录。"
        "角色由安全管理员授予。",
        "Username: 3–64 lower-case letters, digits or . _ -; password: at least 12 characters "
        "of two kinds; leave it empty for certificate login only. The security "
        "administrator grants the roles.",
    ),
    "ad.users.password": ("初始密码", "Initial password"),
    "ad.users.create.submit": ("开设账户", "Open the account"),
    "ad.done.created": ("账户已开设。", "The account is open."),
    "ad.done.disabled": (
        "账户已停用，其会话已全部结束。",
        "The account is disabled; its sessions ended.",
    ),
    "ad.done.enabled": ("账户已启用。", "The account is enabled."),
    # role changes (system administrator approves)
    "ad.changes.title": ("管理员角色变更", "Administrator role changes"),
    "ad.changes.pending": ("待批准", "Waiting for approval"),
    "ad.changes.decided": ("已处理", "Decided"),
    "ad.changes.none": ("没有待批准的变更。", "Nothing waits for approval."),
    "ad.changes.change": ("变更", "Change"),
    "ad.changes.grant": ("授予", "Grant"),
    "ad.changes.revoke": ("撤销", "Remove"),
    "ad.changes.user": ("用户", "User"),
    "ad.changes.role": ("角色", "Role"),
    "ad.changes.proposed_by": ("提出人", "Proposed by"),
    "ad.changes.proposed_at": ("提出时间", "Proposed at"),
    "ad.changes.status": ("状态", "Status"),
    "ad.changes.decided_by": ("处理人", "Decided by"),
    "ad.changes.decided_at": ("处理时间", "Decided at"),
    "ad.changes.approve": ("批准", "Approve"),
    "ad.changes.reject": ("驳回", "Reject"),
    "ad.changes.withdraw": ("撤回", "Withdraw"),
    "ad.changes.rule": (
        "提出人和变更所涉用户都不能批准；批准即在同一事务中生效，并记入透明日志。",
        "Neither the proposer nor the user concerned may approve; the approval applies the "
        "change in the same transaction and is logged.",
    ),
    "ad.change.pending": ("待批准", "Pending"),
    "ad.change.approved": ("已批准", "Approved"),
    "ad.change.rejected": ("已驳回", "Rejected"),
    "ad.done.approved": ("已批准，变更已生效。", "Approved: the change is in effect."),
    "ad.done.rejected": ("变更已驳回（撤回）。", "The change is rejected (withdrawn)."),
    # roles (security administrator)
    "ad.roles.title": ("角色授权", "Role grants"),
    "ad.roles.grant": ("授予角色", "Grant a role"),
    "ad.roles.user": ("用户", "User"),
    "ad.roles.role": ("角色", "Role"),
    "ad.roles.scope": (
        "监督范围（行业主管部门，仅监督人员）",
        "Scope (industry department, supervisors only)",
    ),
    "ad.roles.scope.none": ("无", "None"),
    "ad.roles.grant.submit": ("授予", "Grant"),
    "ad.roles.revoke": ("撤销", "Remove"),
    "ad.roles.admin_hint": (
        "系统、安全、审计管理员角色不能直接授予或撤销：提交后成为一项提议，待系统管理员或审计"
        "管理员批准。",
        "Administrator roles are not granted or removed directly: submitting makes a proposal "
        "that the system or the audit administrator approves.",
    ),
    "ad.roles.mine": ("我提出的待批准变更", "My proposals waiting for approval"),
    "ad.done.granted": ("角色已授予。", "The role is granted."),
    "ad.done.revoked": ("角色已撤销。", "The role is removed."),
    "ad.done.proposed": (
        "已提出，待系统管理员或审计管理员批准后生效。",
        "Proposed: it takes effect when the system or the audit administrator approves it.",
    ),
    # witnesses
    "ad.nav.witnesses": ("日志见证方", "Log witnesses"),
    "ad.wit.title": ("透明日志见证方", "Witnesses of the transparency log"),
    "ad.wit.hint": (
        "见证方用自己的 Ed25519 密钥联署日志检查点；平台只登记它的验证公钥（vkey，类型 0x04），"
        "从不持有它的私钥。登记记入透明日志。",
        "A witness cosigns the log's checkpoints with its own Ed25519 key; the platform "
        "registers only its verifier key (vkey, type 0x04) and never holds its private "
        "key. The registration is logged.",
    ),
    "ad.wit.none": ("尚未登记见证方。", "No witness is registered yet."),
    "ad.wit.name": ("名称", "Name"),
    "ad.wit.vkey": ("验证公钥（vkey）", "Verifier key (vkey)"),
    "ad.wit.register": ("登记见证方", "Register a witness"),
    "ad.wit.submit": ("登记", "Register"),
    "ad.done.witness": ("见证方已登记。", "The witness is registered."),
    "ad.kind.log.witness_added": ("登记日志见证方", "Log witness registered"),
    # permissions
    "ad.perm.title": ("权限表", "Permission matrix"),
    "ad.perm.hint": (
        "每项操作：持有该角色，且与对象有所列关系时允许（accounts/permissions.py，docs/api-auth.md）。",
        "Each action is allowed to a holder of the role standing in the listed relation to "
        "the object (accounts/permissions.py, docs/api-auth.md).",
    ),
    "ad.perm.action": ("操作", "Action"),
    "ad.perm.role": ("角色", "Role"),
    "ad.perm.relation": ("关系", "Relation"),
    "ad.perm.anyone": ("任何已登录用户", "Any signed-in user"),
    "ad.rel.any": ("角色即可", "The role is enough"),
    "ad.rel.self": ("本人账户", "Own account"),
    "ad.rel.owner": ("本单位的对象", "Own organisation's object"),
    "ad.rel.tender_agency": ("项目的代理机构", "The tender's agency"),
    "ad.rel.department": ("项目的行业主管部门", "The tender's industry department"),
    "ad.rel.centre": ("承办项目的交易中心", "The centre hosting the tender"),
    "ad.rel.opening_committee": ("该项目开标委员会成员", "A member of its opening committee"),
    "ad.rel.evaluation_committee": ("该项目评标委员会成员", "A member of its evaluation committee"),
    # security events
    "ad.events.title": ("安全事件", "Security events"),
    "ad.events.hint": (
        "拒绝（登录失败、限速、伪造令牌、无权限、CSRF）按分钟、类型、地址和对象计数；平台不锁定"
        "账户，限速即相当于锁定。账户变更（角色、账户、密码、证书）取自透明日志。",
        "Refusals (failed or throttled logins, forged tokens, denied permissions, CSRF) are "
        "counted per minute, kind, address and subject; the platform locks no account — "
        "throttling takes the place of a lockout. Account changes (roles, accounts, "
        "passwords, certificates) come from the transparency log.",
    ),
    "ad.events.kind": ("类型", "Kind"),
    "ad.events.kind.all": ("全部", "All"),
    "ad.events.address": ("网络地址", "Network address"),
    "ad.events.since": ("起始日期（北京时间）", "From (Beijing date)"),
    "ad.events.until": ("截止日期（含，北京时间）", "Until (inclusive, Beijing date)"),
    "ad.events.filter": ("筛选", "Filter"),
    "ad.events.totals": ("合计", "Totals"),
    "ad.events.refusals": ("被拒绝的请求", "Refused requests"),
    "ad.events.minute": ("时间（分钟）", "Minute"),
    "ad.events.subject": ("对象", "Subject"),
    "ad.events.count": ("次数", "Count"),
    "ad.events.summarised": ("已汇总入日志", "Summarised into the log"),
    "ad.events.yes": ("是", "Yes"),
    "ad.events.no": ("否", "No"),
    "ad.events.none": ("没有符合条件的事件。", "No event matches."),
    "ad.events.changes": ("账户与权限变更（透明日志）", "Account and permission changes (log)"),
    "ad.events.index": ("日志序号", "Log index"),
    "ad.events.time": ("时间", "Time"),
    "ad.events.actor": ("操作人", "Actor"),
    "ad.events.data": ("内容", "Data"),
    "ad.events.sign_ins": ("登录记录", "Sign-ins"),
    "ad.events.sign_ins.hint": (
        "取自会话表，包括透明日志不具名的投标人、专家和招标人的登录；类型筛选不适用。",
        "From the session table, including the sign-ins of bidders, experts and tenderers "
        "that the log does not name; the kind filter does not apply.",
    ),
    "ad.events.user": ("用户", "User"),
    "ad.events.organisation": ("单位", "Organisation"),
    "ad.events.session_kind": ("会话类型", "Session kind"),
    "ad.events.ended": ("是否结束", "Ended"),
    "ad.events.session.cookie": ("浏览器", "Browser (cookie)"),
    "ad.events.session.bearer": ("接口令牌", "API (bearer)"),
    "ad.events.ended.logged_out": ("已退出或被撤销", "Logged out or revoked"),
    "ad.events.ended.expired": ("已过期", "Expired"),
    "ad.events.ended.open": ("未结束", "Open"),
    "ad.kind.auth.login_failed": ("登录失败", "Failed login"),
    "ad.kind.auth.login_throttled": (
        "登录限速（同一用户名与地址）",
        "Login throttled (username and address)",
    ),
    "ad.kind.auth.login_rate_limited": ("登录限流（同一地址）", "Login rate-limited (address)"),
    "ad.kind.auth.token_invalid": ("伪造或错用的令牌", "Forged or misused token"),
    "ad.kind.auth.permission_denied": ("无权限", "Permission denied"),
    "ad.kind.auth.csrf_refused": ("CSRF 令牌错误", "CSRF token refused"),
    "ad.kind.auth.role_granted": ("授予角色", "Role granted"),
    "ad.kind.auth.role_revoked": ("撤销角色", "Role removed"),
    "ad.kind.auth.role_change_proposed": (
        "提出管理员角色变更",
        "Administrator role change proposed",
    ),
    "ad.kind.auth.role_change_approved": (
        "批准管理员角色变更",
        "Administrator role change approved",
    ),
    "ad.kind.auth.role_change_rejected": (
        "驳回管理员角色变更",
        "Administrator role change rejected",
    ),
    "ad.kind.account.user_created": ("开设账户", "Account opened"),
    "ad.kind.account.user_disabled": ("停用账户", "Account disabled"),
    "ad.kind.account.user_enabled": ("启用账户", "Account enabled"),
    "ad.kind.account.password_changed": ("修改密码", "Password changed"),
    "ad.kind.account.certificate_registered": ("登记签名证书", "Certificate registered"),
    "ad.kind.account.recipient_registered": ("登记加密公钥", "Recipient registered"),
    # errors
    "ad.error.title": ("操作未完成", "Not done"),
    "ad.back": ("返回", "Back"),
}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n)
translate = _TEXTS.translate
has = _TEXTS.has


catalogue = _TEXTS.catalogue
