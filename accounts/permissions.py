"""The one place authorisation is decided: may this actor do this to this object?

Every rule is a row of :data:`RULES`: an action is allowed when the actor holds one of
the listed roles *and* stands in the listed relation to the object — the tender's
agency, the bid's bidder, a member of that tender's opening committee, the supervisor
of that tender's industry department. A role alone is enough only where the rule says
``any``. The table is the permission matrix of docs/api-auth.md.

三员分立: the system, security and audit administrators each have their own actions and
none of another's (DESIGN.md, "Who uses it"); the tests check the sets are disjoint but
for one: the system and audit administrators both approve an administrator role change
the security administrator proposed, each being the other's check (issue 9, item 16),
and the security and audit administrators both read the security events (issue 15).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from uuid import UUID

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role


class Action(enum.StrEnum):
    """Everything the platform authorises, across every package."""

    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_USERS = "manage_users"
    GRANT_ROLES = "grant_roles"
    APPROVE_ROLE_CHANGE = "approve_role_change"
    MANAGE_WITNESSES = "manage_witnesses"
    READ_LOG_ENTRIES = "read_log_entries"
    READ_SECURITY_EVENTS = "read_security_events"
    VIEW_OWN_ACCOUNT = "view_own_account"
    CREATE_TENDER = "create_tender"
    PUBLISH_TENDER = "publish_tender"
    DOWNLOAD_DOCUMENTS = "download_documents"
    SUBMIT_BID = "submit_bid"
    RELEASE_SHARE = "release_share"
    HOST_OPENING = "host_opening"
    APPOINT_COMMITTEE = "appoint_committee"
    APPROVE_COMMITTEE = "approve_committee"
    MANAGE_BONDS = "manage_bonds"
    SUPERVISE_TENDER = "supervise_tender"
    REQUEST_DRAW = "request_draw"
    OPERATE_DRAW = "operate_draw"
    CONTRIBUTE_ENTROPY = "contribute_entropy"
    VIEW_DRAW_NAMES = "view_draw_names"
    VIEW_DRAW_POOLS = "view_draw_pools"
    SCORE = "score"
    READ_BID_FILES = "read_bid_files"
    ASSESS_EXPERT = "assess_expert"
    COSIGN_LOG = "cosign_log"
    SEARCH_EXPERTS = "search_experts"
    MANAGE_EXPERTS = "manage_experts"
    MANAGE_VENUES = "manage_venues"
    VIEW_VENUES = "view_venues"
    RECORD_ATTENDANCE = "record_attendance"
    READ_EXPERT_RECORDS = "read_expert_records"
    SET_POOL_POLICY = "set_pool_policy"


class ResourceKind(enum.StrEnum):
    """What sort of object an action is applied to."""

    PLATFORM = "platform"
    ORGANISATION = "organisation"
    USER = "user"
    TENDER = "tender"
    BID = "bid"
    OPENING = "opening"
    DRAW = "draw"
    EVALUATION = "evaluation"
    EXPERT = "expert"
    EXPERT_POOL = "expert_pool"
    LOG = "log"


class Relation(enum.StrEnum):
    """How the actor must stand to the object, beyond holding the role."""

    ANY = "any"  # the role is enough
    SELF = "self"  # the object is the actor's own account
    OWNER = "owner"  # the role acts for the object's owning organisation
    TENDER_AGENCY = "tender_agency"  # the role acts for the tender's agency
    DEPARTMENT = "department"  # the role acts for the tender's industry department
    CENTRE = "centre"  # the role acts for the centre hosting the tender, or the city above it
    OPENING_COMMITTEE = "opening_committee"  # the user is on the opening committee
    EVALUATION_COMMITTEE = "evaluation_committee"  # the user is on the evaluation committee


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Resource:
    """The object acted on, described by who owns and oversees it."""

    kind: ResourceKind
    id: str | None = None
    user_id: UUID | None = None
    owner_organisation_id: UUID | None = None
    agency_id: UUID | None = None
    tenderer_id: UUID | None = None
    department_id: UUID | None = None
    centres: frozenset[UUID] = frozenset()  # the hosting centre and the city centre above it
    opening_committee: frozenset[UUID] = frozenset()
    evaluation_committee: frozenset[UUID] = frozenset()


PLATFORM = Resource(kind=ResourceKind.PLATFORM)
LOG = Resource(kind=ResourceKind.LOG)
EXPERT_POOL = Resource(kind=ResourceKind.EXPERT_POOL)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Rule:
    """One way to be allowed: a role (None: any signed-in user) and a relation."""

    role: Role | None
    relation: Relation = Relation.ANY


def _rules(*pairs: tuple[Role | None, Relation]) -> tuple[Rule, ...]:
    return tuple(Rule(role=role, relation=relation) for role, relation in pairs)


_ANY, _OWNER, _AGENCY = Relation.ANY, Relation.OWNER, Relation.TENDER_AGENCY
_DEPT, _CENTRE = Relation.DEPARTMENT, Relation.CENTRE

RULES: Mapping[Action, tuple[Rule, ...]] = {
    # 三员分立: accounts and configuration / permissions and keys / reading the logs.
    Action.MANAGE_ORGANISATIONS: _rules((Role.SYSTEM_ADMIN, _ANY)),
    Action.MANAGE_USERS: _rules((Role.SYSTEM_ADMIN, _ANY)),
    Action.GRANT_ROLES: _rules((Role.SECURITY_ADMIN, _ANY)),
    # An administrator role changes only when an administrator of another kind approves
    # what the security administrator proposed (issue 9, item 16): the one action two of
    # the three share, so that no one of them alone changes who administers.
    Action.APPROVE_ROLE_CHANGE: _rules((Role.SYSTEM_ADMIN, _ANY), (Role.AUDIT_ADMIN, _ANY)),
    Action.MANAGE_WITNESSES: _rules((Role.SECURITY_ADMIN, _ANY)),
    Action.READ_LOG_ENTRIES: _rules(
        (Role.AUDIT_ADMIN, _ANY), (Role.SUPERVISOR, _ANY), (Role.WITNESS, _ANY)
    ),
    # Refused logins, tokens, permissions and CSRF tokens: the security administrator
    # watches them to keep permissions and keys safe (issue 15, item 3); the audit
    # administrator reads them as it reads the log. Reading changes nothing.
    Action.READ_SECURITY_EVENTS: _rules((Role.SECURITY_ADMIN, _ANY), (Role.AUDIT_ADMIN, _ANY)),
    Action.VIEW_OWN_ACCOUNT: _rules((None, Relation.SELF)),
    # Tenders belong to their agency; bids to their bidder.
    Action.CREATE_TENDER: _rules((Role.AGENCY, _AGENCY)),
    Action.PUBLISH_TENDER: _rules((Role.AGENCY, _AGENCY)),
    Action.DOWNLOAD_DOCUMENTS: _rules((Role.BIDDER, _ANY)),
    Action.SUBMIT_BID: _rules((Role.BIDDER, _OWNER)),
    # Only an official on that tender's committee holds a share of its bids' keys.
    Action.RELEASE_SHARE: _rules((Role.OPENING_OFFICIAL, Relation.OPENING_COMMITTEE)),
    # A tender's own centre hosts it (and the city centre above a county sub-centre):
    # never another county's or another city's staff (migration 0083).
    Action.HOST_OPENING: _rules((Role.CENTRE_STAFF, _CENTRE)),
    # The opening committee is appointed by the centre and approved by the supervising
    # department, never by the agency (DESIGN.md, "Opening committee").
    Action.APPOINT_COMMITTEE: _rules((Role.CENTRE_STAFF, _CENTRE)),
    Action.APPROVE_COMMITTEE: _rules((Role.SUPERVISOR, _DEPT)),
    # Bonds reveal who means to bid: the centre's staff keep them, not the agency.
    Action.MANAGE_BONDS: _rules((Role.CENTRE_STAFF, _CENTRE)),
    Action.SUPERVISE_TENDER: _rules((Role.SUPERVISOR, _DEPT)),
    # The draw operator sets conditions but cannot browse the pool (DOMAIN.md).
    Action.REQUEST_DRAW: _rules((Role.AGENCY, _AGENCY)),
    Action.OPERATE_DRAW: _rules((Role.CENTRE_STAFF, _ANY)),
    Action.CONTRIBUTE_ENTROPY: _rules((Role.SUPERVISOR, _DEPT)),
    Action.VIEW_DRAW_NAMES: _rules((Role.SUPERVISOR, _DEPT)),
    Action.VIEW_DRAW_POOLS: _rules((Role.SUPERVISOR, _DEPT)),
    Action.SCORE: _rules((Role.EXPERT, Relation.EVALUATION_COMMITTEE)),
    # Decrypted bids are kept for the evaluation: its committee and the supervising
    # department read them, nobody else — not even the bidder (issue 4, item 6).
    Action.READ_BID_FILES: _rules(
        (Role.EXPERT, Relation.EVALUATION_COMMITTEE), (Role.SUPERVISOR, _DEPT)
    ),
    Action.ASSESS_EXPERT: _rules((Role.AGENCY, _AGENCY), (Role.SUPERVISOR, _DEPT)),
    Action.COSIGN_LOG: _rules((Role.WITNESS, _ANY)),
    # The pool itself: supervisors keep it; the draw operator sets conditions but cannot
    # browse it, so centre staff have no search right (DOMAIN.md).
    Action.SEARCH_EXPERTS: _rules((Role.SUPERVISOR, _ANY), (Role.SYSTEM_ADMIN, _ANY)),
    Action.MANAGE_EXPERTS: _rules((Role.SUPERVISOR, _ANY), (Role.SYSTEM_ADMIN, _ANY)),
    Action.MANAGE_VENUES: _rules((Role.CENTRE_STAFF, _ANY), (Role.SYSTEM_ADMIN, _ANY)),
    Action.VIEW_VENUES: _rules(
        (Role.CENTRE_STAFF, _ANY), (Role.SUPERVISOR, _ANY), (Role.SYSTEM_ADMIN, _ANY)
    ),
    Action.RECORD_ATTENDANCE: _rules((Role.CENTRE_STAFF, _ANY), (Role.SUPERVISOR, _DEPT)),
    Action.READ_EXPERT_RECORDS: _rules((Role.SUPERVISOR, _ANY)),
    Action.SET_POOL_POLICY: _rules((Role.SYSTEM_ADMIN, _ANY)),
}


def _relates(actor: Actor, rule: Rule, resource: Resource) -> bool:
    acting = actor.acting_for(rule.role) if rule.role is not None else frozenset()
    match rule.relation:
        case Relation.ANY:
            return True
        case Relation.SELF:
            return resource.user_id == actor.user_id
        case Relation.OWNER:
            return resource.owner_organisation_id in acting
        case Relation.TENDER_AGENCY:
            return resource.agency_id in acting
        case Relation.DEPARTMENT:
            return resource.department_id in acting
        case Relation.CENTRE:
            return not resource.centres.isdisjoint(acting)
        case Relation.OPENING_COMMITTEE:
            return actor.user_id in resource.opening_committee
        case Relation.EVALUATION_COMMITTEE:
            return actor.user_id in resource.evaluation_committee


def permitting_rule(actor: Actor, action: Action, resource: Resource) -> Rule | None:
    """The first rule that allows ``actor`` to perform ``action`` on ``resource``, if any."""
    for rule in RULES[action]:
        holds = rule.role is None or actor.has_role(rule.role)
        if holds and _relates(actor, rule, resource):
            return rule
    return None


def is_allowed(actor: Actor, action: Action, resource: Resource) -> bool:
    """Whether ``actor`` may perform ``action`` on ``resource``."""
    return permitting_rule(actor, action, resource) is not None


def require(actor: Actor, action: Action, resource: Resource) -> Role | None:
    """Raise ``PermissionDenied`` unless allowed; returns the role that allows it.

    None means the action needs no particular role (any signed-in user, e.g. their own
    account); services log the returned role as the role the actor acted in.
    """
    rule = permitting_rule(actor, action, resource)
    if rule is None:
        raise PermissionDenied(
            f"your roles do not allow {action} on this {resource.kind}",
            details={"action": str(action), "resource": str(resource.kind)},
        )
    return rule.role


def require_role(actor: Actor, action: Action, resource: Resource) -> Role:
    """:func:`require`, for an action only a role allows: the role the actor acted in."""
    role = require(actor, action, resource)
    if role is None:  # the rule table's fault, never the actor's
        raise AssertionError(f"a rule of {action} names no role")
    return role


def allowed_actions(actor: Actor, resource: Resource) -> frozenset[Action]:
    """Every action ``actor`` may perform on ``resource`` (home pages, menus)."""
    return frozenset(action for action in Action if is_allowed(actor, action, resource))
