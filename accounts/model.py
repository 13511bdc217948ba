"""Organisations, users, roles and the actor every service receives (no I/O).

Organisations form a tree (DESIGN.md, "Who uses it"): the city centre, its county
sub-centres ("1+6"), industry departments, agencies, tenderers, bidders and expert
employers. A user belongs to one organisation and holds role grants; the three
administrator roles are split between different people (三员分立), which the database
enforces too (0001, ``role_grants_one_admin_idx``).
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from accounts.errors import (
    AdminRolesSeparated,
    CursorInvalid,
    DisplayNameInvalid,
    NaiveDatetimeRefused,
    OrganisationNameInvalid,
    ParentOrganisationInvalid,
    RegionInvalid,
    RoleOrganisationMismatch,
    RoleScopeInvalid,
    UsernameInvalid,
)


class OrgKind(enum.StrEnum):
    """Kinds of organisation in the tree."""

    CITY_CENTRE = "city_centre"
    COUNTY_CENTRE = "county_centre"
    INDUSTRY_DEPARTMENT = "industry_department"
    AGENCY = "agency"
    TENDERER = "tenderer"
    BIDDER = "bidder"
    EXPERT_EMPLOYER = "expert_employer"
    OTHER = "other"


class Role(enum.StrEnum):
    """What a user may be granted (DESIGN.md, "Who uses it")."""

    CENTRE_STAFF = "centre_staff"
    AGENCY = "agency"
    TENDERER = "tenderer"
    BIDDER = "bidder"
    OPENING_OFFICIAL = "opening_official"
    EXPERT = "expert"
    SUPERVISOR = "supervisor"
    WITNESS = "witness"
    SYSTEM_ADMIN = "system_admin"
    SECURITY_ADMIN = "security_admin"
    AUDIT_ADMIN = "audit_admin"


class UserStatus(enum.StrEnum):
    """Whether a user may log in at all."""

    ACTIVE = "active"
    DISABLED = "disabled"


# 三员分立: system, security and audit administration are held by different people.
ADMIN_ROLES: frozenset[Role] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles whose acts the public log names only by a commitment before their time (docs/
# audit-log.md §1.3): a drawn expert until the result opens the list; a bidder — bidding,
# withdrawing, downloading the documents, objecting, complaining, registering for a
# listing — until the deadline or decision; a tenderer's user seated as its
# representative on a committee (evaluation/sessions/journal.py) until the list opens.
# An account holding one of them is not named
# by its own account entries either (login, logout, key registrations, its own password
# change): one right before such an act would name who acted (issue 9, item 3; the
# outside tester's finding F1, session 16). Expert first: it was hidden first.
HIDDEN_ROLES: tuple[Role, ...] = (Role.EXPERT, Role.BIDDER, Role.TENDERER)


def hidden_role(roles: Iterable[Role]) -> Role | None:
    """The role an account's own entries name instead of its id, if it holds one of
    :data:`HIDDEN_ROLES`; None if the log names it in clear."""
    held = set(roles)
    return next((role for role in HIDDEN_ROLES if role in held), None)


# "1+6": a county sub-centre hangs under the city centre; a city centre is a root.
# Other kinds may stand alone or hang under the listed kinds.
PARENT_KINDS: dict[OrgKind, frozenset[OrgKind]] = {
    OrgKind.CITY_CENTRE: frozenset(),
    OrgKind.COUNTY_CENTRE: frozenset({OrgKind.CITY_CENTRE}),
    OrgKind.INDUSTRY_DEPARTMENT: frozenset({OrgKind.INDUSTRY_DEPARTMENT}),
    OrgKind.AGENCY: frozenset({OrgKind.AGENCY}),
    OrgKind.TENDERER: frozenset({OrgKind.TENDERER, OrgKind.INDUSTRY_DEPARTMENT}),
    OrgKind.BIDDER: frozenset({OrgKind.BIDDER}),
    OrgKind.EXPERT_EMPLOYER: frozenset({OrgKind.EXPERT_EMPLOYER}),
    OrgKind.OTHER: frozenset(OrgKind),
}
PARENT_REQUIRED: frozenset[OrgKind] = frozenset({OrgKind.COUNTY_CENTRE})

_CENTRES = frozenset({OrgKind.CITY_CENTRE, OrgKind.COUNTY_CENTRE})
# Roles that act for the user's own organisation, which must be of these kinds.
# Roles not listed (officials, experts, witnesses) may come from anywhere. A supervisor
# is a civil servant of an industry department (行政监督): never a user of a bidder, an
# agency or a tenderer, who would read its competitors' alerts and bids (outside tester).
ROLE_ORG_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.SUPERVISOR: frozenset({OrgKind.INDUSTRY_DEPARTMENT}),
    Role.CENTRE_STAFF: _CENTRES,
    Role.AGENCY: frozenset({OrgKind.AGENCY}),
    Role.TENDERER: frozenset({OrgKind.TENDERER}),
    Role.BIDDER: frozenset({OrgKind.BIDDER}),
    Role.SYSTEM_ADMIN: _CENTRES,
    Role.SECURITY_ADMIN: _CENTRES,
    Role.AUDIT_ADMIN: _CENTRES,
}
# Roles that act for another organisation, named by the grant's scope (0001 CHECK).
ROLE_SCOPE_KINDS: dict[Role, OrgKind] = {Role.SUPERVISOR: OrgKind.INDUSTRY_DEPARTMENT}

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
REGION = re.compile(r"(?:[0-9]{6})?")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Organisation:
    """One node of the organisation tree."""

    id: UUID
    credit_code: str
    name: str
    kind: OrgKind
    parent_id: UUID | None
    region: str
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class User:
    """A person with an account; never holds the password hash."""

    id: UUID
    organisation_id: UUID
    username: str
    display_name: str
    status: UserStatus
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Credentials:
    """What a login is checked against; the hash stays out of repr and logs."""

    user: User
    password_hash: str | None = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RoleGrant:
    """One active role of a user; ``scope_id`` names the organisation it acts for."""

    role: Role
    scope_id: UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    """The authenticated user making a request: what every service receives."""

    user_id: UUID
    organisation_id: UUID
    username: str
    display_name: str
    grants: frozenset[RoleGrant]
    address: str | None = None
    session_id: UUID | None = None

    @property
    def roles(self) -> frozenset[Role]:
        """Every role the actor holds, whatever its scope."""
        return frozenset(grant.role for grant in self.grants)

    def has_role(self, role: Role) -> bool:
        """Whether the actor holds ``role`` at all."""
        return any(grant.role is role for grant in self.grants)

    def acting_for(self, role: Role) -> frozenset[UUID]:
        """Organisations the actor acts for in ``role``: the scope, else its own."""
        return frozenset(
            grant.scope_id or self.organisation_id for grant in self.grants if grant.role is role
        )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ConsoleOperator:
    """Whoever runs the ``etender`` command on the server (bootstrap, demo data).

    They already hold the database owner's access, so the console is trusted for
    account administration; its changes are logged with the role ``console``.
    """

    name: str


def require_aware(value: datetime) -> datetime:
    """Refuse naive datetimes (STYLE.md 3)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeRefused("datetimes must be timezone-aware")
    return value


