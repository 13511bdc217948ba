"""The permission matrix: every role × every action × own or another's object."""

from __future__ import annotations

import inspect
import re
import uuid
from pathlib import Path

import pytest

from accounts import errors
from accounts.errors import PermissionDenied
from accounts.model import ADMIN_ROLES, Actor, Role, RoleGrant
from accounts.permissions import (
    LOG,
    PLATFORM,
    RULES,
    Action,
    Resource,
    ResourceKind,
    allowed_actions,
    is_allowed,
    require,
)

R = Role
ALL = frozenset(Role)
NONE: frozenset[Role] = frozenset()

# The specification, written out by hand: action → (roles allowed on an object of their
# own organisation / committee / account, roles allowed on another's object).
EXPECTED: dict[Action, tuple[frozenset[Role], frozenset[Role]]] = {
    Action.MANAGE_ORGANISATIONS: (frozenset({R.SYSTEM_ADMIN}), frozenset({R.SYSTEM_ADMIN})),
    Action.MANAGE_USERS: (frozenset({R.SYSTEM_ADMIN}), frozenset({R.SYSTEM_ADMIN})),
    Action.GRANT_ROLES: (frozenset({R.SECURITY_ADMIN}), frozenset({R.SECURITY_ADMIN})),
    Action.APPROVE_ROLE_CHANGE: (
        frozenset({R.SYSTEM_ADMIN, R.AUDIT_ADMIN}),
        frozenset({R.SYSTEM_ADMIN, R.AUDIT_ADMIN}),
    ),
    Action.MANAGE_WITNESSES: (frozenset({R.SECURITY_ADMIN}), frozenset({R.SECURITY_ADMIN})),
    Action.READ_LOG_ENTRIES: (
        frozenset({R.AUDIT_ADMIN, R.SUPERVISOR, R.WITNESS}),
        frozenset({R.AUDIT_ADMIN, R.SUPERVISOR, R.WITNESS}),
    ),
    Action.READ_SECURITY_EVENTS: (
        frozenset({R.SECURITY_ADMIN, R.AUDIT_ADMIN}),
        frozenset({R.SECURITY_ADMIN, R.AUDIT_ADMIN}),
    ),
    Action.VIEW_OWN_ACCOUNT: (ALL, NONE),
    Action.CREATE_TENDER: (frozenset({R.AGENCY}), NONE),
    Action.PUBLISH_TENDER: (frozenset({R.AGENCY}), NONE),
    Action.DOWNLOAD_DOCUMENTS: (frozenset({R.BIDDER}), frozenset({R.BIDDER})),
    Action.SUBMIT_BID: (frozenset({R.BIDDER}), NONE),
    Action.RELEASE_SHARE: (frozenset({R.OPENING_OFFICIAL}), NONE),
    Action.HOST_OPENING: (frozenset({R.CENTRE_STAFF}), NONE),
    Action.APPOINT_COMMITTEE: (frozenset({R.CENTRE_STAFF}), NONE),
    Action.APPROVE_COMMITTEE: (frozenset({R.SUPERVISOR}), NONE),
    Action.MANAGE_BONDS: (frozenset({R.CENTRE_STAFF}), NONE),
    Action.SUPERVISE_TENDER: (frozenset({R.SUPERVISOR}), NONE),
    Action.REQUEST_DRAW: (frozenset({R.AGENCY}), NONE),
    Action.OPERATE_DRAW: (frozenset({R.CENTRE_STAFF}), frozenset({R.CENTRE_STAFF})),
    Action.CONTRIBUTE_ENTROPY: (frozenset({R.SUPERVISOR}), NONE),
    Action.VIEW_DRAW_NAMES: (frozenset({R.SUPERVISOR}), NONE),
    Action.VIEW_DRAW_POOLS: (frozenset({R.SUPERVISOR}), NONE),
    Action.SCORE: (frozenset({R.EXPERT}), NONE),
    Action.READ_BID_FILES: (frozenset({R.EXPERT, R.SUPERVISOR}), NONE),
    Action.ASSESS_EXPERT: (frozenset({R.AGENCY, R.SUPERVISOR}), NONE),
    Action.COSIGN_LOG: (frozenset({R.WITNESS}), frozenset({R.WITNESS})),
    # The pool itself (DOMAIN.md: the draw operator sets conditions, never browses).
    Action.SEARCH_EXPERTS: (
        frozenset({R.SUPERVISOR, R.SYSTEM_ADMIN}),
        frozenset({R.SUPERVISOR, R.SYSTEM_ADMIN}),
    ),
    Action.MANAGE_EXPERTS: (
        frozenset({R.SUPERVISOR, R.SYSTEM_ADMIN}),
        frozenset({R.SUPERVISOR, R.SYSTEM_ADMIN}),
    ),
    Action.MANAGE_VENUES: (
        frozenset({R.CENTRE_STAFF, R.SYSTEM_ADMIN}),
        frozenset({R.CENTRE_STAFF, R.SYSTEM_ADMIN}),
    ),
    Action.VIEW_VENUES: (
        frozenset({R.CENTRE_STAFF, R.SUPERVISOR, R.SYSTEM_ADMIN}),
        frozenset({R.CENTRE_STAFF, R.SUPERVISOR, R.SYSTEM_ADMIN}),
    ),
    Action.RECORD_ATTENDANCE: (
        frozenset({R.CENTRE_STAFF, R.SUPERVISOR}),
        frozenset({R.CENTRE_STAFF}),
    ),
    Action.READ_EXPERT_RECORDS: (frozenset({R.SUPERVISOR}), frozenset({R.SUPERVISOR})),
    Action.SET_POOL_POLICY: (frozenset({R.SYSTEM_ADMIN}), frozenset({R.SYSTEM_ADMIN})),
}

