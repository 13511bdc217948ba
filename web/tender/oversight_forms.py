"""Forms of the centre's and the supervisor's tender pages, parsed for their use cases.

Amounts are entered in yuan and times in Beijing time (web/tender/forms.py converts);
anything that does not parse is ``tender_input_invalid`` naming the field, before any
use case runs — a refused form writes nothing.
"""

from __future__ import annotations

from uuid import UUID

from starlette.datastructures import FormData

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from tender.bonds.model import BondKind
from tender.bonds.service import BondInput
from tender.errors import TenderInputInvalid
from web.tender.forms import parse_local, text, yuan_to_fen


def _field_error(message: str, field: str) -> TenderInputInvalid:
    return TenderInputInvalid(message, details={"field": field})


def committee_choice(form: FormData) -> tuple[int, list[UUID]]:
    """The threshold k and the chosen officials, in the order they are listed (x = 1…n)."""
    raw_k = text(form, "k")
    if not raw_k.isdigit():
        raise _field_error("k is a whole number", "k")
    chosen: list[UUID] = []
    for value in form.getlist("officials"):
        try:
            chosen.append(UUID(str(value)))
        except ValueError:
            raise _field_error("choose officials from the list", "officials") from None
    if not chosen:
        raise _field_error("choose the officials to seat", "officials")
    return int(raw_k), chosen


def roster_choice(form: FormData) -> str:
    """The SHA-256 of the roster the supervisor read (what it approves)."""
    digest = text(form, "roster_sha256")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise _field_error("the roster read is missing: reload the page", "roster_sha256")
    return digest


def bond_input(form: FormData) -> BondInput:
    """A bond as the centre's staff enter it: a transfer or a guarantee letter."""
    try:
        kind = BondKind(text(form, "kind"))
    except ValueError:
        raise _field_error("choose how the bond was given", "kind") from None
    try:
        bidder_id = UUID(text(form, "bidder_id"))
    except ValueError:
        raise _field_error("choose the bidder", "bidder_id") from None
    paid_at = parse_local(text(form, "paid_at"), "paid_at")
    if paid_at is None:
        raise _field_error("enter when the bond arrived", "paid_at")
    transfer = kind is BondKind.TRANSFER
    return BondInput(
        lot=text(form, "lot"),
        bidder_id=bidder_id,
        kind=kind,
        amount_fen=yuan_to_fen(text(form, "amount"), "amount"),
        paid_at=paid_at,
        paying_account=text(form, "paying_account") if transfer else None,
        guarantee_no=None if transfer else text(form, "guarantee_no"),
        issuer=None if transfer else text(form, "issuer"),
    )


def refund_reference(form: FormData) -> str:
    """The bank's reference of a refund."""
    reference = text(form, "reference")
    if not reference:
        raise _field_error("enter the bank's refund reference", "reference")
    return reference


def require_drafter(actor: Actor) -> None:
    """The agency's pages are for agencies and tenderers (tender/service.py list_mine):
    a bidder, an expert, a witness or an administrator is refused, not shown an empty
    desk with a form it may not use."""
    if not (actor.has_role(Role.AGENCY) or actor.has_role(Role.TENDERER)):
        raise PermissionDenied(
            "this page is for agencies and tenderers",
            details={"action": "create_tender", "resource": "tender"},
        )
