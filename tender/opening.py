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
from dataclasses import dataclass

from signing import shamir
from signing.age import Header, X25519Recipient, check_file_key
from signing.errors import (
    AgeFormatError,
    BidManifestWrongTender,
    BidNotBiddersOwn,
    CertificateError,
    ShamirError,
    ShamirInconsistentShares,
    ShamirNotEnoughShares,
    ShareCommitmentMismatch,
    ShareDisputeNeedsFileKey,
    SignatureError,
    SigningError,
)
from signing.shares import (
    Verdict,
    adjudicate,
    adjudicate_with_file_key,
    find_share_stanza,
    verify_commitment,
)
from tender.errors import TenderError, TimeNotAware
from tender.model import OpeningPolicy

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


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class KeyResult:
    """What the officials' accepted shares give: a key, a bidder's failure, or not yet."""

    file_key: bytes | None = None
    cause: Cause | None = None

    @property
    def pending(self) -> bool:
        """Fewer than k accepted shares so far."""
        return self.file_key is None and self.cause is None

    def __repr__(self) -> str:
        state = "key" if self.file_key else (self.cause or "pending")
        return f"KeyResult({state})"


def combine_shares(header: Header, shares: Sequence[shamir.Share], k: int) -> KeyResult:
    """Combine ALL accepted shares of a part, check consistency and the header MAC.

    Inconsistent shares, or a key the MAC refuses, mean the bidder wrapped shares
    that do not belong together: the bidder's fault (DESIGN.md, "Opening").
    """
    if len(shares) < k:
        return KeyResult()
    try:
        file_key = shamir.combine(shares, k)
    except ShamirNotEnoughShares:
        return KeyResult()
    except ShamirInconsistentShares:
        return KeyResult(cause=Cause.SHARES_INCONSISTENT)
    try:
        check_file_key(header, file_key)
    except AgeFormatError:
        return KeyResult(cause=Cause.KEY_FAILS_MAC)
    return KeyResult(file_key=file_key)


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class KeyDecision:
    """Which key opens the part under the tender's policy, or why it cannot."""

    file_key: bytes | None = None
    cause: Cause | None = None
    by_officials: bool = False

    @property
    def outcome(self) -> Outcome:
        """PENDING while undecided, else OPENED (key found) or the cause's outcome."""
        if self.cause is not None:
            return outcome_of(self.cause)
        return Outcome.PENDING

    def __repr__(self) -> str:
        return f"KeyDecision(key={self.file_key is not None}, cause={self.cause})"


def decide_key(
    policy: OpeningPolicy,
    officials: KeyResult,
    *,
    self_key: bytes | None,
    window_closed: bool,
) -> KeyDecision:
    """Apply the strict or lenient policy (DESIGN.md, "Opening").

    Strict: only the officials' shares open a bid; a bid whose shares fail is revoked
    whatever the bidder does, even if it self-decrypted. Lenient: either path.
    """
    if officials.file_key is not None:
        return KeyDecision(file_key=officials.file_key, by_officials=True)
    if policy is OpeningPolicy.LENIENT and self_key is not None:
        return KeyDecision(file_key=self_key)
    if officials.cause is not None:
        return KeyDecision(cause=officials.cause)
    if window_closed:
        if self_key is not None:  # strict: opened only by its owner
            return KeyDecision(cause=Cause.OPENS_ONLY_BY_SELF)
        return KeyDecision(cause=Cause.TOO_FEW_OFFICIALS)
    return KeyDecision()


def settle_dispute(
    header: Header,
    released: shamir.Share,
    *,
    fingerprint: bytes,
    part: str,
    recipients: Sequence[X25519Recipient],
    revealed_secret: bytes | None = None,
    file_key: bytes | None = None,
) -> Verdict | None:
    """Decide who is at fault for a share that does not match its commitment.

    The revealed X25519 secret settles it when it opens the stanza; otherwise a file
    key (self-decryption or the other officials' shares) rebuilds the stanza. None
    when neither is available yet.
    """
    stanza = find_share_stanza(header, released.x)
    if revealed_secret is not None:
        try:
            return adjudicate(
                stanza,
                revealed_secret,
                released,
                fingerprint,
                part,
                recipient=recipients[released.x - 1],
            )
        except ShareDisputeNeedsFileKey:
            pass
    if file_key is None:
        return None
    return adjudicate_with_file_key(
        header, file_key, released, fingerprint, part, recipients=recipients
    )


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


