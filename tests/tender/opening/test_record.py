"""The opening record: complete before it exists, canonical, signed, confirmable."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from signing.certs import Identity, dump_pem_certificate
from signing.demo_ca import DemoCA, issue_identity
from signing.errors import ContentDigestMismatch
from signing.trust import TrustStore
from tender.opening.model import Cause, Outcome, Party
from tender.opening.record import (
    OpeningRecord,
    OpeningRecordIncomplete,
    OpeningRecordMalformed,
    RecordEntry,
    SignedRecord,
    confirm_record,
    count_failures_by_party,
    parse_record,
    price_table,
    sign_record,
    verify_confirmation,
    verify_record,
)
from tests.tender.conftest import RULE_CA_TIME

AT = RULE_CA_TIME + dt.timedelta(days=40)


def entry(bidder: str, **changes: object) -> RecordEntry:
    """An opened bid with a price, unless ``changes`` say otherwise."""
    values: dict[str, object] = {
        "bidder": bidder,
        "bidder_name": f"投标人{bidder[-3:]}",
        "version": 1,
        "received_at": AT - dt.timedelta(hours=1),
        "parts": {"main": "ab" * 32},
        "outcome": Outcome.OPENED,
        "opened_by": "officials",
        "fields": {"price": 123_400_00, "duration": 90, "quality": "合格"},
    }
    values.update(changes)
    return RecordEntry(**values)  # type: ignore[arg-type]


def record(*entries: RecordEntry) -> OpeningRecord:
    """A record of lot 1 of a test tender."""
    return OpeningRecord(
        tender_id="7b0a3c52-0000-4000-8000-000000000001",
        tender_code="GC-2026-0001",
        title="示例道路工程",
        lot="1",
        part="main",
        deadline=AT - dt.timedelta(minutes=30),
        settled_at=AT,
        policy="strict",
        committee_fingerprint="cd" * 32,
        freeze_list_sha256="ef" * 32,
        officials_released=(1, 3),
        entries=entries,
    )


@pytest.fixture(scope="module")
def platform(rule_ca: DemoCA) -> Identity:
    """The platform's signing identity."""
    return issue_identity(rule_ca, name="etender 开标记录签名", now=RULE_CA_TIME)


def three_bids() -> OpeningRecord:
    """Two opened bids and one revoked through the bidder's fault."""
    return record(
        entry("91350100M000100Y43"),
        entry("91110000802100433B", fields={"price": 99_000_00, "duration": 80}),
        entry("9144030071526726XG", outcome=Outcome.REVOKED, cause=Cause.KEY_FAILS_MAC, fields={}),
    )


def test_no_record_while_a_bid_is_pending() -> None:
    """A pending bid cannot enter a record, so no price is published early."""
    with pytest.raises(OpeningRecordIncomplete) as caught:
        entry("91350100M000100Y43", outcome=Outcome.PENDING, fields={})
    assert caught.value.code == "opening_record_incomplete"


def test_a_failed_bid_shows_its_cause_and_party_but_no_price() -> None:
    """Revoked with cause; a failed entry carrying a price is refused."""
    body = parse_record(three_bids().to_bytes())
    failed = [e for e in body["entries"] if e["outcome"] == "revoked"]
    assert failed[0]["cause"] == "key_fails_mac"
    assert failed[0]["party_at_fault"] == "bidder"
    assert failed[0]["fields"] == {}
    with pytest.raises(OpeningRecordMalformed):
        entry("91350100M000100Y43", outcome=Outcome.WITHDRAWN, cause=Cause.TOO_FEW_OFFICIALS)
    with pytest.raises(OpeningRecordMalformed):
        entry("91350100M000100Y43", cause=Cause.KEY_FAILS_MAC)
    assert count_failures_by_party(three_bids()) == {Party.BIDDER: 1}


def test_prices_are_announced_in_fen_per_bidder() -> None:
    """The announcement lists every bidder with its price or none."""
    body = parse_record(three_bids().to_bytes())
    assert dict(price_table(body)) == {
        "91350100M000100Y43": 123_400_00,
        "91110000802100433B": 99_000_00,
        "9144030071526726XG": None,
    }


def test_record_signature_verifies_and_detects_changes(
    platform: Identity, rule_trust: TrustStore
) -> None:
    """The signed record verifies; a changed price does not."""
    signed = sign_record(three_bids(), platform)
    assert verify_record(signed, rule_trust, AT)["tender"] == "GC-2026-0001"
    changed = signed.body.replace(b"9900000", b"9800000")
    with pytest.raises(ContentDigestMismatch):
        verify_record(SignedRecord(body=changed, signature=signed.signature), rule_trust, AT)


def test_openssl_verifies_the_record_signature(
    platform: Identity, rule_ca: DemoCA, tmp_path: Path
) -> None:
    """`openssl cms -verify` accepts the record's detached signature."""
    signed = sign_record(three_bids(), platform)
    (tmp_path / "record.json").write_bytes(signed.body)
    (tmp_path / "record.p7s").write_bytes(signed.signature)
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(rule_ca.root_cert))
    result = subprocess.run(
        [
            "/usr/bin/openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "record.p7s"),
            "-content",
            str(tmp_path / "record.json"),
            "-CAfile",
            str(tmp_path / "root.pem"),
            "-attime",
            str(int(AT.timestamp())),
            "-out",
            str(tmp_path / "out.json"),
        ],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.json").read_bytes() == signed.body


def test_bidder_confirms_exactly_the_published_bytes(
    platform: Identity, rule_ca: DemoCA, rule_trust: TrustStore
) -> None:
    """A confirmation verifies against the record and names its signer; not another record."""
    bidder = issue_identity(rule_ca, name="投标人甲", now=RULE_CA_TIME)
    signed = sign_record(three_bids(), platform)
    confirmation = confirm_record(signed, bidder)
    signer = verify_confirmation(signed, confirmation, rule_trust, AT)
    assert signer.certificate == bidder.certificate
    other = sign_record(record(entry("91350100M000100Y43")), platform)
    with pytest.raises(ContentDigestMismatch):
        verify_confirmation(other, confirmation, rule_trust, AT)


def test_non_canonical_or_foreign_bytes_are_not_a_record() -> None:
    """Pretty-printed JSON and other JSON types are refused."""
    with pytest.raises(OpeningRecordMalformed):
        parse_record(b'{ "type": "etender.opening-record", "format": 1 }')
    with pytest.raises(OpeningRecordMalformed):
        parse_record(b'{"format":1,"type":"etender.bid-receipt"}')
    with pytest.raises(OpeningRecordMalformed):
        parse_record(b"\xff")
