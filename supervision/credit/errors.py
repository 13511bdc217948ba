"""Errors of credit supervision (issue 14, item 2: 信用监管, 失信惩戒).

    CreditError                             credit_error                        422
    ├── PartyBlacklisted                    party_blacklisted                   403
    ├── ViolationFindingMissing             violation_finding_missing           422
    ├── SanctionFindingMissing              sanction_finding_missing            422
    ├── ViolationNotFound                   violation_not_found                 404
    ├── CreditInputInvalid                  credit_input_invalid                422
    ├── CreditEntryTermInvalid              credit_entry_term_invalid           422
    ├── CreditEntryBasisMissing             credit_entry_basis_missing          422
    ├── CreditEntryNotFound                 credit_entry_not_found              404
    ├── CreditAppealNotFound                credit_appeal_not_found             404
    ├── CreditAppealNotYours                credit_appeal_not_yours             403
    ├── CreditAppealPending                 credit_appeal_pending_conflict      409
    ├── CreditAppealDecided                 credit_appeal_decided_conflict      409
    └── CreditPolicyInvalid                 credit_policy_invalid               422

Codes are part of the public interface (docs/api-credit.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class CreditError(SupervisionError):
    """Root of every error raised by supervision/credit/."""

    code = "credit_error"


class PartyBlacklisted(CreditError):
    """The party is on the black list: it may not register, download documents or bid
    while the entry runs (details: the entry id, its basis and term)."""

    code = "party_blacklisted"
    status = 403


class ViolationFindingMissing(CreditError):
    """A violation names no finding (inspection, complaint, supervision record or
    another authority's decision, with its reference)."""

    code = "violation_finding_missing"


class SanctionFindingMissing(CreditError):
    """A sanction names no violation, so it rests on no finding."""

    code = "sanction_finding_missing"


class ViolationNotFound(CreditError):
    """No violation has this id."""

    code = "violation_not_found"
    status = 404


class CreditInputInvalid(CreditError):
    """A field of a violation, sanction, list entry or appeal breaks its shape."""

    code = "credit_input_invalid"


class CreditEntryTermInvalid(CreditError):
    """A list entry's term ends before it starts."""

    code = "credit_entry_term_invalid"


class CreditEntryBasisMissing(CreditError):
    """A black-list entry rests on no violation of the record nor an authority's list."""

    code = "credit_entry_basis_missing"


class CreditEntryNotFound(CreditError):
    """No list entry has this id."""

    code = "credit_entry_not_found"
    status = 404


class CreditAppealNotFound(CreditError):
    """No appeal has this id."""

    code = "credit_appeal_not_found"
    status = 404


class CreditAppealNotYours(CreditError):
    """Only the listed party appeals its own entry."""

    code = "credit_appeal_not_yours"
    status = 403


class CreditAppealPending(CreditError):
    """The entry has an appeal awaiting its decision already."""

    code = "credit_appeal_pending_conflict"
    status = 409


class CreditEntryExists(CreditError):
    """The violation has an entry on this list already: running, or revoked by an upheld
    appeal (the appeal's decision stands; a new finding needs a new violation)."""

    code = "credit_entry_exists_conflict"
    status = 409


class CreditAppealDecided(CreditError):
    """The appeal is decided (a decision is never changed), or the entry was revoked."""

    code = "credit_appeal_decided_conflict"
    status = 409


class CreditPolicyInvalid(CreditError):
    """The credit formula (policy data) names an unknown fact or a bad number."""

    code = "credit_policy_invalid"