def check_username(username: str) -> str:
    """A username as the database's CHECK allows it (lower case, 3–64 characters)."""
    if not USERNAME.fullmatch(username):
        raise UsernameInvalid(
            "a username is 3–64 characters of a–z, 0–9, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return username


def is_one_line_text(value: str, limit: int) -> bool:
    """The platform's rule for one-line names (display and organisation names, device
    labels): 1–``limit`` characters counted in code points, no surrounding white space
    (so not only spaces), and nothing of Unicode category C — no control character (Cc:
    C0, DEL, C1), no format character (Cf: bidi overrides and isolates U+202A–U+202E,
    U+2066–U+2069, zero-width spaces: nothing invisible), no unassigned or private-use."""
    text = value.strip()
    printable = all(unicodedata.category(ch)[0] != "C" for ch in text)
    return 1 <= len(text) <= limit and printable and text == value


def check_display_name(name: str) -> str:
    """A display name: 1–100 printable characters without surrounding spaces."""
    if not is_one_line_text(name, 100):
        raise DisplayNameInvalid("a display name is 1–100 printable characters")
    return name


def check_organisation_name(name: str) -> str:
    """An organisation name: 1–200 printable characters without surrounding spaces."""
    if not is_one_line_text(name, 200):
        raise OrganisationNameInvalid("an organisation name is 1–200 printable characters")
    return name


def check_region(region: str) -> str:
    """Empty, or a six-digit GB/T 2260 administrative division code."""
    if not REGION.fullmatch(region):
        raise RegionInvalid("a region is a six-digit GB/T 2260 code, or empty")
    return region


def check_parent(kind: OrgKind, parent: Organisation | None) -> None:
    """The tree rules: which kinds may hang under which ("1+6")."""
    if parent is None:
        if kind in PARENT_REQUIRED:
            raise ParentOrganisationInvalid(f"a {kind} needs a parent organisation")
        return
    if parent.kind not in PARENT_KINDS[kind]:
        raise ParentOrganisationInvalid(f"a {kind} cannot hang under a {parent.kind}")


def check_grant(
    role: Role,
    *,
    user_org: Organisation,
    scope: Organisation | None,
    held: Iterable[Role],
) -> None:
    """Whether ``role`` may be granted to a user of ``user_org`` who holds ``held``."""
    allowed = ROLE_ORG_KINDS.get(role)
    if allowed is not None and user_org.kind not in allowed:
        raise RoleOrganisationMismatch(
            f"the {role} role needs a user of a {' or '.join(sorted(allowed))} organisation"
        )
    wanted = ROLE_SCOPE_KINDS.get(role)
    if wanted is None and scope is not None:
        raise RoleScopeInvalid(f"the {role} role takes no scope")
    if wanted is not None and (scope is None or scope.kind is not wanted):
        raise RoleScopeInvalid(f"the {role} role needs the scope of an {wanted}")
    if role in ADMIN_ROLES:
        others = ADMIN_ROLES.intersection(held) - {role}
        if others:
            raise AdminRolesSeparated(
                f"三员分立: this user already holds {', '.join(sorted(others))}"
            )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OrganisationPage:
    """One page of organisations and the cursor of the next, if there is more."""

    items: tuple[Organisation, ...]
    next_cursor: str | None


def encode_cursor(created_at: datetime, row_id: UUID) -> str:
    """An opaque keyset cursor for the row after which the next page starts."""
    raw = f"{require_aware(created_at).isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The position a cursor names; anything this server did not issue is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, row_id = raw.partition("|")
        position = datetime.fromisoformat(stamp), UUID(row_id)
    except ValueError:  # bad base64, UTF-8, timestamp or UUID alike
        raise CursorInvalid("the cursor is not one this server issued") from None
    if position[0].tzinfo is None:
        raise CursorInvalid("the cursor is not one this server issued")
    return position
