"""The opening's pure decisions: release times, commitments, combining, policy, fault."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import secrets
from dataclasses import dataclass

import pytest

from signing import shamir
from signing.age import Header, X25519Identity, parse_header, unwrap_file_key
from signing.ageheader import build_header
from signing.certs import Identity
from signing.cms import verify_detached
from signing.demo_ca import DemoCA, Revocation, issue_crl, issue_identity
from signing.errors import (
    BidManifestMismatch,
    BidManifestWrongTender,
    BidNotBiddersOwn,
    CertificateRevoked,
)
from signing.sealed_bid import open_part
from signing.shares import (
    SHARE_TYPE,
    ShareStanza,
    Verdict,
    _wrap_share,
    derive_share_stanzas,
    reveal_shared_secret,
    unwrap_share,
)
from signing.trust import TrustStore
from tender.errors import TimeNotAware
from tender.model import OpeningPolicy
from tender.opening.keys import KeyDecision, PartInputs, apply_lot_rule, assess_part, combine_shares
from tender.opening.model import (
    Cause,
    LotBelowMinimumBids,
    Outcome,
    Party,
    SelfDecryptionKeyInvalid,
    ShareCheck,
    ShareReleaseBeforeDeadline,
    ShareReleaseInvalid,
    ShareReleaseWindowClosed,
    cause_of_open_failure,
    check_lot_opens,
    check_release_time,
    check_released_share,
    check_self_key,
    fault_of,
    lot_settled,
    outcome_of,
)
from tests.signing.bid_kit import CommitteeKit, make_committee, seal_bytes
from tests.tender.conftest import RULE_CA_TIME

AT = RULE_CA_TIME + dt.timedelta(days=30)
PART = "main"


@dataclass(frozen=True, kw_only=True, slots=True)
class Sealed:
    """A sealed part and the keys around it."""

    kit: CommitteeKit
    data: bytes
    header: Header
    bidder_age: X25519Identity

    @property
    def file_key(self) -> bytes:
        """The key, as the bidder's own stanza gives it."""
        return unwrap_file_key(self.header, [self.bidder_age])

    def share(self, x: int) -> shamir.Share:
        """Official x's share as its client unwraps it."""
        stanza = self.header.stanzas_of_type(SHARE_TYPE)[x - 1]
        return unwrap_share(
            self.kit.identities[x - 1], stanza, self.kit.committee.fingerprint, PART
        )

    def inputs(self, released: list[shamir.Share], **changes: object) -> PartInputs:
        """The assessment inputs with ``released`` shares, strict, window open."""
        base = PartInputs(
            header=self.header,
            fingerprint=self.kit.committee.fingerprint,
            part=PART,
            k=self.kit.committee.k,
            recipients=self.kit.committee.recipients(),
            released=released,
            revealed={},
            self_key=None,
            policy=OpeningPolicy.STRICT,
            window_closed=False,
        )
        return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def bidder(rule_ca: DemoCA) -> Identity:
    """The bidder's signing identity."""
    return issue_identity(rule_ca, name="厦门示例建设有限公司", now=RULE_CA_TIME)


@pytest.fixture(scope="module")
def kit(rule_officials: tuple[Identity, ...]) -> CommitteeKit:
    """Three officials, threshold 2."""
    return make_committee(rule_officials, k=2, at=AT)


def seal(kit: CommitteeKit, bidder: Identity, trust: TrustStore) -> Sealed:
    """An honest sealed part."""
    bidder_age = X25519Identity.generate()
    data = seal_bytes(
        kit.committee,
        bidder=bidder,
        bidder_age=bidder_age,
        trust=trust,
        at=AT,
        files={"报价.pdf": b"%PDF price 1234.00"},
    )
    return Sealed(kit=kit, data=data, header=parse_header(data), bidder_age=bidder_age)


def reseal_header(sealed: Sealed, shares: tuple[object, ...]) -> Sealed:
    """The same payload under a header whose share stanzas are replaced (a bidder's cheat)."""
    key = sealed.file_key
    bidder_stanza = sealed.header.stanzas[0]
    raw = build_header((bidder_stanza, *shares), key)  # type: ignore[arg-type]
    data = raw + sealed.data[len(sealed.header.raw) :]
    return dataclasses.replace(sealed, data=data, header=parse_header(data))


