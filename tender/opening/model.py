"""The opening of sealed bids, as pure decisions (DESIGN.md, "Opening"; DOMAIN.md,
"Submission and opening").

Nothing here touches the database or the clock: the service passes in the database
time, the headers, the released shares and what came out of streaming decryption,
and this module decides — whether a release is allowed, whether a released share
matches its commitment, what the shares combine to, whose fault a failure is, and
whether the lot's prices may be shown yet.

Outcomes follow EBM 31: a failure through the bidder's fault makes the bid revoked
(撤销); any other cause makes it withdrawn (撤回); the opening continues with the
others. Every failure records its cause and the party at fault.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence

from signing import shamir
from signing.age import Header, check_file_key
from signing.errors import (
    AgeFormatError,
    BidManifestWrongTender,
    BidNotBiddersOwn,
    CertificateError,
    ShamirError,
    ShareCommitmentMismatch,
    SignatureError,
    SigningError,
)
from signing.shares import (
    find_share_stanza,
    verify_commitment,
)
from tender.errors import TenderError, TimeNotAware

MIN_BIDS_TO_OPEN = 3  # Reg. 44: fewer than 3 bids, no opening, re-tender


class OpeningError(TenderError):
    """Root of the opening's errors."""

    code = "opening_error"


class ShareReleaseBeforeDeadline(OpeningError):
    """A share may be released only once the bid deadline has passed (EBM 23–27)."""

    code = "opening_release_too_early"


class ShareReleaseWindowClosed(OpeningError):
    """Shares and self-decryption keys are accepted only until the window closes."""

    code = "opening_window_closed"


class ShareReleaseInvalid(OpeningError):
    """A released share has the wrong x or length for its part's stanza."""

    code = "opening_share_invalid"


class SelfDecryptionKeyInvalid(OpeningError):
    """A bidder's self-decryption key fails the header MAC (DESIGN.md, "Opening")."""

    code = "opening_file_key_invalid"


class LotBelowMinimumBids(OpeningError):
    """Fewer than 3 bids in the freeze list: the lot does not open (Reg. 44)."""

    code = "opening_too_few_bids"


class Outcome(enum.StrEnum):
    """What a bid became at the opening."""

    PENDING = "pending"
    OPENED = "opened"
    REVOKED = "revoked"  # 撤销: the bidder's fault (EBM 31)
    WITHDRAWN = "withdrawn"  # 撤回: any other cause (EBM 31)


class Party(enum.StrEnum):
    """Who is at fault for a failure (DOMAIN.md: record the cause and the party)."""

    NONE = "none"
    BIDDER = "bidder"
    OFFICIAL = "official"
    PLATFORM = "platform"


class Cause(enum.StrEnum):
    """Why a part failed, or why a share was set aside."""

    SHARES_INCONSISTENT = "shares_inconsistent"  # released shares on no one polynomial
    KEY_FAILS_MAC = "key_fails_mac"  # the combined key does not open the header
    SHARE_NOT_AS_COMMITTED = "share_not_as_committed"  # dispute decided against the bidder
    OPENS_ONLY_BY_SELF = "opens_only_by_self_decryption"  # strict policy
    ARCHIVE_INVALID = "archive_invalid"  # payload, tar or manifest does not check
    SIGNATURE_INVALID = "signature_invalid"  # manifest.p7s or its chain at receipt time
    # The manifest's signer, bidder, consortium, tender, lot or part is not the frozen
    # bid's: a copy of another bidder's sealed file (sealed-bid.md §7; issue 9, item 1).
    NOT_BIDDERS_OWN = "not_the_bidders_own"
    # Reg. 37: one organisation in two bids of a lot (as bidder or consortium member).
    ORGANISATION_IN_TWO_BIDS = "organisation_in_two_bids"
    CIPHERTEXT_CHANGED = "ciphertext_changed"  # stored bytes differ from the freeze list
    TOO_FEW_OFFICIALS = "too_few_officials"  # fewer than k shares by the window's end
    DISPUTE_UNRESOLVED = "dispute_unresolved"  # nobody could settle a commitment dispute