OWN_ORG = uuid.uuid4()
DEPARTMENT = uuid.uuid4()
OTHER_ORG = uuid.uuid4()
USER = uuid.uuid4()
OTHER_USER = uuid.uuid4()


def actor_with(role: Role) -> Actor:
    """A user of OWN_ORG holding just ``role`` (a supervisor scoped to DEPARTMENT)."""
    scope = DEPARTMENT if role is Role.SUPERVISOR else None
    return Actor(
        user_id=USER,
        organisation_id=OWN_ORG,
        username=f"{role}-user",
        display_name=str(role),
        grants=frozenset({RoleGrant(role=role, scope_id=scope)}),
    )


def own_object(role: Role) -> Resource:
    """An object owned, run and overseen by the organisations the actor acts for."""
    acting = DEPARTMENT if role is Role.SUPERVISOR else OWN_ORG
    return Resource(
        kind=ResourceKind.TENDER,
        id="t-1",
        user_id=USER,
        owner_organisation_id=acting,
        agency_id=acting,
        tenderer_id=acting,
        department_id=acting,
        centres=frozenset({acting}),
        opening_committee=frozenset({USER}),
        evaluation_committee=frozenset({USER}),
    )


OTHERS = Resource(
    kind=ResourceKind.TENDER,
    id="t-2",
    user_id=OTHER_USER,
    owner_organisation_id=OTHER_ORG,
    agency_id=OTHER_ORG,
    tenderer_id=OTHER_ORG,
    department_id=OTHER_ORG,
    centres=frozenset({OTHER_ORG}),
    opening_committee=frozenset({OTHER_USER}),
    evaluation_committee=frozenset({OTHER_USER}),
)


def test_the_expected_matrix_covers_every_action_and_the_rules_too() -> None:
    """No action is left out of the specification or the rule table."""
    assert set(EXPECTED) == set(Action) == set(RULES)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_matrix(role: Role, action: Action) -> None:
    """Each role may do exactly what the matrix says, on its own and on others' objects."""
    own_allowed, other_allowed = EXPECTED[action]
    actor = actor_with(role)
    assert is_allowed(actor, action, own_object(role)) == (role in own_allowed)
    assert is_allowed(actor, action, OTHERS) == (role in other_allowed)


def test_a_supervisor_of_another_department_cannot_contribute_entropy() -> None:
    """The scope, not the user's own organisation, decides a supervisor's reach."""
    actor = actor_with(Role.SUPERVISOR)
    draw = Resource(kind=ResourceKind.DRAW, department_id=OWN_ORG)
    assert not is_allowed(actor, Action.CONTRIBUTE_ENTROPY, draw)


def test_an_official_off_the_committee_cannot_release_a_share() -> None:
    """Holding the official role is not enough: only that tender's committee releases."""
    actor = actor_with(Role.OPENING_OFFICIAL)
    opening = Resource(kind=ResourceKind.OPENING, opening_committee=frozenset({OTHER_USER}))
    with pytest.raises(PermissionDenied) as refused:
        require(actor, Action.RELEASE_SHARE, opening)
    assert refused.value.code == "permission_denied"


def test_a_committee_member_without_the_role_cannot_release_a_share() -> None:
    """Committee membership without the official role is not enough either."""
    actor = actor_with(Role.EXPERT)
    opening = Resource(kind=ResourceKind.OPENING, opening_committee=frozenset({USER}))
    assert not is_allowed(actor, Action.RELEASE_SHARE, opening)