def garbage_shares(sealed: Sealed) -> Sealed:
    """Share stanzas derived from a key other than the file key: consistent but wrong."""
    committee = sealed.kit.committee
    stanzas = derive_share_stanzas(
        secrets.token_bytes(16),
        fingerprint=committee.fingerprint,
        part=PART,
        k=committee.k,
        recipients=committee.recipients(),
    )
    return reseal_header(sealed, stanzas)


def wrong_body_for_x1(sealed: Sealed) -> tuple[Sealed, bytes]:
    """Official 1's stanza commits to its real share but wraps another value."""
    committee = sealed.kit.committee
    honest = ShareStanza.parse(sealed.header.stanzas_of_type(SHARE_TYPE)[0])
    wrong = secrets.token_bytes(16)
    lying = _wrap_share(
        sealed.file_key,
        committee.fingerprint,
        PART,
        (committee.k, committee.n),
        shamir.Share(x=1, value=wrong),
        committee.recipients()[0],
    )
    forged = dataclasses.replace(lying, commitment=honest.commitment).to_stanza()
    others = sealed.header.stanzas_of_type(SHARE_TYPE)[1:]
    return reseal_header(sealed, (forged, *others)), wrong


def test_release_before_the_deadline_is_refused() -> None:
    """A share released a second before the deadline is refused; at it, accepted."""
    deadline = AT
    end = AT + dt.timedelta(hours=1)
    with pytest.raises(ShareReleaseBeforeDeadline) as caught:
        check_release_time(deadline=deadline, window_end=end, now=AT - dt.timedelta(seconds=1))
    assert caught.value.code == "opening_release_too_early"
    check_release_time(deadline=deadline, window_end=end, now=AT)
    with pytest.raises(ShareReleaseWindowClosed):
        check_release_time(deadline=deadline, window_end=end, now=end)
    with pytest.raises(TimeNotAware):
        check_release_time(deadline=deadline, window_end=end, now=dt.datetime(2025, 3, 1))


def test_a_lot_with_fewer_than_three_bids_does_not_open() -> None:
    """Reg. 44: two bids in the freeze list, no opening; three open."""
    with pytest.raises(LotBelowMinimumBids):
        check_lot_opens(2)
    check_lot_opens(3)


def test_fault_decides_revoked_or_withdrawn() -> None:
    """Bidder's fault → revoked (撤销); any other party → withdrawn (撤回)."""
    assert outcome_of(Cause.KEY_FAILS_MAC) is Outcome.REVOKED
    assert outcome_of(Cause.SIGNATURE_INVALID) is Outcome.REVOKED
    assert fault_of(Cause.TOO_FEW_OFFICIALS) is Party.NONE
    assert outcome_of(Cause.TOO_FEW_OFFICIALS) is Outcome.WITHDRAWN
    assert outcome_of(Cause.CIPHERTEXT_CHANGED) is Outcome.WITHDRAWN
    assert fault_of(Cause.CIPHERTEXT_CHANGED) is Party.PLATFORM


