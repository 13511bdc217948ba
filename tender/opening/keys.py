"""Which key opens a sealed part, as pure decisions (DESIGN.md, "Opening").

The officials' released shares are checked against their commitments, the accepted
ones combined (all of them), a disputed share settled by the official's revealed
secret or by whatever key is known, and the tender's strict or lenient policy applied;
the lot rule withdraws every bid when fewer than k officials released anything.
Nothing here touches the database or the clock (model.py has the causes, outcomes
and the release checks these build on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from signing import shamir
from signing.age import Header, X25519Recipient, check_file_key
from signing.errors import (
    AgeFormatError,
    ShamirInconsistentShares,
    ShamirNotEnoughShares,
    ShareDisputeNeedsFileKey,
)
from signing.shares import Verdict, adjudicate, adjudicate_with_file_key, find_share_stanza
from tender.model import OpeningPolicy
from tender.opening.model import (
    Cause,
    Outcome,
    ShareCheck,
    check_released_share,
    officials_short,
    outcome_of,
)


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
