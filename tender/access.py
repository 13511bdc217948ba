"""Who may do what to a tender, decided by accounts.permissions (the one place).

Each tender operation maps onto an action of ``accounts.permissions.RULES`` and a
:class:`Resource` describing the tender (its agency, tenderer and department):

- appointing an opening committee: staff of the tender's centre (``APPOINT_COMMITTEE``);
- approving it: a supervisor of the tender's department (``APPROVE_COMMITTEE``);
- bonds: recorded and refunded by the tender's centre (``MANAGE_BONDS``);
- overseeing a tender: a supervisor of its department (``SUPERVISE_TENDER``).

The tenderer (招标人) may read its tenders and their downloaders; the table has no
tenderer relation yet, so that one check reads the actor's grants directly.
"""

from __future__ import annotations

from datetime import datetime

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from accounts.permissions import Action, Resource, ResourceKind, is_allowed, require
from signing.log.entry import Actor as LogActor
from tender.errors import TenderNotFound
from tender.model import Tender

APPOINT_COMMITTEE = Action.APPOINT_COMMITTEE
APPROVE_COMMITTEE = Action.APPROVE_COMMITTEE
MANAGE_BONDS = Action.MANAGE_BONDS
SUPERVISE = Action.SUPERVISE_TENDER


def resource(tender: Tender) -> Resource:
    """The tender as the permission table sees it."""
    return Resource(
        kind=ResourceKind.TENDER,
        id=str(tender.id),
        agency_id=tender.agency_id,
        tenderer_id=tender.content.tenderer_id,
        department_id=tender.content.department_id,
        centres=tender.centres,
    )


# A party's own act on a tender before the deadline (a download, an objection to the
# documents): who downloaded stays secret until then (DOMAIN.md, "Tender period"), and a
# user id names its organisation through account.user_created, so the entry names no
# user and no address; its data commits to the party (docs/audit-log.md §1).
HIDDEN_PARTY = LogActor(user_id=None, role="bidder")


def log_actor(actor: Actor, role: Role | None) -> LogActor:
    """The log's view of an actor acting in ``role``."""
    return LogActor(user_id=str(actor.user_id), role=str(role) if role else "user")


def hide_draft(actor: Actor, tender: Tender) -> None:
    """A draft exists only for those who may read it: anyone else gets the 404 an
    unknown id gets, whatever the method (a 403 would say that the id exists)."""
    if not tender.is_public and not may_read_draft(actor, tender):
        raise TenderNotFound("no tender has this id")


def authorise(actor: Actor, action: Action, tender: Tender) -> LogActor:
    """Require ``action`` on ``tender``; the log actor with the role that allowed it.
    A draft the actor may not read is not found (:func:`hide_draft`)."""
    hide_draft(actor, tender)
    return log_actor(actor, require(actor, action, resource(tender)))


def is_tenderer(actor: Actor, tender: Tender) -> bool:
    """Whether the actor acts for the tender's tenderer (招标人)."""
    return tender.content.tenderer_id in actor.acting_for(Role.TENDERER)


def is_agency(actor: Actor, tender: Tender) -> bool:
    """Whether the actor acts for the tender's agency."""
    return is_allowed(actor, Action.PUBLISH_TENDER, resource(tender))


def is_host(actor: Actor, tender: Tender) -> bool:
    """Staff of the centre hosting the tender (or of the city centre above it)."""
    return is_allowed(actor, Action.HOST_OPENING, resource(tender))


def is_overseer(actor: Actor, tender: Tender) -> bool:
    """Staff of the tender's centre, or a supervisor of the tender's department."""
    where = resource(tender)
    return is_host(actor, tender) or is_allowed(actor, SUPERVISE, where)


def may_read_draft(actor: Actor, tender: Tender) -> bool:
    """Drafts are seen by their agency, tenderer, the centre and the department."""
    return is_agency(actor, tender) or is_tenderer(actor, tender) or is_overseer(actor, tender)


def require_downloaders(actor: Actor, tender: Tender, now: datetime) -> LogActor:
    """EBM: downloaders are hidden from all but the agency and tenderer until the deadline.

    After the deadline the centre and the supervising department may read them too.
    """
    hide_draft(actor, tender)
    if is_agency(actor, tender):
        return log_actor(actor, Role.AGENCY)
    if is_tenderer(actor, tender):
        return log_actor(actor, Role.TENDERER)
    deadline = tender.deadline
    if deadline is not None and now >= deadline and is_overseer(actor, tender):
        return log_actor(actor, None)
    raise PermissionDenied(
        "who downloaded the documents stays hidden until the deadline",
        details={"action": "view_downloaders", "resource": "tender"},
    )


def require_bond_reader(actor: Actor, tender: Tender) -> None:
    """Bonds reveal who means to bid: only the centre and the department read them all."""
    hide_draft(actor, tender)
    if not is_overseer(actor, tender):
        raise PermissionDenied(
            "bonds are read by the centre and the supervising department",
            details={"action": "view_bonds", "resource": "tender"},
        )
