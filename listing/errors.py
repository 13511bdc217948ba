"""Errors of listings (issue 18, items 1 and 3), each named after the rule it enforces.

    ListingError                       listing_error                         422
    ├── ListingNotFound                listing_not_found                     404
    ├── ListingInputInvalid            listing_input_invalid                 422
    ├── ListingPeriodTooShort          listing_period_too_short              422
    ├── ListingNoticeTooShort          listing_notice_too_short              422
    ├── ListingStateConflict           listing_state_conflict                409
    ├── ListingBidderNotFound          listing_bidder_not_found              404
    ├── ListingBidderRelated           listing_bidder_related                422
    ├── ListingBidderExists            listing_bidder_exists_conflict        409
    ├── ListingDepositMissing          listing_deposit_missing               422
    ├── ListingDepositPaidAtInvalid    listing_deposit_paid_at_invalid       422
    ├── ListingDepositUnchanged        listing_deposit_unchanged             422
    ├── ListingDepositStale            listing_deposit_stale_conflict        409
    ├── ListingReserveInvalid          listing_reserve_invalid               422
    ├── ListingReserveLocked           listing_reserve_locked_conflict       409
    ├── ListingReserveUnopened         listing_reserve_unopened_conflict     409
    ├── ListingShareInvalid            listing_share_invalid                 422
    ├── ListingAgreementTooLow         listing_agreement_too_low             422
    └── ListingSignatureInvalid        listing_signature_invalid             422

Someone who may not act on a listing at all gets accounts' ``permission_denied`` (403);
a listing the reader may not see is ``listing_not_found`` (404), so its existence leaks
to no one. Codes are part of the public interface (docs/api-listing.md lists them).
"""

from __future__ import annotations

from signing.errors import EtenderError


class ListingError(EtenderError):
    """Root of every error raised by listing/ (the bidding engine's excepted)."""

    code = "listing_error"


class ListingNotFound(ListingError):
    """No such listing (or not one the reader may see)."""

    code = "listing_not_found"
    status = 404


class ListingInputInvalid(ListingError):
    """A field of the request breaks its format (details: the field)."""

    code = "listing_input_invalid"


class ListingNoticeTooShort(ListingError):
    """MLR Decree 39: the notice is published at least 20 days before the listing starts."""

    code = "listing_notice_too_short"


class ListingPeriodTooShort(ListingError):
    """MLR Decree 39: a listing runs ≥ 10 working days; SASAC/MOF Decree 32: a state-owned
    property transfer ≥ 20 working days."""

    code = "listing_period_too_short"


class ListingStateConflict(ListingError):
    """The step does not fit where the listing stands now (details: status, phase)."""

    code = "listing_state_conflict"
    status = 409


class ListingBidderNotFound(ListingError):
    """No such registration on this listing."""

    code = "listing_bidder_not_found"
    status = 404


class ListingBidderRelated(ListingError):
    """A bidder related to the seller (the registry of parties) is refused."""

    code = "listing_bidder_related"


class ListingBidderExists(ListingError):
    """The organisation has registered for this listing already."""

    code = "listing_bidder_exists_conflict"
    status = 409


class ListingDepositMissing(ListingError):
    """A bidder is qualified only with its full deposit (竞买保证金) held."""

    code = "listing_deposit_missing"


class ListingDepositPaidAtInvalid(ListingError):
    """A deposit is paid after the listing's notice and not later than now: a ``paid_at``
    in the future (2099 for 2026) is a clerk's typo, never a payment (details: field,
    earliest, latest)."""

    code = "listing_deposit_paid_at_invalid"


class ListingDepositUnchanged(ListingError):
    """A deposit correction that changes nothing of the record (kind, amount, time, account
    or guarantee number) would log a correction of nothing (the outside tester's F16)."""

    code = "listing_deposit_unchanged"


class ListingDepositStale(ListingError):
    """A deposit correction names the record it replaces by ``deposit_version`` (how many
    corrections it had): another clerk corrected it since, so this one would silently
    overwrite theirs (the outside tester's F8; details: deposit_version, the current one)."""

    code = "listing_deposit_stale_conflict"
    status = 409


class ListingReserveInvalid(ListingError):
    """The sealed reserve is not one part sealed to this listing's committee."""

    code = "listing_reserve_invalid"


class ListingReserveLocked(ListingError):
    """The reserve is sealed before the listing starts and never changed after."""

    code = "listing_reserve_locked_conflict"
    status = 409


class ListingReserveUnopened(ListingError):
    """The reserve did not open (too few shares, or the part fails its checks)."""

    code = "listing_reserve_unopened_conflict"
    status = 409


class ListingShareInvalid(ListingError):
    """A released share is malformed or does not match its commitment."""

    code = "listing_share_invalid"


class ListingAgreementTooLow(ListingError):
    """SASAC/MOF Decree 32: one buyer agrees at no less than the listed price."""

    code = "listing_agreement_too_low"


class ListingSignatureInvalid(ListingError):
    """The confirmation's signature does not verify, or not by the side's certificate."""

    code = "listing_signature_invalid"
