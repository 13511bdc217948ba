"""The opening committee: rules, fingerprint, committee file, statement checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from signing.age import X25519Identity
from signing.certs import Identity
from signing.committee import (
    Committee,
    Official,
    dump_committee,
    load_committee,
    verify_committee,
)
from signing.errors import CommitteeInvalid, CommitteeStatementInvalid, SigningError
from signing.trust import TrustStore
from tests.signing.bid_kit import DEADLINE, CommitteeKit, make_committee
from tests.signing.conftest import IssueUser


@pytest.fixture(scope="module")
def kit(issue_user: IssueUser, valid_time: dt.datetime) -> CommitteeKit:
    """Four officials, threshold two."""
    return make_committee([issue_user(f"官员{x}") for x in range(1, 5)], k=2, at=valid_time)


def test_fingerprint_is_sha256_of_the_canonical_committee_json(kit: CommitteeKit) -> None:
    """DESIGN.md: SHA-256 of the RFC 8785 committee object, built here independently."""
    committee = kit.committee
    document = {
        "tender": committee.tender,
        "lot": committee.lot,
        "deadline": "2025-03-01T02:00:00Z",
        "k": 2,
        "n": 4,
        "officials": [
            {"x": o.x, "recipient": o.recipient, "cert_sha256": o.cert_sha256}
            for o in committee.officials
        ],
    }
    # For ASCII strings and small integers RFC 8785 is sorted keys, no whitespace.
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    assert committee.fingerprint == hashlib.sha256(encoded).digest()
    assert committee.fingerprint_hex == hashlib.sha256(encoded).hexdigest()


def test_committee_file_round_trips(
    kit: CommitteeKit, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """dump then load keeps the fingerprint, certificates and statements."""
    loaded = load_committee(dump_committee(kit.committee))
    assert loaded.fingerprint == kit.committee.fingerprint
    verify_committee(loaded, trust, valid_time)


def _official(x: int, recipient: str | None = None, cert: str | None = None) -> Official:
    return Official(
        x=x,
        recipient=recipient or X25519Identity.generate().recipient().encode(),
        cert_sha256=cert or hashlib.sha256(bytes([x])).hexdigest(),
    )


def _committee(officials: tuple[Official, ...], k: int = 2, **changes: object) -> Committee:
    values: dict[str, object] = {
        "tender": "T",
        "lot": "1",
        "deadline": DEADLINE,
        "k": k,
        "n": len(officials),
        "officials": officials,
    }
    return Committee(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(("k", "n"), [(1, 3), (3, 3), (2, 33)])
def test_thresholds_outside_the_rule_are_refused(k: int, n: int) -> None:
    """2 <= k < n <= 32."""
    with pytest.raises(CommitteeInvalid):
        _committee(tuple(_official(x) for x in range(1, n + 1)), k=k)


def test_officials_must_be_numbered_one_to_n() -> None:
    """x = 1…n in committee order."""
    with pytest.raises(CommitteeInvalid):
        _committee((_official(1), _official(3), _official(2)))


def test_one_recipient_for_two_officials_is_refused() -> None:
    """Two shares to one key would let one person open with k = 2."""
    recipient = X25519Identity.generate().recipient().encode()
    with pytest.raises(CommitteeInvalid, match="recipient"):
        _committee((_official(1, recipient), _official(2, recipient), _official(3)))


def test_one_certificate_for_two_officials_is_refused() -> None:
    """Two officials are two certificates."""
    cert = "a" * 64
    with pytest.raises(CommitteeInvalid, match="certificate"):
        _committee((_official(1, cert=cert), _official(2, cert=cert), _official(3)))


@pytest.mark.parametrize(
    "deadline",
    [dt.datetime(2025, 3, 1, 2, 0), dt.datetime(2025, 3, 1, 2, 0, 0, 500, tzinfo=dt.UTC)],
)
def test_naive_or_sub_second_deadlines_are_refused(deadline: dt.datetime) -> None:
    """The deadline is aware UTC in whole seconds, as the fingerprint writes it."""
    with pytest.raises(SigningError):
        _committee(tuple(_official(x) for x in (1, 2, 3)), deadline=deadline)


def test_deadline_in_another_zone_is_fingerprinted_in_utc() -> None:
    """08:00 in Shanghai is 00:00Z in the fingerprint."""
    shanghai = dt.timezone(dt.timedelta(hours=8))
    committee = _committee(
        tuple(_official(x) for x in (1, 2, 3)),
        deadline=dt.datetime(2025, 3, 1, 8, 0, tzinfo=shanghai),
    )
    assert committee.fingerprint_json()["deadline"] == "2025-03-01T00:00:00Z"


def test_upper_case_recipient_is_refused() -> None:
    """The fingerprint uses the canonical lower-case recipient string."""
    recipient = X25519Identity.generate().recipient().encode().upper()
    with pytest.raises(CommitteeInvalid):
        _official(1, recipient)


@pytest.mark.parametrize(
    "change",
    [
        {"format": "other"},
        {"k": True},
        {"n": "5"},
        {"deadline": "2025-03-01 02:00"},
        {"officials": "none"},
    ],
)
def test_bad_committee_files_are_refused(kit: CommitteeKit, change: dict[str, object]) -> None:
    """Strict reading: format name, JSON types, RFC 3339 'Z' deadline."""
    document = json.loads(dump_committee(kit.committee)) | change
    with pytest.raises(CommitteeInvalid):
        load_committee(json.dumps(document).encode())


def test_statement_checked_before_the_certificate_is_valid_is_refused(
    kit: CommitteeKit, trust: TrustStore, ca_time: dt.datetime
) -> None:
    """Statements are checked against the CA as of the given time."""
    with pytest.raises(CommitteeStatementInvalid):
        verify_committee(kit.committee, trust, ca_time - dt.timedelta(days=1))


def test_official_without_a_statement_is_refused(
    kit: CommitteeKit, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """No statement, no proof that the key is the official's."""
    bare = Official(x=1, recipient=kit.committee.officials[0].recipient, cert_sha256="b" * 64)
    committee = Committee(
        tender=kit.committee.tender,
        lot=kit.committee.lot,
        deadline=kit.committee.deadline,
        k=2,
        n=4,
        officials=(bare, *kit.committee.officials[1:]),
    )
    with pytest.raises(CommitteeStatementInvalid):
        verify_committee(committee, trust, valid_time)


def test_certificate_other_than_the_fingerprinted_one_is_refused(
    kit: CommitteeKit, trust: TrustStore, valid_time: dt.datetime, bidder: Identity
) -> None:
    """The certificate in the file must be the one whose hash is fingerprinted."""
    first = kit.committee.officials[0]
    other = Official(
        x=1,
        recipient=first.recipient,
        cert_sha256=first.cert_sha256,
        certificate=bidder.certificate,
        statement=first.statement,
    )
    committee = Committee(
        tender=kit.committee.tender,
        lot=kit.committee.lot,
        deadline=kit.committee.deadline,
        k=2,
        n=4,
        officials=(other, *kit.committee.officials[1:]),
    )
    with pytest.raises(CommitteeStatementInvalid, match="cert_sha256"):
        verify_committee(committee, trust, valid_time)