@dataclass(frozen=True, kw_only=True, slots=True)
class PartAssessment:
    """One part's state after checking every released share and settling disputes."""

    decision: KeyDecision
    accepted: tuple[int, ...]
    disputed: tuple[int, ...]
    verdicts: Mapping[int, Verdict]

    @property
    def officials_at_fault(self) -> tuple[int, ...]:
        """The x of every official whose released share was a lie."""
        return tuple(x for x, v in self.verdicts.items() if v is Verdict.OFFICIAL_FAULT)


@dataclass(frozen=True, kw_only=True, slots=True)
class PartInputs:
    """Everything known about one part at one moment of the opening."""

    header: Header
    fingerprint: bytes
    part: str
    k: int
    recipients: Sequence[X25519Recipient]
    released: Sequence[shamir.Share]
    revealed: Mapping[int, bytes]
    self_key: bytes | None
    policy: OpeningPolicy
    window_closed: bool


def _settle_all(
    inputs: PartInputs, disputed: Sequence[shamir.Share], key: bytes | None
) -> dict[int, Verdict]:
    verdicts: dict[int, Verdict] = {}
    for share in disputed:
        verdict = settle_dispute(
            inputs.header,
            share,
            fingerprint=inputs.fingerprint,
            part=inputs.part,
            recipients=inputs.recipients,
            revealed_secret=inputs.revealed.get(share.x),
            file_key=key,
        )
        if verdict is not None:
            verdicts[share.x] = verdict
    return verdicts


def assess_part(inputs: PartInputs) -> PartAssessment:
    """Check, combine and decide one part (DESIGN.md, "Opening"), in that order.

    Shares matching their commitments are combined, all of them; a disputed share
    is settled by the official's revealed secret or by whatever key is known. A
    verdict against the bidder fails the part; a lying official's share is ignored.
    """
    checks = {
        s.x: check_released_share(
            inputs.header, s, fingerprint=inputs.fingerprint, part=inputs.part
        )
        for s in inputs.released
    }
    accepted = [s for s in inputs.released if checks[s.x] is ShareCheck.ACCEPTED]
    disputed = [s for s in inputs.released if checks[s.x] is ShareCheck.DISPUTED]
    officials = combine_shares(inputs.header, accepted, inputs.k)
    verdicts = _settle_all(inputs, disputed, officials.file_key or inputs.self_key)
    decision = decide_key(
        inputs.policy, officials, self_key=inputs.self_key, window_closed=inputs.window_closed
    )
    if Verdict.BIDDER_FAULT in verdicts.values():
        decision = KeyDecision(cause=Cause.SHARE_NOT_AS_COMMITTED)
    elif decision.cause is Cause.TOO_FEW_OFFICIALS and len(verdicts) < len(disputed):
        decision = KeyDecision(cause=Cause.DISPUTE_UNRESOLVED)
    return PartAssessment(
        decision=decision,
        accepted=tuple(s.x for s in accepted),
        disputed=tuple(s.x for s in disputed),
        verdicts=verdicts,
    )


def apply_lot_rule(
    decisions: Mapping[str, KeyDecision], *, released_by: Sequence[int], k: int, window_closed: bool
) -> dict[str, KeyDecision]:
    """Fewer than k officials by the window's end: every bid of the lot is withdrawn
    through no bidder's fault (DESIGN.md, "Opening"), whichever key each one has."""
    if window_closed and officials_short(released_by, k):
        return {bid: KeyDecision(cause=Cause.TOO_FEW_OFFICIALS) for bid in decisions}
    return dict(decisions)
