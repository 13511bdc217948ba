"""Demo data: the "1+6" centres, market parties, officials, supervisors and 30 experts.

Loading is idempotent: the city centre's credit code marks a loaded demo, and a second
run changes nothing. Everything is created through the accounts service in one
transaction, so every organisation, user and role grant has its log entry, and a
failed load leaves nothing behind. Passwords are generated at load, hashed, and
returned once for printing; they are never stored in clear.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

import asyncpg

from accounts import credit_code
from accounts.errors import CreditCodeTaken
from accounts.model import ConsoleOperator, Organisation, OrgKind, Role
from accounts.organisations import queries as organisation_queries
from accounts.organisations import service as organisations
from accounts.passwords import generate_password
from accounts.users import service as users
from expert_pool.regions import DEFAULT_REGIONS, Region, RegionKind

# A fixed seed gives the same credit codes on every machine, so "already loaded" is
# decided by the city centre's code alone.
SEED = "etender-demo-v1"
CITY_REGION = DEFAULT_REGIONS.home_city
EXPERTS = 30

BIDDERS: Sequence[tuple[str, str]] = (
    ("宣城建工集团有限公司", "341802"),
    ("安徽敬亭建设有限公司", "341802"),
    ("宁国市宏达路桥工程有限公司", "341881"),
    ("广德市安泰建筑工程有限公司", "341882"),
    ("绩溪县徽源市政工程有限公司", "341824"),
)
EMPLOYER_SUFFIXES = (
    "建筑设计研究院",
    "水利水电勘测设计院",
    "交通规划设计院",
    "工程造价咨询中心",
    "市政工程质量检测站",
    "建筑工程管理站",
    "职业技术学院",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = ("建国", "志强", "海燕", "伟", "静", "晓明", "丽华", "军", "敏", "国庆", "红梅")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoLogin:
    """One demo account to print: shown once, at first load."""

    username: str
    password: str = dataclasses.field(repr=False)
    display_name: str
    roles: tuple[Role, ...]
    organisation: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoResult:
    """What a demo run did: nothing (already loaded) or what it created."""

    created: bool
    organisations: int = 0
    logins: tuple[DemoLogin, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OrgSpec:
    """An organisation of the demo, by a local key."""

    key: str
    name: str
    kind: OrgKind
    region: str = CITY_REGION
    parent: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class UserSpec:
    """A user of the demo: organisation key, roles, and the scope key of scoped roles."""

    username: str
    display_name: str
    org: str
    roles: tuple[Role, ...]
    scope: str | None = None


def local_units() -> list[Region]:
    """The home city's districts and counties, by code."""
    return sorted(DEFAULT_REGIONS.local_units(), key=lambda unit: unit.code)


def organisation_specs() -> list[OrgSpec]:
    """Every demo organisation, parents before children."""
    counties = [unit for unit in local_units() if unit.kind is RegionKind.COUNTY]
    employers = zip(local_units(), EMPLOYER_SUFFIXES, strict=True)
    return [
        OrgSpec(key="city", name="宣城市公共资源交易中心", kind=OrgKind.CITY_CENTRE),
        *(
            OrgSpec(
                key=f"county-{unit.code}",
                name=f"{unit.name_zh}公共资源交易分中心",
                kind=OrgKind.COUNTY_CENTRE,
                region=unit.code,
                parent="city",
            )
            for unit in counties
        ),
        OrgSpec(key="dept", name="宣城市住房和城乡建设局", kind=OrgKind.INDUSTRY_DEPARTMENT),
        OrgSpec(key="agency", name="安徽宣城建设工程招标代理有限公司", kind=OrgKind.AGENCY),
        OrgSpec(key="tenderer", name="宣城市城市建设投资有限公司", kind=OrgKind.TENDERER),
        *(
            OrgSpec(key=f"bidder{i}", name=name, kind=OrgKind.BIDDER, region=region)
            for i, (name, region) in enumerate(BIDDERS, start=1)
        ),
        *(
            OrgSpec(
                key=f"employer-{unit.code}",
                name=f"{unit.name_zh}{suffix}",
                kind=OrgKind.EXPERT_EMPLOYER,
                region=unit.code,
            )
            for unit, suffix in employers
        ),
        # Two more tenderers (no login: the agency acts for them), last so that every
        # code above stays as it was. The demo's tenders evaluated for real are theirs:
        # an expert serves the same tenderer once in 30 days (the pool's cool-off), so
        # one tenderer's tenders would soon run out of local experts to draw.
        *(
            OrgSpec(key=key, name=name, kind=OrgKind.TENDERER)
            for key, name in (
                ("tenderer2", "宣城市交通投资集团有限公司"),
                ("tenderer3", "宣城市水务集团有限公司"),
            )
        ),
    ]


def _person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN_NAMES[(i * 7) % len(GIVEN_NAMES)]


