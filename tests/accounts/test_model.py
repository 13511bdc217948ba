"""Organisations, users, role grants and actors (pure rules)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from accounts import errors
from accounts.model import (
    Actor,
    Credentials,
    Organisation,
    OrgKind,
    Role,
    RoleGrant,
    User,
    UserStatus,
    check_display_name,
    check_grant,
    check_organisation_name,
    check_parent,
    check_region,
    check_username,
    decode_cursor,
    encode_cursor,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def org(kind: OrgKind) -> Organisation:
    return Organisation(
        id=uuid.uuid4(),
        credit_code="91350100M000100Y43",
        name=f"a {kind}",
        kind=kind,
        parent_id=None,
        region="",
        created_at=NOW,
    )


def test_a_county_centre_needs_the_city_centre_as_parent() -> None:
    """ "1+6": a county sub-centre hangs under a city centre, nowhere else."""
    check_parent(OrgKind.COUNTY_CENTRE, org(OrgKind.CITY_CENTRE))
    with pytest.raises(errors.ParentOrganisationInvalid):
        check_parent(OrgKind.COUNTY_CENTRE, None)
    with pytest.raises(errors.ParentOrganisationInvalid):
        check_parent(OrgKind.COUNTY_CENTRE, org(OrgKind.AGENCY))


def test_a_city_centre_is_a_root() -> None:
    """The city centre has no parent."""
    check_parent(OrgKind.CITY_CENTRE, None)
    with pytest.raises(errors.ParentOrganisationInvalid):
        check_parent(OrgKind.CITY_CENTRE, org(OrgKind.CITY_CENTRE))


def test_a_bidder_cannot_hang_under_an_agency() -> None:
    """Market parties do not hang under each other's kinds."""
    check_parent(OrgKind.BIDDER, None)
    check_parent(OrgKind.BIDDER, org(OrgKind.BIDDER))
    with pytest.raises(errors.ParentOrganisationInvalid):
        check_parent(OrgKind.BIDDER, org(OrgKind.AGENCY))


def test_a_second_admin_role_is_refused() -> None:
    """三员分立: one person holds at most one administrator role."""
    centre = org(OrgKind.CITY_CENTRE)
    check_grant(Role.SYSTEM_ADMIN, user_org=centre, scope=None, held=[Role.CENTRE_STAFF])
    for held, wanted in [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN),
    ]:
        with pytest.raises(errors.AdminRolesSeparated):
            check_grant(wanted, user_org=centre, scope=None, held=[held])


def test_a_supervisor_needs_an_industry_department_scope() -> None:
    """A supervisor acts for the industry department named by the grant's scope."""
    staff_org = org(OrgKind.INDUSTRY_DEPARTMENT)
    check_grant(Role.SUPERVISOR, user_org=staff_org, scope=staff_org, held=[])
    with pytest.raises(errors.RoleScopeInvalid):
        check_grant(Role.SUPERVISOR, user_org=staff_org, scope=None, held=[])
    with pytest.raises(errors.RoleScopeInvalid):
        check_grant(Role.SUPERVISOR, user_org=staff_org, scope=org(OrgKind.AGENCY), held=[])


def test_roles_without_scope_refuse_one() -> None:
    """Only scoped roles take a scope."""
    with pytest.raises(errors.RoleScopeInvalid):
        check_grant(
            Role.EXPERT, user_org=org(OrgKind.EXPERT_EMPLOYER), scope=org(OrgKind.AGENCY), held=[]
        )


@pytest.mark.parametrize(
    ("role", "fits", "misfits"),
    [
        (Role.BIDDER, OrgKind.BIDDER, OrgKind.AGENCY),
        (Role.AGENCY, OrgKind.AGENCY, OrgKind.BIDDER),
        (Role.TENDERER, OrgKind.TENDERER, OrgKind.BIDDER),
        (Role.CENTRE_STAFF, OrgKind.COUNTY_CENTRE, OrgKind.TENDERER),
        (Role.AUDIT_ADMIN, OrgKind.CITY_CENTRE, OrgKind.BIDDER),
    ],
)
def test_organisation_roles_need_an_organisation_of_their_kind(
    role: Role, fits: OrgKind, misfits: OrgKind
) -> None:
    """A bidder's user acts for a bidder, an agency's for an agency, and so on."""
    check_grant(role, user_org=org(fits), scope=None, held=[])
    with pytest.raises(errors.RoleOrganisationMismatch):
        check_grant(role, user_org=org(misfits), scope=None, held=[])