def test_k_honest_shares_open_the_part(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """Two of three officials (one absent) give the file key, checked on the MAC."""
    sealed = seal(kit, bidder, rule_trust)
    one = sealed.inputs([sealed.share(1)])
    assert assess_part(one).decision.outcome is Outcome.PENDING
    two = assess_part(sealed.inputs([sealed.share(1), sealed.share(3)]))
    assert two.decision.file_key == sealed.file_key
    assert two.decision.by_officials
    assert two.accepted == (1, 3)


def test_inconsistent_shares_are_the_bidders_fault(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """All three shares are combined; one off the polynomial fails the bid (bidder)."""
    sealed = seal(kit, bidder, rule_trust)
    off = shamir.Share(x=3, value=bytes(a ^ 1 for a in sealed.share(3).value))
    result = combine_shares(sealed.header, [sealed.share(1), sealed.share(2), off], 2)
    assert result.cause is Cause.SHARES_INCONSISTENT


def test_garbage_shares_are_invalid_under_strict_whatever_the_bidder_does(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """Shares of another key: revoked, bidder's fault, even after self-decryption."""
    sealed = garbage_shares(seal(kit, bidder, rule_trust))
    shares = [sealed.share(1), sealed.share(2), sealed.share(3)]
    assert all(
        check_released_share(sealed.header, s, fingerprint=kit.committee.fingerprint, part=PART)
        is ShareCheck.ACCEPTED
        for s in shares
    )
    self_key = check_self_key(sealed.header, sealed.file_key)
    strict = assess_part(sealed.inputs(shares, self_key=self_key, window_closed=True))
    assert strict.decision.cause is Cause.KEY_FAILS_MAC
    assert strict.decision.outcome is Outcome.REVOKED
    assert strict.decision.file_key is None
    lenient = assess_part(sealed.inputs(shares, self_key=self_key, policy=OpeningPolicy.LENIENT))
    assert lenient.decision.file_key == sealed.file_key


def test_strict_refuses_a_bid_only_its_owner_opened(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """Strict: self-decrypted but not opened by shares at the window's end → revoked."""
    sealed = seal(kit, bidder, rule_trust)
    inputs = sealed.inputs([sealed.share(1)], self_key=sealed.file_key, window_closed=True)
    assert assess_part(inputs).decision.cause is Cause.OPENS_ONLY_BY_SELF
    lenient = assess_part(dataclasses.replace(inputs, policy=OpeningPolicy.LENIENT))
    assert lenient.decision.file_key == sealed.file_key
    alone = assess_part(sealed.inputs([sealed.share(1)], window_closed=True))
    assert alone.decision.cause is Cause.TOO_FEW_OFFICIALS
    assert alone.decision.outcome is Outcome.WITHDRAWN


def test_self_decryption_key_must_pass_the_mac(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """A wrong 16-byte key and a short key are both refused."""
    sealed = seal(kit, bidder, rule_trust)
    with pytest.raises(SelfDecryptionKeyInvalid) as caught:
        check_self_key(sealed.header, secrets.token_bytes(16))
    assert caught.value.code == "opening_file_key_invalid"
    with pytest.raises(SelfDecryptionKeyInvalid):
        check_self_key(sealed.header, b"short")


def test_a_share_for_a_missing_official_is_refused(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """x = 4 in a committee of three is no share at all."""
    sealed = seal(kit, bidder, rule_trust)
    stray = shamir.Share(x=4, value=sealed.share(1).value)
    with pytest.raises(ShareReleaseInvalid):
        check_released_share(sealed.header, stray, fingerprint=kit.committee.fingerprint, part=PART)


def test_a_lying_official_is_found_out_and_ignored(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """A share off its commitment opens a dispute; the revealed secret blames the official."""
    sealed = seal(kit, bidder, rule_trust)
    lie = shamir.Share(x=2, value=secrets.token_bytes(16))
    stanza = sealed.header.stanzas_of_type(SHARE_TYPE)[1]
    secret = reveal_shared_secret(kit.identities[1], stanza)
    result = assess_part(
        sealed.inputs([sealed.share(1), lie, sealed.share(3)], revealed={2: secret})
    )
    assert result.disputed == (2,)
    assert result.officials_at_fault == (2,)
    assert result.decision.file_key == sealed.file_key
    unrevealed = assess_part(sealed.inputs([sealed.share(1), lie, sealed.share(3)]))
    assert unrevealed.verdicts[2] is Verdict.OFFICIAL_FAULT  # the file key settles it


def test_a_stanza_not_as_committed_is_the_bidders_fault(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """The bidder wrapped another value than it committed: revoked after the dispute."""
    sealed, wrong = wrong_body_for_x1(seal(kit, bidder, rule_trust))
    stanza = sealed.header.stanzas_of_type(SHARE_TYPE)[0]
    secret = reveal_shared_secret(kit.identities[0], stanza)
    released = [shamir.Share(x=1, value=wrong), sealed.share(2), sealed.share(3)]
    result = assess_part(sealed.inputs(released, revealed={1: secret}))
    assert result.verdicts[1] is Verdict.BIDDER_FAULT
    assert result.decision.cause is Cause.SHARE_NOT_AS_COMMITTED
    assert result.decision.outcome is Outcome.REVOKED


def test_an_unsettled_dispute_blames_nobody_but_the_official(
    kit: CommitteeKit, bidder: Identity, rule_trust: TrustStore
) -> None:
    """Only the disputed share and one other, no secret revealed: withdrawn, not revoked."""
    sealed = seal(kit, bidder, rule_trust)
    lie = shamir.Share(x=2, value=secrets.token_bytes(16))
    result = assess_part(sealed.inputs([sealed.share(1), lie], window_closed=True))
    assert result.decision.cause is Cause.DISPUTE_UNRESOLVED
    assert result.decision.outcome is Outcome.WITHDRAWN


def test_fewer_than_k_officials_withdraw_the_whole_lot() -> None:
    """One official of k = 2 at the window's end: every bid withdrawn, no bidder's fault."""
    decisions = {"a": KeyDecision(file_key=bytes(16)), "b": KeyDecision()}
    after = apply_lot_rule(decisions, released_by=[1, 1], k=2, window_closed=True)
    assert {d.cause for d in after.values()} == {Cause.TOO_FEW_OFFICIALS}
    during = apply_lot_rule(decisions, released_by=[1], k=2, window_closed=False)
    assert during["a"].file_key == bytes(16)


def test_prices_wait_for_every_bid_of_the_lot() -> None:
    """One pending bid keeps every price hidden."""
    assert not lot_settled([Outcome.OPENED, Outcome.PENDING, Outcome.REVOKED])
    assert lot_settled([Outcome.OPENED, Outcome.WITHDRAWN, Outcome.REVOKED])


def test_a_certificate_revoked_after_the_receipt_still_verifies(
    rule_ca: DemoCA, kit: CommitteeKit, rule_trust: TrustStore
) -> None:
    """Verified as of the receipt time, a later revocation does not touch the bid."""
    person = issue_identity(rule_ca, name="撤销证书的投标人", now=RULE_CA_TIME)
    sealed = seal(kit, person, rule_trust)
    received = AT + dt.timedelta(minutes=5)
    revoked_at = received + dt.timedelta(hours=1)
    crl = issue_crl(
        rule_ca,
        revocations=[Revocation(serial=person.certificate.serial_number, revoked_at=revoked_at)],
        now=revoked_at,
    )
    trust = rule_trust.with_crls(crl)
    shares = [sealed.share(1), sealed.share(2)]
    key = assess_part(sealed.inputs(shares)).decision.file_key
    assert key is not None

    def open_at(at: dt.datetime) -> object:
        return open_part(
            io.BytesIO(sealed.data),
            committee=kit.committee,
            part=PART,
            file_key=key,
            verify=lambda data, sig: verify_detached(data, sig, trust, at),
        )

    assert open_at(received) is not None
    with pytest.raises(CertificateRevoked) as caught:
        open_at(revoked_at + dt.timedelta(minutes=1))
    assert cause_of_open_failure(caught.value) is Cause.SIGNATURE_INVALID
    assert cause_of_open_failure(BidManifestMismatch("x")) is Cause.ARCHIVE_INVALID


def test_a_part_that_is_not_its_bidders_own_is_revoked_through_the_bidders_fault() -> None:
    """Issue 9, item 1: another bidder's sealed file (or one naming another bid) is the
    submitting bidder's fault: revoked (撤销), cause not_the_bidders_own; so is Reg. 37."""
    for error in (BidNotBiddersOwn("x"), BidManifestWrongTender("x")):
        assert cause_of_open_failure(error) is Cause.NOT_BIDDERS_OWN
    for cause in (Cause.NOT_BIDDERS_OWN, Cause.ORGANISATION_IN_TWO_BIDS):
        assert (fault_of(cause), outcome_of(cause)) == (Party.BIDDER, Outcome.REVOKED)