def test_the_three_administrators_share_no_action_but_the_second_pair_of_eyes() -> None:
    """三员分立: none of the three administrators can do another's job, nor domain work;
    the system and audit administrators share only the approval of an administrator role
    change the security administrator proposed (issue 9, item 16), and the security and
    audit administrators only the reading of the security events (issue 15, item 3)."""
    powers = {
        role: allowed_actions(actor_with(role), own_object(role))
        | allowed_actions(actor_with(role), OTHERS)
        for role in ADMIN_ROLES
    }
    everyone = {Action.VIEW_OWN_ACCOUNT}
    shared: dict[frozenset[Role], set[Action]] = {
        frozenset({Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN}): {Action.APPROVE_ROLE_CHANGE},
        frozenset({Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}): {Action.READ_SECURITY_EVENTS},
    }
    for role, actions in powers.items():
        for other, other_actions in powers.items():
            if role is not other:
                allowed = shared.get(frozenset({role, other}), set())
                assert (actions & other_actions) <= everyone | allowed, (role, other)
    assert Action.APPROVE_ROLE_CHANGE not in powers[Role.SECURITY_ADMIN]
    # Accounts and configuration (DESIGN.md): the expert pool's register, venues and
    # policy are the platform's configuration too (docs/api-expert-pool.md).
    assert powers[Role.SYSTEM_ADMIN] - everyone == {
        Action.MANAGE_ORGANISATIONS,
        Action.MANAGE_USERS,
        Action.SEARCH_EXPERTS,
        Action.MANAGE_EXPERTS,
        Action.MANAGE_VENUES,
        Action.VIEW_VENUES,
        Action.SET_POOL_POLICY,
        Action.APPROVE_ROLE_CHANGE,
    }
    assert powers[Role.SECURITY_ADMIN] - everyone == {
        Action.GRANT_ROLES,
        Action.MANAGE_WITNESSES,
        Action.READ_SECURITY_EVENTS,
    }
    assert powers[Role.AUDIT_ADMIN] - everyone == {
        Action.READ_LOG_ENTRIES,
        Action.READ_SECURITY_EVENTS,
        Action.APPROVE_ROLE_CHANGE,
    }


def test_require_names_the_role_that_allowed_it() -> None:
    """Services log the role the actor acted in."""
    assert require(actor_with(Role.AUDIT_ADMIN), Action.READ_LOG_ENTRIES, LOG) is Role.AUDIT_ADMIN
    assert require(actor_with(Role.BIDDER), Action.VIEW_OWN_ACCOUNT, own_object(R.BIDDER)) is None


def test_an_actor_without_roles_may_only_view_its_own_account() -> None:
    """A user with no grant is signed in but can do nothing else."""
    bare = Actor(
        user_id=USER,
        organisation_id=OWN_ORG,
        username="bare",
        display_name="x",
        grants=frozenset(),
    )
    assert allowed_actions(bare, own_object(Role.BIDDER)) == {Action.VIEW_OWN_ACCOUNT}
    assert allowed_actions(bare, PLATFORM) == frozenset()


def test_the_documented_matrix_is_the_rule_table() -> None:
    """docs/api-auth.md lists exactly the rules permissions.py enforces."""
    doc = (Path(__file__).parents[2] / "docs" / "api-auth.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)` \| `([a-z_*]+)` \| `([a-z_]+)` \|$", doc, flags=re.M)
    documented = {(action, role, relation) for action, role, relation in rows}
    enforced = {
        (str(action), str(rule.role) if rule.role else "*", str(rule.relation))
        for action, rules in RULES.items()
        for rule in rules
    }
    assert documented == enforced


def test_only_the_lots_evaluation_committee_and_its_department_read_bid_files() -> None:
    """An expert off the committee, a supervisor of another department and a bidder for
    its own bid are all refused: the role alone is never enough (issue 4, item 6)."""
    lot = Resource(
        kind=ResourceKind.EVALUATION,
        owner_organisation_id=OWN_ORG,
        department_id=OTHER_ORG,
        evaluation_committee=frozenset({OTHER_USER}),
    )
    for role in (Role.EXPERT, Role.SUPERVISOR, Role.BIDDER):
        assert not is_allowed(actor_with(role), Action.READ_BID_FILES, lot)
    seated = Resource(kind=ResourceKind.EVALUATION, evaluation_committee=frozenset({USER}))
    assert require(actor_with(Role.EXPERT), Action.READ_BID_FILES, seated) is Role.EXPERT
    assert not is_allowed(actor_with(Role.OPENING_OFFICIAL), Action.READ_BID_FILES, seated)


def test_every_code_a_client_can_meet_is_in_the_documented_error_table() -> None:
    """docs/api-auth.md names every accounts error code an answer can carry (the root and
    the programming error of a naive datetime never reach a client)."""
    doc = (Path(__file__).parents[2] / "docs" / "api-auth.md").read_text(encoding="utf-8")
    internal = {errors.AccountsError, errors.NaiveDatetimeRefused}
    codes = {
        cls.code
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.AccountsError) and cls not in internal
    }
    assert {code for code in codes if f"| `{code}` |" not in doc} == set()
