"""Evaluation sheets: bytes, commitment, seal, signature (docs/formats/evaluation-sheet.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
from pathlib import Path
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from signing import sheets
from signing.certs import Identity, dump_pem_certificate
from signing.demo_ca import DemoCA
from signing.errors import ContentDigestMismatch, EtenderError
from signing.sheets.errors import (
    SheetCommitmentMismatch,
    SheetDecryptionFailed,
    SheetEncodingInvalid,
    SheetMalformed,
    SheetSignatureMismatch,
    SheetTooLarge,
)
from signing.trust import TrustStore
from tests.signing.conftest import OpenSSL

SESSION = UUID("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9")
BID_A = UUID("11111111-1111-4111-8111-111111111111")
BID_B = UUID("22222222-2222-4222-8222-222222222222")
SALT = bytes(range(32))
KEY = bytes(range(32, 64))
NONCE = bytes(range(64, 76))


def score_sheet(**changes: object) -> sheets.Sheet:
    sheet = sheets.Sheet(
        session=SESSION,
        phase="scoring",
        seat=3,
        generation=1,
        version=1,
        salt=SALT,
        entries=(
            sheets.ScoreEntry(bid=BID_B, item="1.1", points=1250),
            sheets.ScoreEntry(bid=BID_A, item="2.1", points=800),
            sheets.ScoreEntry(bid=BID_A, item="1.1", points=1000),
        ),
    )
    return dataclasses.replace(sheet, **changes)  # type: ignore[arg-type]


def qualification_sheet() -> sheets.Sheet:
    return sheets.Sheet(
        session=SESSION,
        phase="qualification",
        seat=1,
        generation=2,
        version=1,
        salt=SALT,
        entries=(
            sheets.QualificationEntry(bid=BID_A, item="q1", passed=True),
            sheets.QualificationEntry(
                bid=BID_B, item="q1", passed=False, reason="not_qualified", explanation="无资质证书"
            ),
        ),
    )


# --- canonical bytes ---


def test_sheet_bytes_are_canonical_with_entries_sorted_by_bid_then_item() -> None:
    """build_sheet writes RFC 8785 bytes, entries in (bid, item) order, salt in base64url."""
    data = sheets.build_sheet(score_sheet())
    body = json.loads(data)
    assert list(body) == sorted(body)
    assert [(e["bid"], e["item"]) for e in body["entries"]] == [
        (str(BID_A), "1.1"),
        (str(BID_A), "2.1"),
        (str(BID_B), "1.1"),
    ]
    assert body["salt"] == sheets.b64url_encode(SALT)
    assert "=" not in body["salt"]
    assert body["format"] == "etender-sheet-v1"


@pytest.mark.parametrize("make", [score_sheet, qualification_sheet])
def test_a_sheet_round_trips_through_its_bytes(make: object) -> None:
    """parse_sheet(build_sheet(s)) is s with its entries sorted."""
    sheet = make()  # type: ignore[operator]
    parsed = sheets.parse_sheet(sheets.build_sheet(sheet))
    assert parsed.entries == tuple(sorted(sheet.entries, key=lambda e: (str(e.bid), e.item)))
    assert dataclasses.replace(parsed, entries=()) == dataclasses.replace(sheet, entries=())


def test_adjustment_entries_carry_signed_fen() -> None:
    """An adjustment may lower or raise the evaluated price."""
    sheet = score_sheet(
        phase="adjustment", entries=(sheets.AdjustmentEntry(bid=BID_A, item="a1", fen=-50_000),)
    )
    assert sheets.parse_sheet(sheets.build_sheet(sheet)).entries[0] == sheet.entries[0]


def _mutated(change: object) -> bytes:
    body = json.loads(sheets.build_sheet(score_sheet()))
    change(body)  # type: ignore[operator]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("unknown field", lambda b: b.update(extra=1)),
        ("missing field", lambda b: b.pop("salt")),
        ("other format", lambda b: b.update(format="etender-sheet-v2")),
        ("unknown phase", lambda b: b.update(phase="ranking")),
        ("seat zero", lambda b: b.update(seat=0)),
        ("seat as bool", lambda b: b.update(seat=True)),
        ("version as string", lambda b: b.update(version="1")),
        ("upper-case session", lambda b: b.update(session=str(SESSION).upper())),
        ("short salt", lambda b: b.update(salt=sheets.b64url_encode(b"x" * 31))),
        ("entries unsorted", lambda b: b["entries"].reverse()),
        ("entry twice", lambda b: b["entries"].append(b["entries"][-1])),
        ("negative points", lambda b: b["entries"][0].update(points=-1)),
        ("points as bool", lambda b: b["entries"][0].update(points=False)),
        ("entry of another phase", lambda b: b["entries"][0].update(fen=1)),
        ("bad item id", lambda b: b["entries"][0].update(item="1 1")),
        ("bid not a uuid", lambda b: b["entries"][0].update(bid="bid-1")),
    ],
)
def test_a_sheet_breaking_the_format_is_malformed(name: str, change: object) -> None:
    """Exact key set, exact types, sorted unique entries (sheet_malformed)."""
    with pytest.raises(SheetMalformed):
        sheets.parse_sheet(_mutated(change))


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe",
        b"[]",
        b"NaN",
        b'{"a":1,"a":2}',
    ],
)
def test_bytes_that_are_not_a_json_object_are_malformed(data: bytes) -> None:
    """Not UTF-8, not an object, not JSON, a duplicate key: sheet_malformed."""
    with pytest.raises(SheetMalformed):
        sheets.parse_sheet(data)


def test_a_fraction_is_malformed_never_rounded() -> None:
    """Points are integers (hundredths): 8.5 is refused, not rounded."""
    data = sheets.build_sheet(score_sheet()).replace(b'"points":800', b'"points":8.5')
    with pytest.raises(SheetMalformed, match="integers"):
        sheets.parse_sheet(data)


@pytest.mark.parametrize(
    ("name", "rewrite"),
    [
        ("spaces", lambda d: d.replace(b'","', b'", "', 1)),
        ("escaped non-ASCII", lambda d: d.replace("无资质证书".encode(), b"\\u65e0\\u8d44\\u8d28")),
        ("trailing newline", lambda d: d + b"\n"),
        ("keys out of order", lambda d: _reorder(d)),
    ],
)
def test_a_sheet_not_in_canonical_form_is_malformed(name: str, rewrite: object) -> None:
    """One sheet, one spelling: re-encoding must give the same bytes (RFC 8785)."""
    data = sheets.build_sheet(qualification_sheet())
    with pytest.raises(SheetMalformed):
        sheets.parse_sheet(rewrite(data))  # type: ignore[operator]


def _reorder(data: bytes) -> bytes:
    body = json.loads(data)
    text = json.dumps(dict(reversed(body.items())), ensure_ascii=False, separators=(",", ":"))
    return text.encode()


def test_a_failed_qualification_needs_a_reason_code_and_an_explanation() -> None:
    """Reg. 51: a refusal names its reason and the member's explanation."""
    bare = sheets.QualificationEntry(bid=BID_A, item="q1", passed=False)
    with pytest.raises(SheetMalformed):
        sheets.build_sheet(dataclasses.replace(qualification_sheet(), entries=(bare,)))
    blank = dataclasses.replace(bare, reason="not_qualified", explanation="  ")
    with pytest.raises(SheetMalformed, match="explanation"):
        sheets.build_sheet(dataclasses.replace(qualification_sheet(), entries=(blank,)))


