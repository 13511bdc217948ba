"""The Reg. 40 detectors over facts: each indicator found, its benign look-alike not."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfWriter

from supervision.monitoring import collusion
from supervision.monitoring.defaults import default_rules
from supervision.monitoring.file_meta import pdf_metadata
from supervision.monitoring.model import (
    BidPrice,
    BondAccount,
    Facts,
    FileMeta,
    PartHash,
    UploadOrigin,
)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RULES = default_rules()


def _origin(
    bidder: str, address: str, minutes: int, installation: str | None = None
) -> UploadOrigin:
    return UploadOrigin("t1", "1", bidder, address, installation, T0 + timedelta(minutes=minutes))


def test_uploads_from_one_address_within_minutes_are_found_naming_the_bidders() -> None:
    facts = Facts(upload_origins=[_origin("a", "203.0.113.7", 0), _origin("b", "203.0.113.7", 6),
                                  _origin("c", "198.51.100.1", 7)])  # fmt: skip
    [found] = collusion.shared_value(RULES["bids_same_address"], facts)
    assert found.alert == "bids_same_network"
    assert found.parties == ("a", "b")
    assert found.evidence["value"] == "203.0.113.7"
    assert found.subject.startswith("1|")


def test_office_neighbours_on_one_address_hours_apart_are_not_found() -> None:
    facts = Facts(upload_origins=[_origin("a", "203.0.113.7", 0), _origin("b", "203.0.113.7", 300)])
    assert collusion.shared_value(RULES["bids_same_address"], facts) == []


def test_one_client_installation_in_two_bids_is_found_whenever_it_uploaded() -> None:
    one = "inst-0000000000000001"
    facts = Facts(
        upload_origins=[_origin("a", "203.0.113.7", 0, one), _origin("b", "198.51.100.9", 900, one)]
    )
    [found] = collusion.shared_value(RULES["bids_same_installation"], facts)
    assert found.parties == ("a", "b")


def test_identical_parts_fold_into_the_freezes_alert_subject() -> None:
    digest = "ab" * 32
    facts = Facts(part_hashes=[PartHash("t1", "1", "a", digest), PartHash("t1", "1", "b", digest)])
    [found] = collusion.shared_value(RULES["parts_identical"], facts)
    assert (found.alert, found.subject) == ("bid_parts_identical", f"1|{digest}")


def test_bonds_from_one_account_fold_into_the_bonds_alert_subject() -> None:
    from signing.canonical import sha256_hex

    facts = Facts(bond_accounts=[BondAccount("t1", "1", "b", "6222020200112233"),
                                 BondAccount("t1", "2", "a", "6222020200112233")])  # fmt: skip
    [found] = collusion.shared_value(RULES["bonds_same_account"], facts)
    assert found.subject == sha256_hex(b"6222020200112233|a|b")


def _meta(bidder: str | None, author: str, org: str, minutes: int) -> FileMeta:
    return FileMeta("t1", "1", bidder, f"{bidder}.pdf", author, org, "WPS Writer",
                    T0 + timedelta(minutes=minutes))  # fmt: skip


def test_files_by_one_author_and_software_made_minutes_apart_are_found() -> None:
    facts = Facts(file_metas=[_meta("a", "张伟", "甲公司", 0), _meta("b", "张伟", "乙公司", 4)])
    [found] = collusion.metadata_match(RULES["files_metadata_identical"], facts)
    assert found.parties == ("a", "b")
    assert set(found.evidence["matches"][0]["fields"]) == {"author", "software", "created"}


def test_files_from_the_tenders_template_are_not_found() -> None:
    template = _meta(None, "招标代理模板", "某代理公司", -9000)
    facts = Facts(file_metas=[template, _meta("a", "招标代理模板", "某代理公司", 0),
                              _meta("b", "招标代理模板", "某代理公司", 5000)])  # fmt: skip
    assert collusion.metadata_match(RULES["files_metadata_identical"], facts) == []


def _prices(*prices: int, ceiling: int = 1_000_000) -> Facts:
    return Facts(
        bid_prices=[BidPrice("t1", "1", f"b{i}", p, ceiling) for i, p in enumerate(prices)]
    )


def test_prices_in_an_arithmetic_progression_are_found() -> None:
    [found] = collusion.price_progression(
        RULES["prices_progression"], _prices(912_345, 930_000, 947_655)
    )
    assert found.evidence["step_fen"] == 17_655


def test_scattered_prices_are_not_a_progression() -> None:
    assert (
        collusion.price_progression(RULES["prices_progression"], _prices(912_345, 930_000, 961_000))
        == []
    )


def test_prices_all_in_a_narrow_band_just_under_the_ceiling_are_found() -> None:
    [found] = collusion.price_band(RULES["prices_band"], _prices(996_000, 997_500, 998_900))
    assert found.evidence["ceiling_fen"] == 1_000_000


def test_prices_bunched_honestly_a_few_percent_under_a_low_ceiling_are_not_found() -> None:
    assert collusion.price_band(RULES["prices_band"], _prices(962_000, 975_000, 988_000)) == []


def test_pdf_metadata_is_read_with_pypdf() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "张伟", "/Company": "甲公司", "/Creator": "WPS Writer",
                         "/CreationDate": "D:20261130090500+08'00'"})  # fmt: skip
    buffer = io.BytesIO()
    writer.write(buffer)
    buffer.seek(0)
    author, organisation, software, created = pdf_metadata(buffer) or (None,) * 4
    assert (author, organisation, software) == ("张伟", "甲公司", "WPS Writer")
    assert created == datetime(2026, 11, 30, 1, 5, tzinfo=UTC)


def test_a_file_that_is_not_a_pdf_gives_no_metadata() -> None:
    assert pdf_metadata(io.BytesIO(b"PK\x03\x04 a zip")) is None
    assert pdf_metadata(io.BytesIO(b"%PDF-1.7 broken")) is None
