"""Errors of the auction engine, under the one root (signing/errors.py).

    AuctionError                      auction_error                    422
    ├── AuctionNotFound               auction_not_found                404
    ├── AuctionBidNotFound            auction_bid_not_found            404
    ├── AuctionSpecInvalid            auction_spec_invalid             422
    ├── AuctionCommandInvalid         auction_command_invalid          422
    ├── AuctionBidderUnknown          auction_bidder_unknown           403
    ├── AuctionBidderNotInCountdown   auction_bidder_not_in_countdown  403
    ├── AuctionSignatureInvalid       auction_signature_invalid        422
    ├── AuctionSignerMismatch         auction_signer_mismatch          403
    ├── AuctionPhaseInvalid           auction_phase_invalid            409
    ├── AuctionNotStarted             auction_not_started              409
    ├── AuctionEnded                  auction_ended                    409
    ├── AuctionBidTooLow              auction_bid_too_low              409
    ├── AuctionBidStale               auction_bid_stale                409
    ├── AuctionBidReplayed            auction_bid_replayed             409
    ├── AuctionBidOutOfOrder          auction_bid_out_of_order         409
    └── AuctionAlreadyLeading         auction_already_leading          409

Each names the rule of docs/formats/auction.md §5 it enforces; a refused bid changes
nothing (the bid's transaction rolls back, no event, no log entry).
"""

from __future__ import annotations

from signing.errors import EtenderError


class AuctionError(EtenderError):
    """Root of every error raised by listing.auction."""

    code = "auction_error"


class AuctionNotFound(AuctionError):
    """No auction has this id (or the asker may not see it)."""

    code = "auction_not_found"
    status = 404


class AuctionBidNotFound(AuctionError):
    """No bid of yours has this number in this auction (another bidder's is not shown)."""

    code = "auction_bid_not_found"
    status = 404


class AuctionSpecInvalid(AuctionError):
    """An auction's terms break a rule (a price or increment not positive, a bidder twice)."""

    code = "auction_spec_invalid"


class AuctionCommandInvalid(AuctionError):
    """A command's data is not what §4 says (a missing, extra or mistyped field, an unknown
    command type: ``details.field`` names it)."""

    code = "auction_command_invalid"


class AuctionBidderUnknown(AuctionError):
    """The signed-in user is not the registered bidder under that number (§5, rule 4)."""

    code = "auction_bidder_unknown"
    status = 403


class AuctionBidderNotInCountdown(AuctionError):
    """The timed auction admits only the bidders who asked to go on (§5, rule 7)."""

    code = "auction_bidder_not_in_countdown"
    status = 403


class AuctionSignatureInvalid(AuctionError):
    """The bid's CMS signature does not verify over its signed form (§3)."""

    code = "auction_signature_invalid"


class AuctionSignerMismatch(AuctionError):
    """The bid is signed, but not by the bidder's own current registered certificate."""

    code = "auction_signer_mismatch"
    status = 403


class AuctionPhaseInvalid(AuctionError):
    """The step does not fit the auction's phase (go on twice, a bidder added too late)."""

    code = "auction_phase_invalid"
    status = 409


class AuctionNotStarted(AuctionError):
    """The bid reached the lock before the listing period's start, by the database clock
    (§5, rule 5); ``details.starts_at`` says when bids are taken from."""

    code = "auction_not_started"
    status = 409


class AuctionEnded(AuctionError):
    """The bid reached the lock at or after the end, by the database clock (§5, rule 6);
    ``details.ends_at`` says when that was."""

    code = "auction_ended"
    status = 409


class AuctionBidTooLow(AuctionError):
    """Below the start price (first bid) or the standing price plus the increment (§5, rule 12)."""

    code = "auction_bid_too_low"
    status = 409


class AuctionBidStale(AuctionError):
    """The bid was signed against a standing price that is no longer the standing one."""

    code = "auction_bid_stale"
    status = 409


class AuctionBidReplayed(AuctionError):
    """The bidder's sequence number was used before: a signed bid counts once."""

    code = "auction_bid_replayed"
    status = 409


class AuctionBidOutOfOrder(AuctionError):
    """The bidder's sequence number skips ahead: an earlier bid is missing (reordered)."""

    code = "auction_bid_out_of_order"
    status = 409


class AuctionAlreadyLeading(AuctionError):
    """The standing price is the bidder's own: nobody raises against himself (§5, rule 11)."""

    code = "auction_already_leading"
    status = 409