def test_an_oversized_sheet_is_refused_before_parsing() -> None:
    """A sheet over MAX_SHEET bytes: sheet_too_large (413)."""
    with pytest.raises(SheetTooLarge) as caught:
        sheets.parse_sheet(b" " * (sheets.MAX_SHEET + 1))
    assert caught.value.status == 413


# --- base64url ---


@pytest.mark.parametrize(
    "text", ["AAE=", "AA+/", "A", "AB", "AA AA", "AAé"], ids=["pad", "std", "1", "bits", "sp", "u"]
)
def test_binary_fields_are_strict_base64url_without_padding(text: str) -> None:
    """Padding, the standard alphabet, impossible lengths and nonzero spare bits are refused."""
    with pytest.raises(SheetEncodingInvalid):
        sheets.b64url_decode(text, field="nonce", limit=64)


def test_a_binary_field_of_the_wrong_size_is_refused() -> None:
    """A nonce is 12 bytes exactly."""
    with pytest.raises(SheetEncodingInvalid, match="12 bytes") as caught:
        sheets.b64url_decode(sheets.b64url_encode(b"x" * 11), field="nonce", size=12, limit=12)
    assert caught.value.details == {"field": "nonce"}


def test_an_oversized_binary_field_is_refused_before_decoding() -> None:
    """The limit is checked on the text's length: nothing large is decoded."""
    with pytest.raises(SheetTooLarge):
        sheets.b64url_decode("A" * 100, field="ciphertext", limit=10)
    assert sheets.b64url_decode(sheets.b64url_encode(b"x" * 10), field="c", limit=10) == b"x" * 10