@pytest.mark.parametrize("username", ["ab", "Zhang", "-abc", "a b c", "x" * 65, "张三三"])
def test_usernames_outside_the_database_pattern_are_refused(username: str) -> None:
    """The same pattern as the users table's CHECK."""
    with pytest.raises(errors.UsernameInvalid):
        check_username(username)


def test_names_must_be_printable_and_trimmed() -> None:
    """Display and organisation names refuse blanks, control characters and padding."""
    assert check_display_name("张三") == "张三"
    assert check_organisation_name("宣城市公共资源交易中心") == "宣城市公共资源交易中心"
    for bad in ["", " 张三", "张\u0000三", "x" * 101]:
        with pytest.raises(errors.DisplayNameInvalid):
            check_display_name(bad)
    with pytest.raises(errors.OrganisationNameInvalid):
        check_organisation_name("x" * 201)


def test_regions_are_empty_or_six_digits() -> None:
    """GB/T 2260 codes are six digits."""
    assert check_region("341821") == "341821"
    assert check_region("") == ""
    with pytest.raises(errors.RegionInvalid):
        check_region("34182")


def test_the_password_hash_never_appears_in_repr() -> None:
    """Credentials keep the hash out of repr (and so out of logs and tracebacks)."""
    user = User(
        id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        username="zhang.san",
        display_name="张三",
        status=UserStatus.ACTIVE,
        created_at=NOW,
    )
    secret = "$scrypt$ln=14,r=8,p=1$c2FsdA$aGFzaA"
    creds = Credentials(user=user, password_hash=secret)
    assert secret not in repr(creds)
    assert "password" not in repr(user)


def test_an_actor_acts_for_its_scope_or_its_own_organisation() -> None:
    """A supervisor acts for its department; other roles for the user's organisation."""
    own, dept = uuid.uuid4(), uuid.uuid4()
    actor = Actor(
        user_id=uuid.uuid4(),
        organisation_id=own,
        username="li.si",
        display_name="李四",
        grants=frozenset(
            {RoleGrant(role=Role.SUPERVISOR, scope_id=dept), RoleGrant(role=Role.EXPERT)}
        ),
    )
    assert actor.roles == {Role.SUPERVISOR, Role.EXPERT}
    assert actor.acting_for(Role.SUPERVISOR) == {dept}
    assert actor.acting_for(Role.EXPERT) == {own}
    assert actor.acting_for(Role.BIDDER) == frozenset()


def test_a_cursor_round_trips_and_forgeries_are_refused() -> None:
    """Cursors decode to the position they encode; anything else is cursor_invalid."""
    row_id = uuid.uuid4()
    assert decode_cursor(encode_cursor(NOW, row_id)) == (NOW, row_id)
    for forged in ["", "!!!", "bm90IGEgY3Vyc29y", encode_cursor(NOW, row_id)[:-3]]:
        with pytest.raises(errors.CursorInvalid):
            decode_cursor(forged)


def test_a_supervisor_is_a_user_of_an_industry_department() -> None:
    """A bidder's user made the supervisor of the department over its own tender read
    its competitors' alerts and bids (outside tester): refused, whatever the scope."""
    department = org(OrgKind.INDUSTRY_DEPARTMENT)
    check_grant(Role.SUPERVISOR, user_org=department, scope=department, held=[])
    for kind in (OrgKind.BIDDER, OrgKind.AGENCY, OrgKind.TENDERER, OrgKind.CITY_CENTRE):
        with pytest.raises(errors.RoleOrganisationMismatch):
            check_grant(Role.SUPERVISOR, user_org=org(kind), scope=department, held=[])
