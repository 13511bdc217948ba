"""Who may make and read a tender's archive package (issue 13, item 7).

Centre staff make it on demand (the job makes it otherwise); the centre, the
supervising department and the tender's agency download it and its supplements.
Anyone else gets ``permission_denied``; a draft they may not read is not found.
"""

from __future__ import annotations

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from accounts.permissions import Action, is_allowed
from signing.log.entry import Actor as LogActor
from tender.access import hide_draft, is_agency, is_overseer, log_actor, resource
from tender.model import Tender


def require_builder(actor: Actor, tender: Tender) -> LogActor:
    """Centre staff (the role that hosts openings: 交易中心) make packages on demand."""
    hide_draft(actor, tender)
    if not is_allowed(actor, Action.HOST_OPENING, resource(tender)):
        raise PermissionDenied(
            "the trading centre's staff make archive packages",
            details={"action": "build_archive", "resource": "tender"},
        )
    return log_actor(actor, Role.CENTRE_STAFF)


def require_reader(actor: Actor, tender: Tender) -> None:
    """The centre, the supervising department and the agency read the package."""
    hide_draft(actor, tender)
    if not (is_overseer(actor, tender) or is_agency(actor, tender)):
        raise PermissionDenied(
            "the archive is read by the centre, the supervising department and the agency",
            details={"action": "read_archive", "resource": "tender"},
        )
