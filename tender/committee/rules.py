"""The rules a lot's opening committee keeps before the tender is published.

One error class per rule, as in rules.py (which runs :func:`check_committees` with
its other checks); :func:`check_seats` is also what the committee service checks a
proposed roster with (DESIGN.md, "Opening committee").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

from cryptography import x509

from signing.certs import cert_sha256
from signing.errors import SigningError
from signing.statements.base import SignedStatement
from signing.statements.recipient import verify_recipient_statement
from tender.committee.model import Roster
from tender.errors import TenderRuleBroken
from tender.model import Tender
from tender.setup import Context

# --- one class per rule -----------------------------------------------------------


class CommitteeMissing(TenderRuleBroken):
    """Every lot has an opening committee."""

    code = "committee_missing"
    rule = "DESIGN.md, Opening committee"


class CommitteeUnapproved(TenderRuleBroken):
    """The supervising department approved the committee (not the agency alone)."""

    code = "committee_unapproved"
    rule = "DESIGN.md, Opening committee"


class CommitteeSingleOrganisation(TenderRuleBroken):
    """Officials come from at least two organisations."""

    code = "committee_single_organisation"
    rule = "DESIGN.md, Opening committee"


class CommitteeStatementInvalid(TenderRuleBroken):
    """Every official's recipient statement verifies against a trusted CA now."""

    code = "committee_statement_invalid"
    rule = "DESIGN.md, Opening committee"


class OfficialCertificateExpires(TenderRuleBroken):
    """An official's certificate stays valid until the decryption window closes."""

    code = "official_certificate_expires_before_opening"
    rule = "DESIGN.md, Opening committee"


class OfficialFromInterestedParty(TenderRuleBroken):
    """No official belongs to the tender's agency or tenderer."""

    code = "official_from_interested_party"
    rule = "DESIGN.md, Who uses it"


# --- the checks -------------------------------------------------------------------


def check_committees(
    tender: Tender, rosters: Mapping[str, Roster], ctx: Context
) -> Iterator[TenderRuleBroken]:
    """Every lot: a committee, approved, from enough organisations, each seat sound."""
    for lot in tender.content.lots:
        roster = rosters.get(lot.number)
        if roster is None:
            yield CommitteeMissing("appoint the opening committee", lot=lot.number)
            continue
        if not roster.approved:
            yield CommitteeUnapproved(
                "the supervising department has not approved it", lot=lot.number
            )
        if len(roster.organisations) < ctx.policies.committee_min_organisations:
            yield CommitteeSingleOrganisation(
                f"officials from at least {ctx.policies.committee_min_organisations} organisations",
                lot=lot.number,
            )
        yield from check_seats(tender, roster, ctx)


def check_seats(tender: Tender, roster: Roster, ctx: Context) -> Iterator[TenderRuleBroken]:
    """Each official: statement verified now, certificate valid past the opening, no party."""
    parties = {tender.agency_id, tender.content.tenderer_id}
    closes = _opening_closes(tender)
    for seat in roster.seats:
        where = f"official x={seat.x}"
        if seat.organisation_id in parties:
            yield OfficialFromInterestedParty(
                f"{where} belongs to the agency or tenderer", lot=roster.lot
            )
        if closes is not None and seat.certificate.not_valid_after_utc < closes:
            yield OfficialCertificateExpires(
                f"{where}: certificate expires before the opening", lot=roster.lot
            )
        problem = _statement_problem(seat.statement, seat.certificate, seat.recipient, ctx)
        if problem is not None:
            yield CommitteeStatementInvalid(f"{where}: {problem}", lot=roster.lot)


def _opening_closes(tender: Tender) -> datetime | None:
    deadline = tender.content.schedule.deadline
    minutes = tender.content.schedule.decryption_minutes
    return None if deadline is None else deadline + timedelta(minutes=minutes)


def _statement_problem(
    statement: SignedStatement, cert: x509.Certificate, recipient: str, ctx: Context
) -> str | None:
    if ctx.trust is None:
        return "the server has no trusted CA roots"
    try:
        verified = verify_recipient_statement(statement, cert, ctx.trust, ctx.now)
    except SigningError as exc:
        return f"{exc.code}: {exc}"
    if verified.recipient != recipient or verified.cert_sha256 != cert_sha256(cert):
        return "the statement vouches for another recipient or certificate"
    return None