# --- commitment and seal ---


def test_seal_and_open_round_trip() -> None:
    """open_sheet(seal(s)) gives back the sheet bytes."""
    data = sheets.build_sheet(score_sheet())
    sealed = sheets.seal(data, KEY, NONCE)
    assert len(sealed) == len(data) + sheets.TAG_SIZE
    assert sheets.open_sheet(sealed, KEY, NONCE, sheets.commitment(data)) == data


def test_the_salt_hides_equal_sheets() -> None:
    """Two members with equal scores have unequal commitments (the salt is in the hash)."""
    one = sheets.commitment(sheets.build_sheet(score_sheet()))
    two = sheets.commitment(sheets.build_sheet(score_sheet(salt=bytes(32))))
    assert one != two


def _flip(data: bytes, at: int = 0) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


@pytest.mark.parametrize("part", ["ciphertext", "tag", "key", "nonce", "commitment"])
def test_any_tampering_fails_decryption(part: str) -> None:
    """A changed ciphertext, tag, key, nonce or commitment (the AAD): sheet_decryption_failed."""
    data = sheets.build_sheet(score_sheet())
    args = {
        "ciphertext": sheets.seal(data, KEY, NONCE),
        "key": KEY,
        "nonce": NONCE,
        "committed": sheets.commitment(data),
    }
    name = "ciphertext" if part == "tag" else "committed" if part == "commitment" else part
    args[name] = _flip(args[name], -1 if part == "tag" else 0)
    with pytest.raises(SheetDecryptionFailed):
        sheets.open_sheet(**args)


def test_a_sheet_sealed_under_another_commitment_fails_the_commitment_check() -> None:
    """A client sealing sheet B with the AAD of commitment A: the hash check refuses it."""
    committed = sheets.commitment(sheets.build_sheet(score_sheet()))
    other = sheets.build_sheet(score_sheet(version=2))
    forged = ChaCha20Poly1305(KEY).encrypt(NONCE, other, committed)
    with pytest.raises(SheetCommitmentMismatch):
        sheets.open_sheet(forged, KEY, NONCE, committed)


@pytest.mark.parametrize(("key", "nonce"), [(KEY[:31], NONCE), (KEY, NONCE + b"\0")])
def test_keys_and_nonces_have_fixed_sizes(key: bytes, nonce: bytes) -> None:
    """A 32-byte key and a 12-byte nonce (RFC 8439 §2.8), nothing else."""
    with pytest.raises(SheetEncodingInvalid):
        sheets.seal(sheets.build_sheet(score_sheet()), key, nonce)


def test_the_commitment_is_sha256_as_sha256sum_computes_it(tmp_path: Path) -> None:
    """Independent check: coreutils sha256sum over the sheet bytes gives the commitment."""
    data = sheets.build_sheet(qualification_sheet())
    (tmp_path / "sheet.json").write_bytes(data)
    out = subprocess.run(
        ["sha256sum", str(tmp_path / "sheet.json")], capture_output=True, check=True
    ).stdout
    assert out.split()[0].decode() == sheets.commitment(data).hex()


# --- signatures ---