def user_specs() -> list[UserSpec]:
    """Every demo user (DESIGN.md, "Who uses it")."""
    r = Role
    first_county = f"county-{next(u.code for u in local_units() if u.kind is RegionKind.COUNTY)}"
    last_county = f"county-{local_units()[-1].code}"
    people = [
        UserSpec(username="centre.staff", display_name="张明", org="city", roles=(r.CENTRE_STAFF,)),
        UserSpec(
            username="county.staff", display_name="李芳", org=first_county, roles=(r.CENTRE_STAFF,)
        ),
        UserSpec(username="agency", display_name="王涛", org="agency", roles=(r.AGENCY,)),
        UserSpec(username="tenderer", display_name="赵磊", org="tenderer", roles=(r.TENDERER,)),
        *(
            UserSpec(
                username=f"bidder{i}", display_name=_person(i), org=f"bidder{i}", roles=(r.BIDDER,)
            )
            for i in range(1, len(BIDDERS) + 1)
        ),
        # Officials come from at least two organisations, never the agency (DESIGN.md).
        UserSpec(
            username="official1", display_name="陈静", org="city", roles=(r.OPENING_OFFICIAL,)
        ),
        UserSpec(
            username="official2", display_name="周伟", org="city", roles=(r.OPENING_OFFICIAL,)
        ),
        UserSpec(
            username="official3", display_name="吴敏", org="dept", roles=(r.OPENING_OFFICIAL,)
        ),
        *(
            UserSpec(
                username=f"supervisor{i}",
                display_name=name,
                org="dept",
                roles=(r.SUPERVISOR,),
                scope="dept",
            )
            for i, name in ((1, "孙建国"), (2, "马丽华"))
        ),
        UserSpec(username="witness", display_name="胡立新", org=last_county, roles=(r.WITNESS,)),
        UserSpec(username="sysadmin", display_name="郭强", org="city", roles=(r.SYSTEM_ADMIN,)),
        UserSpec(username="secadmin", display_name="何平", org="city", roles=(r.SECURITY_ADMIN,)),
        UserSpec(username="auditadmin", display_name="林红", org="city", roles=(r.AUDIT_ADMIN,)),
    ]
    units = local_units()
    people += [
        UserSpec(
            username=f"expert{i:02d}",
            display_name=_person(i + 20),
            org=f"employer-{units[(i - 1) % len(units)].code}",
            roles=(r.EXPERT,),
        )
        for i in range(1, EXPERTS + 1)
    ]
    return people


def credit_codes() -> dict[str, str]:
    """The fixed credit code of each demo organisation."""
    rng = random.Random(SEED)  # noqa: S311 (demo identifiers, not secrets)
    return {
        spec.key: credit_code.generate(rng, region=spec.region) for spec in organisation_specs()
    }


async def is_loaded(conn: asyncpg.Connection) -> bool:
    """Whether the demo's city centre already exists."""
    return await organisation_queries.organisation_by_code(conn, credit_codes()["city"]) is not None


async def _create_organisations(
    conn: asyncpg.Connection, operator: ConsoleOperator
) -> dict[str, Organisation]:
    codes = credit_codes()
    made: dict[str, Organisation] = {}
    for spec in organisation_specs():
        made[spec.key] = await organisations.create_organisation(
            conn,
            operator,
            credit_code=codes[spec.key],
            name=spec.name,
            kind=spec.kind,
            parent_id=made[spec.parent].id if spec.parent else None,
            region=spec.region,
        )
    return made


async def _create_user(
    conn: asyncpg.Connection,
    operator: ConsoleOperator,
    spec: UserSpec,
    orgs: dict[str, Organisation],
) -> DemoLogin:
    password = generate_password()
    user = await users.create_user(
        conn,
        operator,
        organisation_id=orgs[spec.org].id,
        username=spec.username,
        display_name=spec.display_name,
        password=password,
    )
    scope_id = orgs[spec.scope].id if spec.scope else None
    for role in spec.roles:
        await users.grant_role(conn, operator, user_id=user.id, role=role, scope_id=scope_id)
    return DemoLogin(
        username=spec.username,
        password=password,
        display_name=spec.display_name,
        roles=spec.roles,
        organisation=orgs[spec.org].name,
    )


async def load_demo(conn: asyncpg.Connection, operator: ConsoleOperator) -> DemoResult:
    """Load the demo once; a second call changes nothing and says so."""
    if await is_loaded(conn):
        return DemoResult(created=False)
    try:
        # One transaction (it holds the log's append lock for a few seconds of password
        # hashing; fine for a one-off load). A concurrent second load trips over the
        # first one's credit codes and rolls back entirely.
        async with conn.transaction():
            orgs = await _create_organisations(conn, operator)
            logins = [await _create_user(conn, operator, spec, orgs) for spec in user_specs()]
    except CreditCodeTaken:
        return DemoResult(created=False)
    return DemoResult(created=True, organisations=len(orgs), logins=tuple(logins))


async def reset_passwords(conn: asyncpg.Connection, operator: ConsoleOperator) -> DemoResult:
    """New passwords for every demo account (for someone who lost the first printout)."""
    if not await is_loaded(conn):
        return DemoResult(created=False)
    logins = []
    async with conn.transaction():
        for spec in user_specs():
            user = await users.user_by_username(conn, spec.username)
            password = generate_password()
            await users.set_password(conn, operator, user_id=user.id, password=password)
            organisation = await organisations.get_organisation(conn, user.organisation_id)
            logins.append(
                DemoLogin(
                    username=spec.username,
                    password=password,
                    display_name=spec.display_name,
                    roles=spec.roles,
                    organisation=organisation.name,
                )
            )
    return DemoResult(created=True, organisations=0, logins=tuple(logins))