_FAULT_OF: Mapping[Cause, Party] = {
    Cause.SHARES_INCONSISTENT: Party.BIDDER,
    Cause.KEY_FAILS_MAC: Party.BIDDER,
    Cause.SHARE_NOT_AS_COMMITTED: Party.BIDDER,
    Cause.OPENS_ONLY_BY_SELF: Party.BIDDER,
    Cause.ARCHIVE_INVALID: Party.BIDDER,
    Cause.SIGNATURE_INVALID: Party.BIDDER,
    Cause.NOT_BIDDERS_OWN: Party.BIDDER,
    Cause.ORGANISATION_IN_TWO_BIDS: Party.BIDDER,
    Cause.CIPHERTEXT_CHANGED: Party.PLATFORM,
    Cause.TOO_FEW_OFFICIALS: Party.NONE,
    Cause.DISPUTE_UNRESOLVED: Party.OFFICIAL,
}


def fault_of(cause: Cause) -> Party:
    """The party at fault for ``cause``."""
    return _FAULT_OF[cause]


def outcome_of(cause: Cause) -> Outcome:
    """Bidder's fault → revoked (撤销); anyone else's → withdrawn (撤回) (EBM 31)."""
    return Outcome.REVOKED if fault_of(cause) is Party.BIDDER else Outcome.WITHDRAWN


def require_aware(moment: dt.datetime) -> dt.datetime:
    """Refuse naive datetimes (STYLE.md: time is passed in, UTC, aware)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeNotAware("the opening needs timezone-aware datetimes")
    return moment


def check_release_time(*, deadline: dt.datetime, window_end: dt.datetime, now: dt.datetime) -> None:
    """A share or key is accepted only after the deadline and before the window closes."""
    if require_aware(now) < require_aware(deadline):
        raise ShareReleaseBeforeDeadline(
            f"the bid deadline {deadline.isoformat()} has not passed ({now.isoformat()})"
        )
    if now >= require_aware(window_end):
        raise ShareReleaseWindowClosed(f"the decryption window closed at {window_end.isoformat()}")


def check_lot_opens(bid_count: int) -> None:
    """Refuse to open a lot whose freeze list holds fewer than 3 bids (Reg. 44)."""
    if bid_count < MIN_BIDS_TO_OPEN:
        raise LotBelowMinimumBids(
            f"the freeze list holds {bid_count} bids; at least {MIN_BIDS_TO_OPEN} are needed"
        )


class ShareCheck(enum.StrEnum):
    """A released share either matches its stanza's commitment or opens a dispute."""

    ACCEPTED = "accepted"
    DISPUTED = "disputed"


def check_released_share(
    header: Header, share: shamir.Share, *, fingerprint: bytes, part: str
) -> ShareCheck:
    """Check one released share against the commitment in its part's stanza."""
    try:
        stanza = find_share_stanza(header, share.x)
        verify_commitment(stanza, share, fingerprint, part)
    except ShareCommitmentMismatch:
        return ShareCheck.DISPUTED  # DESIGN.md, "Opening": the official must reveal
    except ShamirError as exc:
        raise ShareReleaseInvalid(f"share x={share.x}: {exc}") from exc
    return ShareCheck.ACCEPTED


def check_self_key(header: Header, file_key: bytes) -> bytes:
    """The bidder's 16-byte key, checked against the header MAC (self-decryption)."""
    try:
        check_file_key(header, file_key)
    except (AgeFormatError, ValueError) as exc:
        raise SelfDecryptionKeyInvalid("the key does not open this part's header") from exc
    return file_key


def cause_of_open_failure(error: SigningError) -> Cause:
    """After the MAC has accepted the key, any failure of the payload or manifest is
    the bidder's: it sealed this archive and signed this manifest — or submitted as its
    own a part that another bidder sealed and signed."""
    if isinstance(error, BidNotBiddersOwn | BidManifestWrongTender):
        return Cause.NOT_BIDDERS_OWN
    if isinstance(error, CertificateError | SignatureError):
        return Cause.SIGNATURE_INVALID
    return Cause.ARCHIVE_INVALID


def lot_settled(outcomes: Sequence[Outcome]) -> bool:
    """True once every bid of the lot has opened or failed: prices may then be shown."""
    return all(o is not Outcome.PENDING for o in outcomes)


def officials_short(released_by: Sequence[int], k: int) -> bool:
    """Fewer than k distinct officials released anything: the lot cannot open by shares."""
    return len(set(released_by)) < k
