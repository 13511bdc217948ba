"""The message catalogue of the web pages, Chinese (zh-CN) first, with English.

Messages are data: one key, one text per language. The language comes from the
``lang`` cookie, set by the switch link in every page's header; without it, pages
are in Chinese. A missing translation is a test failure, never a blank page.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from starlette.requests import Request

LANG_COOKIE = "lang"
DEFAULT_LANG = "zh-CN"
LANGUAGES: Mapping[str, str] = MappingProxyType({"zh-CN": "中文", "en": "English"})

_CATALOGUE: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "site.name": ("宣城市公共资源电子交易平台", "Xuancheng Public Resource e-Trading Platform"),
    "site.tagline": (
        "平台之外无交易：招标、投标、开标、评标全流程电子化",
        "Every transaction on one platform: tendering, bidding, opening and evaluation online",
    ),
    "nav.home": ("首页", "Home"),
    "nav.workspace": ("我的工作台", "My workspace"),
    "nav.notifications": ("通知设置", "Notifications"),
    "nav.login": ("登录", "Sign in"),
    "nav.logout": ("退出", "Sign out"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "nav.language": ("语言", "Language"),
    "public.notices": ("交易公告", "Notices"),
    "public.notices.body": (
        "招标公告、开标记录、中标候选人公示和结果公告在此公开发布。",
        "Tender notices, opening records, candidate publicity and award notices are "
        "published here.",
    ),
    "public.notices.current": ("最新招标公告", "Current notices"),
    "public.results": ("最新结果公示", "Recent results"),
    "public.none": ("暂无。", "None yet."),
    "public.notices.all": ("全部公告", "All notices"),
    "public.deadline": ("投标截止", "Deadline"),
    "public.disclosure": ("信息公开", "Disclosure"),
    "public.stage.candidates": ("中标候选人公示", "Candidates publicised"),
    "public.stage.result": ("中标结果", "Result"),
    "public.stage.failed": ("流标", "Failed"),
    "public.stage.cancelled": ("终止", "Cancelled"),
    "public.stages": ("各阶段的项目", "A tender at every stage"),
    "public.stages.body": (
        "从发布公告到定标，每个阶段最新的一个项目：点开即可查看该阶段公开的信息。",
        "From the notice to the award, the newest tender at each stage: open one to see "
        "what that stage makes public.",
    ),
    "public.stages.open_for_bids": ("正在投标", "Open for bids"),
    "public.stages.opening_today": ("今日开标", "Opening today"),
    "public.stages.evaluation": ("评标中", "In evaluation"),
    "public.stages.candidates": ("中标候选人公示中", "Candidates published"),
    "public.stages.awarded": ("已定标", "Awarded"),
    "public.open_data": ("开放数据", "Open data"),
    "public.open_data.body": (
        "每个项目的 OCDS 1.1 开放数据，任何人均可下载。",
        "OCDS 1.1 open data for every tender, downloadable by anyone.",
    ),
    "public.open_data.feed": (
        "全部项目的发布信息流（OCDS 发布包）",
        "The feed of every tender's releases (OCDS release packages)",
    ),
    "public.credit": ("信用信息", "Credit"),
    "public.credit.body": (
        "市场主体红黑名单（含依据与期限）及代理机构服务质量考核结果。",
        "The red and black lists of market parties, with their basis and term, and the "
        "agencies' service-quality assessments.",
    ),
    "public.credit.link": ("红黑名单", "Red and black lists"),
    "public.assessments.link": ("代理机构考核结果", "Agency assessments"),
    "public.log": ("透明日志", "Transparency log"),
    "public.log.body": (
        "平台的每一次状态变更都记入可验证的 Merkle 日志，由独立见证方联署。",
        "Every state change is recorded in a verifiable Merkle log, cosigned by "
        "independent witnesses.",
    ),
    "public.log.link": ("查看最新检查点", "View the latest checkpoint"),
    "public.sign_in_prompt": (
        "交易主体、专家、监督和管理人员请登录后使用。",
        "Parties, experts, supervisors and administrators: please sign in.",
    ),
    "status.coming_soon": ("即将推出", "Coming soon"),
    "status.available": ("可用", "Available"),
    "status.api_only": (
        "已可通过接口使用，页面即将推出",
        "Available through the API; page coming soon",
    ),
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.hint": (
        "同一网络地址连续 3 次密码错误后，需等待片刻才能再试，等待时间逐次加倍。",
        "After 3 wrong passwords from one address, each further try waits, twice as long "
        "each time.",
    ),
    "error.title": ("出错了", "Something went wrong"),
    "errorpage.heading.401": ("请先登录", "Please sign in"),
    "errorpage.heading.403": ("没有权限", "Not allowed"),
    "errorpage.heading.404": ("找不到页面", "Page not found"),
    "errorpage.heading.405": ("无法以这种方式访问", "Not available this way"),
    "errorpage.heading.500": ("服务暂时出错", "Something went wrong on our side"),
    "errorpage.code": ("错误代码", "Error code"),
    "errorpage.request_id": ("请求编号", "Request id"),
    "error.credentials_invalid": ("用户名或密码错误。", "The username or password is wrong."),
    "error.login_throttled": (
        "该用户名在您所在网络地址的密码错误次数过多，请稍候再试。",
        "Too many wrong passwords for this username from your address. Wait a little and "
        "try again.",
    ),
    "error.login_rate_limited": (
        "您所在网络地址的登录失败次数过多，请一两分钟后再试。",
        "Too many failed sign-ins from your network address. Try again in a minute or two.",
    ),
    "error.csrf_token_invalid": (
        "页面已过期，请刷新后重新提交。",
        "This page has expired. Reload it and submit again.",
    ),
    "error.request_invalid": ("请填写用户名和密码。", "Enter your username and password."),
    "error.session_expired": ("登录已过期，请重新登录。", "Your session has ended. Sign in again."),
    "home.title": ("我的工作台", "My workspace"),
    "home.welcome": ("您好，{name}", "Hello, {name}"),
    "home.organisation": ("所属单位：{org}", "Organisation: {org}"),
    "home.roles": ("角色", "Roles"),
    "home.no_roles": (
        "您的账户尚未分配角色，请联系安全管理员。",
        "Your account has no role yet. Ask the security administrator.",
    ),
    "role.centre_staff": ("交易中心工作人员", "Centre staff"),
    "role.agency": ("招标代理机构", "Tendering agency"),
    "role.tenderer": ("招标人", "Tenderer"),
    "role.bidder": ("投标人", "Bidder"),
    "role.opening_official": ("开标密钥保管人", "Opening official (key holder)"),
    "role.expert": ("评标专家", "Evaluation expert"),
    "role.supervisor": ("行政监督", "Supervisor"),
    "role.witness": ("日志见证方", "Log witness"),
    "role.system_admin": ("系统管理员", "System administrator"),
    "role.security_admin": ("安全管理员", "Security administrator"),
    "role.audit_admin": ("审计管理员", "Audit administrator"),
    "section.opening_hall": ("开标大厅", "Opening hall"),
    "section.opening_hall.body": (
        "主持在线开标，实时查看每份投标的解密状态。",
        "Host online openings and watch every bid's decryption live.",
    ),
    "section.evaluation_desk": ("评标会议", "Evaluation sessions"),
    "section.evaluation_desk.body": (
        "主持评标会议：签到与身份核验、开始、暂停与更换；副场核验身份并报告故障。",
        "Host evaluation sessions: sign-in and identity checks, start, pauses and "
        "replacements; assisting venues check identities and report faults.",
    ),
    "section.draw_operate": ("专家抽取", "Expert draws"),
    "section.draw_operate.body": (
        "按代理机构的申请设定条件并执行抽取；操作人员无法浏览专家库。",
        "Set conditions from the agency's request and run the draw; operators cannot "
        "browse the pool.",
    ),
    "section.venues": ("场地安排", "Venues"),
    "section.venues.body": (
        "安排主场与副场，支持远程异地评标。",
        "Arrange main and assisting venues for remote cross-city evaluation.",
    ),
    "section.centre_tenders": ("开标委员会与保证金", "Committees and bonds"),
    "section.centre_tenders.body": (
        "为本中心项目委派开标委员会、登记和退还投标保证金，并进入各标段开标大厅。",
        "Appoint the opening committees of your centre's tenders, record and refund bid "
        "bonds, and enter each lot's opening hall.",
    ),
    "section.committee_approval": ("确认开标委员会", "Approve opening committees"),
    "section.committee_approval.body": (
        "核对交易中心委派的开标委员会名单并确认，查阅保证金，观看开标。",
        "Check and approve the committees the centre appointed, read bonds, watch openings.",
    ),
    "section.tenders": ("招标项目", "Tenders"),
    "section.tenders.body": (
        "创建并发布招标项目、招标文件、澄清与修改。",
        "Create and publish tenders, documents, clarifications and amendments.",
    ),
    "section.draw_request": ("申请抽取专家", "Request an expert draw"),
    "section.draw_request.body": (
        "为项目申请随机抽取评标专家。",
        "Request a random draw of evaluation experts for a tender.",
    ),
    "section.objections": ("异议答复", "Objections"),
    "section.objections.body": (
        "答复投标人提出的异议，发布结果公告。",
        "Answer bidders' objections and publish results.",
    ),
    "section.my_tenders": ("本单位项目", "Our tenders"),
    "section.my_tenders.body": (
        "查看本单位委托的招标项目进展与结果。",
        "Follow the progress and results of the tenders you commissioned.",
    ),
    "section.documents": ("下载招标文件", "Download documents"),
    "section.documents.body": (
        "在线下载已发布项目的招标文件。",
        "Download the documents of published tenders online.",
    ),
    "section.bids": ("我的投标", "My bids"),
    "section.bids.body": (
        "在您的浏览器中（或用命令行）加密封装投标文件，上传、签名提交并取得签名回执；"
        "开标时自行解密，确认开标记录或提出异议。",
        "Seal your bid in your browser (or with the command line), upload it, submit it "
        "signed and keep the signed receipts; at the opening, decrypt your own bid and "
        "confirm the record or object to it.",
    ),
    "section.results": ("开标与结果", "Openings and results"),
    "section.results.body": (
        "本单位每个标段的开标、中标候选人排名与中标（结果）通知书。",
        "Each lot you bid on: its opening, your published rank, and your award or result notice.",
    ),
    "section.shares": ("释放密钥份额", "Release key shares"),
    "section.shares.body": (
        "截止时间后，为所在开标委员会的项目释放您的密钥份额。",
        "After the deadline, release your key share for tenders of your committees.",
    ),
    "section.availability": ("可参加时间", "Availability"),
    "section.availability.body": (
        "维护可参加评标的时间，确认抽取通知。",
        "Keep your availability up to date and confirm draw notices.",
    ),
    "section.invitations": ("抽取通知", "Draw invitations"),
    "section.invitations.body": (
        "查看抽取通知，签名确认或谢绝参加评标。",
        "See draw notices and confirm or decline them with your signature.",
    ),
    "section.evaluation": ("在线评标", "Live evaluation"),
    "section.evaluation.body": (
        "签到、回避声明、独立评分并签署评标报告。",
        "Sign in, declare conflicts, score independently and sign the report.",
    ),
    "section.signing_keys": ("签名密钥", "Signing keys"),
    "section.signing_keys.body": (
        "在本浏览器中创建或导入签名密钥，登记证书，查看签名记录。",
        "Make or import a signing key in this browser, register its certificate, see its "
        "signatures.",
    ),
    "section.entropy": ("抽取随机数", "Draw entropy"),
    "section.entropy.body": (
        "为本部门监督的项目提供抽取随机数，核验抽取结果。",
        "Contribute draw entropy for your department's tenders and verify draws.",
    ),
    "section.pool": ("专家库", "Expert pool"),
    "section.pool.body": (
        "查询评标专家库，导入专家，维护专家状态。",
        "Search the expert pool, import experts and keep their status.",
    ),
    "section.watch": ("实时监督", "Live supervision"),
    "section.watch.body": (
        "旁听开标与评标，提交监督记录。",
        "Watch openings and evaluation sessions live and file supervision records.",
    ),
    "section.records": ("代理机构记录", "Agency records"),
    "section.records.body": (
        "代理机构登记、从业人员、检查与发现问题、服务质量考核结果。",
        "Agency registrations, staff, inspections and findings, service-quality assessments.",
    ),
    "section.alerts": ("预警", "Alerts"),
    "section.alerts.body": (
        "串通投标迹象、程序时限与专家异常预警：确认、升级、处理。",
        "Collusion indicators, deadlines and expert outliers: acknowledge, escalate, resolve.",
    ),
    "section.complaints": ("投诉处理", "Complaints"),
    "section.complaints.body": (
        "受理或不予受理投诉，暂停程序，在法定工作日内作出处理决定。",
        "Accept or refuse complaints, suspend the procedure, decide within the working days "
        "the rules allow.",
    ),
    "section.credit": ("市场主体与信用", "Market parties and credit"),
    "section.credit.body": (
        "市场主体信息库、违法违规记录、红黑名单及其申诉。",
        "The registry of market parties, violations, red and black lists and their appeals.",
    ),
    "section.statistics": ("统计分析", "Statistics"),
    "section.statistics.body": (
        "交易量、节资率、招标周期、远程评标占比、专家使用与代理机构得分。",
        "Volumes, savings, durations, remote evaluation, expert usage and agency scores.",
    ),
    "section.agencies_register": ("代理机构登记", "Agency register"),
    "section.agencies_register.body": (
        "登记代理机构及其从业人员，发布服务质量考核结果。",
        "Register agencies and their staff; publish service-quality assessments.",
    ),
    "section.my_complaints": ("我的投诉", "My complaints"),
    "section.my_complaints.body": (
        "异议答复后仍有争议的，可向行政监督部门投诉并跟踪处理进度。",
        "After an objection's answer, complain to the supervising department and follow it.",
    ),
    "section.cosign": ("联署检查点", "Cosign checkpoints"),
    "section.cosign.body": (
        "运行独立的见证进程（etender witness），校验并联署日志检查点。",
        "Run the independent witness process (etender witness) to verify and cosign checkpoints.",
    ),
    "section.accounts": ("单位与用户", "Organisations and users"),
    "section.accounts.body": (
        "登记单位（统一社会信用代码）、开设用户账户。",
        "Register organisations (unified social credit code) and open user accounts.",
    ),
    "section.permissions": ("角色授权", "Role grants"),
    "section.permissions.body": (
        "授予和撤销用户角色；三员分立，任何人不得兼任两个管理员角色。",
        "Grant and revoke roles; no one may hold two administrator roles.",
    ),
    "section.keys": ("见证方与密钥", "Witnesses and keys"),
    "section.keys.body": (
        "登记日志见证方的公钥。",
        "Register the public keys of log witnesses.",
    ),
    "section.audit_log": ("审计日志", "Audit log"),
    "section.audit_log.body": (
        "查阅透明日志与安全事件汇总。",
        "Read the transparency log and summaries of security events.",
    ),
    "section.log_checkpoints": ("检查点与见证方", "Checkpoints and witnesses"),
    "section.log_checkpoints.body": (
        "查看日志检查点的签名、各见证方的联署及其验证结果。",
        "See the log's checkpoints, their signatures and each witness's cosignature, verified.",
    ),
    "section.role_approvals": ("管理员角色变更审批", "Administrator role approvals"),
    "section.role_approvals.body": (
        "批准或驳回安全管理员提出的管理员角色变更（双人规则）。",
        "Approve or reject the administrator role changes the security administrator "
        "proposed (two-person rule).",
    ),
    "section.security_events": ("安全事件", "Security events"),
    "section.security_events.body": (
        "按类型、地址和日期查看登录失败、限速、无权限等拒绝，以及角色、账户和证书的变更。",
        "Failed and throttled logins, denied permissions and other refusals, and changes "
        "of roles, accounts and certificates, filtered by kind, address and date.",
    ),
}

_INDEX = {lang: i for i, lang in enumerate(LANGUAGES)}


def languages() -> tuple[str, ...]:
    """The supported languages, default first."""
    return tuple(LANGUAGES)


def negotiate(request: Request) -> str:
    """The page language: the ``lang`` cookie if supported, else Chinese."""
    wanted = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return wanted if wanted in LANGUAGES else DEFAULT_LANG


def translate(lang: str, key: str, **params: str) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` parameters filled in."""
    text = _CATALOGUE[key][_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in _CATALOGUE


def keys() -> frozenset[str]:
    """Every key of the catalogue."""
    return frozenset(_CATALOGUE)


def catalogue() -> Mapping[str, tuple[str, str]]:
    """The whole catalogue (for tests and translators)."""
    return MappingProxyType(_CATALOGUE)