def test_the_signature_is_checked_against_the_commitment_alone(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """At submission the server has no sheet: the signed messageDigest is the commitment."""
    data = sheets.build_sheet(score_sheet())
    sealed = sheets.seal_and_sign(
        data, KEY, NONCE, bidder.certificate, bidder.key, chain=bidder.chain
    )
    info = sheets.verify_commitment_signature(
        sealed.commitment, sealed.signature, trust, valid_time
    )
    assert info.certificate == bidder.certificate


def test_a_signature_over_another_sheet_is_a_signature_mismatch(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A valid signature of version 2 submitted with version 1's commitment is refused."""
    one = sheets.build_sheet(score_sheet())
    two = sheets.sign_sheet(
        sheets.build_sheet(score_sheet(version=2)), bidder.certificate, bidder.key
    )
    with pytest.raises(SheetSignatureMismatch):
        sheets.verify_commitment_signature(sheets.commitment(one), two, trust, valid_time)


def test_a_tampered_signature_value_is_refused_without_the_content(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """The signature over the signed attributes is verified at submission too."""
    data = sheets.build_sheet(score_sheet())
    signature = sheets.sign_sheet(data, bidder.certificate, bidder.key, chain=bidder.chain)
    with pytest.raises(EtenderError) as caught:
        sheets.verify_commitment_signature(
            sheets.commitment(data), _flip(signature, -3), trust, valid_time
        )
    assert caught.value.code in {"signature_invalid", "signature_malformed"}


def test_a_revealed_sheet_that_differs_from_the_signed_one_fails_cms_verification(
    bidder: Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """signing.cms.verify_detached over the revealed bytes is the full check at the reveal."""
    from signing.cms import verify_detached

    data = sheets.build_sheet(score_sheet())
    signature = sheets.sign_sheet(data, bidder.certificate, bidder.key, chain=bidder.chain)
    assert verify_detached(data, signature, trust, valid_time).certificate == bidder.certificate
    with pytest.raises(ContentDigestMismatch):
        verify_detached(sheets.build_sheet(score_sheet(version=2)), signature, trust, valid_time)


def test_openssl_verifies_a_sheet_signature_and_its_digest_is_the_commitment(
    openssl: OpenSSL, tmp_path: Path, demo_ca: DemoCA, bidder: Identity, valid_time: dt.datetime
) -> None:
    """`openssl cms -verify -binary` accepts the member's signature over the sheet bytes,
    and the messageDigest it prints is the commitment (the independent implementation)."""
    data = sheets.build_sheet(qualification_sheet())
    signature = sheets.sign_sheet(data, bidder.certificate, bidder.key, chain=bidder.chain)
    (tmp_path / "sheet.json").write_bytes(data)
    (tmp_path / "sheet.p7s").write_bytes(signature)
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(demo_ca.root_cert))
    verified = openssl(
        "cms", "-verify", "-binary", "-inform", "DER",
        "-in", str(tmp_path / "sheet.p7s"), "-content", str(tmp_path / "sheet.json"),
        "-CAfile", str(tmp_path / "root.pem"), "-attime", str(int(valid_time.timestamp())),
        "-out", str(tmp_path / "out.json"),
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert (tmp_path / "out.json").read_bytes() == data
    parsed = openssl("asn1parse", "-inform", "DER", "-in", str(tmp_path / "sheet.p7s"))
    lines = parsed.stdout.decode().splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(":messageDigest"))
    digest = next(line for line in lines[at:] if "OCTET STRING" in line).rsplit(":", 1)[1]
    assert digest.lower() == sheets.commitment(data).hex()
    (tmp_path / "sheet.json").write_bytes(sheets.build_sheet(score_sheet()))
    tampered = openssl(
        "cms", "-verify", "-binary", "-inform", "DER",
        "-in", str(tmp_path / "sheet.p7s"), "-content", str(tmp_path / "sheet.json"),
        "-CAfile", str(tmp_path / "root.pem"), "-attime", str(int(valid_time.timestamp())),
        "-out", "/dev/null",
    )  # fmt: skip
    assert tampered.returncode != 0


# --- command data ---


def test_submit_data_carries_no_sheet_and_no_key(bidder: Identity) -> None:
    """What leaves the client before the reveal: commitment, ciphertext, nonce, signature."""
    data = sheets.build_sheet(score_sheet())
    sealed = sheets.seal_and_sign(data, KEY, NONCE, bidder.certificate, bidder.key)
    submit = sealed.submit_data()
    assert set(submit) == {"phase", "commitment", "ciphertext", "nonce", "signature"}
    assert sheets.b64url_encode(KEY) not in json.dumps(submit)
    assert b"1000" not in json.dumps(submit).encode()
    assert sheets.reveal_data("scoring", KEY) == {
        "phase": "scoring",
        "key": sheets.b64url_encode(KEY),
    }
