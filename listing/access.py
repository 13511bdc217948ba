"""Who may do what to one listing (issue 18: per-object authorisation).

- the operator: staff of the listing's centre, or an agency user acting for the listing's
  agency — publishes, records deposits and refunds, closes the listing period, decides, agrees;
- the centre checks qualification (its staff only): it sees names before the end;
- "the centre" is always the listing's own: the centre running it (listings.centre_id,
  migration 0142) or the city centre above a county sub-centre, never another county's
  staff — the rule tenders follow (accounts/permissions.py, relation ``centre``; the
  outside tester's finding F6);
- the seller: a user acting for the seller's organisation (tenderer role) — seals the
  reserve, signs the confirmation; sees numbers only until the decision;
- a bidder: its own registration; other bidders only by number until the decision;
- an official: one seated on the listing's committee releases its share of the reserve;
- a supervisor reads everything, names included; the public reads the notice and result.
"""

from __future__ import annotations

import enum

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from listing.model import Listing, Status


class Acting(enum.StrEnum):
    """The role a listing's step is taken in (the log's actor role)."""

    CENTRE = "centre_staff"
    AGENCY = "agency"
    SELLER = "seller"
    BIDDER = "bidder"
    OFFICIAL = "opening_official"


def _denied(action: str, message: str) -> PermissionDenied:
    return PermissionDenied(message, details={"action": action, "resource": "listing"})


def of_centre(actor: Actor, listing: Listing) -> bool:
    """Whether the actor is staff of the listing's centre (or of the city centre above it):
    the relation ``centre`` of accounts/permissions.py, on the listing's centres."""
    return actor.has_role(Role.CENTRE_STAFF) and not listing.centres.isdisjoint(
        actor.acting_for(Role.CENTRE_STAFF)
    )


def operator(actor: Actor, listing: Listing | None, action: str) -> Acting:
    """The listing's centre, or its agency (any centre or agency for a new listing: the
    publication checks the stored listing's centre again, listing.service.publish)."""
    if actor.has_role(Role.CENTRE_STAFF) and (listing is None or of_centre(actor, listing)):
        return Acting.CENTRE
    agencies = actor.acting_for(Role.AGENCY)
    if agencies and (listing is None or listing.agency_id in agencies):
        return Acting.AGENCY
    raise _denied(action, "the centre or the listing's agency does this")


def staff(actor: Actor, action: str) -> None:
    """Centre staff at all (checked before the body is read; :func:`centre` then checks
    that the actor is staff of this listing's centre)."""
    if not actor.has_role(Role.CENTRE_STAFF):
        raise _denied(action, "the listing's centre does this")


def centre(actor: Actor, listing: Listing, action: str) -> Acting:
    """The listing's centre only (qualification: the one party that sees names before the end)."""
    if of_centre(actor, listing):
        return Acting.CENTRE
    raise _denied(action, "the listing's centre does this")


def seller(actor: Actor, listing: Listing, action: str) -> Acting:
    """A user acting for the seller's organisation."""
    if listing.seller_id in actor.acting_for(Role.TENDERER):
        return Acting.SELLER
    raise _denied(action, "the seller does this")


def bidder(actor: Actor, action: str) -> Acting:
    """A bidder's user, for its own organisation."""
    if actor.has_role(Role.BIDDER):
        return Acting.BIDDER
    raise _denied(action, "a bidder does this")


def official_seat(actor: Actor, listing: Listing, action: str) -> int:
    """The actor's x on the listing's committee."""
    if actor.has_role(Role.OPENING_OFFICIAL) and actor.user_id in listing.officials:
        return listing.officials.index(actor.user_id) + 1
    raise _denied(action, "an official of the listing's committee does this")


def sees_names(actor: Actor | None, listing: Listing) -> bool:
    """Names behind numbers: the listing's centre and supervisors always; everyone after
    the decision."""
    if listing.status in (Status.DECIDED, Status.CONCLUDED):
        return True
    return actor is not None and names_reader(actor, listing)


def names_reader(actor: Actor, listing: Listing) -> bool:
    """The listing's centre and supervisors read registrations with names at any time."""
    return of_centre(actor, listing) or actor.has_role(Role.SUPERVISOR)
