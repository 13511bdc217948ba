"""docs/formats/sealed-bid.md's examples (§3, §4.1, §4.2, §4.5, §7) are true to the bytes.

The committee JSON and fingerprint are rebuilt from the stated keys (identities with
secret bytes 01…01, 02…02, 03…03; certificate hashes of the single bytes 01, 02, 03);
the share stanzas of §4.5 are derived again from the stated file key with
signing.shares, and each official's share unwrapped from them; the manifest of §7 is
what signing.manifest writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import itertools
import json
import re

from signing import errors, shamir, shares
from signing.age import X25519Identity
from signing.bidtar import BLOCK, entry_header, pax_record
from signing.canonical import canonical_json
from signing.committee import Committee, Official
from signing.manifest import parse_manifest
from tests.docs.markdown import code_blocks, found, read, section

DOC = read("formats/sealed-bid.md")
COMMITTEE = section(DOC, "## 3. The opening committee")
EXAMPLE = section(DOC, "### 4.5 Example")


def _committee_example() -> tuple[str, str]:
    """§3's example: the fingerprint JSON line and the stated fingerprint."""
    block = next(b for b in code_blocks(COMMITTEE) if b.startswith("{"))
    text, stated = block.split("\nfingerprint = ")
    return text, stated


def _identities() -> list[X25519Identity]:
    stated = found(r"identities with secret bytes (\d\d)…\1,\s+(\d\d)…\2,\s+(\d\d)…\3", COMMITTEE)
    return [X25519Identity(secret=bytes([int(b, 16)]) * 32) for b in stated.groups()]


def _cert_hashes() -> list[str]:
    stated = found(r"SHA-256 of the single bytes (\d\d),\s+(\d\d),\s+(\d\d)", COMMITTEE)
    return [hashlib.sha256(bytes([int(b, 16)])).hexdigest() for b in stated.groups()]


def _committee() -> Committee:
    """The §3 committee, from the stated keys and the example's tender, lot, deadline, k."""
    doc = json.loads(_committee_example()[0])
    officials = tuple(
        Official(x=x, recipient=identity.recipient().encode(), cert_sha256=cert)
        for x, (identity, cert) in enumerate(zip(_identities(), _cert_hashes(), strict=True), 1)
    )
    return Committee(
        tender=doc["tender"],
        lot=doc["lot"],
        deadline=dt.datetime.strptime(doc["deadline"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC),
        k=doc["k"],
        n=doc["n"],
        officials=officials,
    )


def test_sealed_bid_md_committee_fingerprint_example_is_recomputed() -> None:
    text, stated = _committee_example()
    committee = _committee()
    assert canonical_json(committee.fingerprint_json()).decode() == text
    assert committee.fingerprint_hex == stated


def _file_key_and_part() -> tuple[bytes, str]:
    key = found(r"File key `([0-9a-f]{32})`", EXAMPLE)[1]
    part = found(r"part `([a-z][a-z0-9_-]*)`:", EXAMPLE)[1]
    return bytes.fromhex(key), part


def test_sealed_bid_md_share_stanza_example_is_recomputed() -> None:
    committee = _committee()
    stated = found(r"\(k = (\d+), n = (\d+),\s+fingerprint `([0-9a-f]{8})…([0-9a-f]{4})`", EXAMPLE)
    assert (int(stated[1]), int(stated[2])) == (committee.k, committee.n)
    assert committee.fingerprint_hex.startswith(stated[3])
    assert committee.fingerprint_hex.endswith(stated[4])
    file_key, part = _file_key_and_part()
    stanzas = shares.derive_share_stanzas(
        file_key,
        fingerprint=committee.fingerprint,
        part=part,
        k=committee.k,
        recipients=committee.recipients(),
    )
    assert b"".join(s.encode() for s in stanzas).decode() == code_blocks(EXAMPLE)[0] + "\n"


def test_sealed_bid_md_example_shares_are_unwrapped_and_rebuild_the_file_key() -> None:
    committee = _committee()
    file_key, part = _file_key_and_part()
    stanzas = shares.derive_share_stanzas(
        file_key,
        fingerprint=committee.fingerprint,
        part=part,
        k=committee.k,
        recipients=committee.recipients(),
    )
    held = [
        shares.unwrap_share(identity, stanza, committee.fingerprint, part)
        for identity, stanza in zip(_identities(), stanzas, strict=True)
    ]
    stated = re.findall(r"x=(\d) `([0-9a-f]{32})`", EXAMPLE)
    assert stated == [(str(s.x), s.value.hex()) for s in held]
    for pair in itertools.combinations(held, committee.k):
        assert shamir.combine(pair, committee.k) == file_key


def test_sealed_bid_md_gf256_product_example_is_recomputed() -> None:
    a, b, product = found(r"\{([0-9a-f]{2})\}·\{([0-9a-f]{2})\} = \{([0-9a-f]{2})\}", DOC).groups()
    assert shamir.gf_mul(int(a, 16), int(b, 16)) == int(product, 16)


def test_sealed_bid_md_share_labels_are_the_codes() -> None:
    labels = section(DOC, "### 4.1 Labels")
    table = dict(re.findall(r"^\| `(\w+)` \| `([^`]+)` \|", labels, re.M))
    assert table == {
        "coefficients": shares.LABEL_COEFFICIENTS.decode(),
        "ephemeral": shares.LABEL_EPHEMERAL.decode(),
        "salt": shares.LABEL_SALT.decode(),
        "commitment": shares.LABEL_COMMITMENT.decode(),
        "wrap": shares.LABEL_WRAP.decode(),
    }
    label, size = found(r'SHA-256\( "([^"]+)"\s+(\d+) bytes', labels).groups()
    assert label.encode() == shares.LABEL_COMMITMENT
    assert len(shares.LABEL_COMMITMENT) == int(size)


def test_sealed_bid_md_manifest_example_is_canonical_and_sealed_to_the_example_committee() -> None:
    manifest_section = section(DOC, "## 7. manifest.json")
    body = code_blocks(manifest_section, "json")[0].encode()
    manifest = parse_manifest(body)
    assert manifest.to_bytes() == body
    parsed = json.loads(body)
    assert parsed["committee_fingerprint"] == _committee().fingerprint_hex
    algorithms = found(r"\| `algorithms` \| exactly `(\{.*?\})` \|", manifest_section)[1]
    assert parsed["algorithms"] == json.loads(algorithms)


def _header_table() -> dict[str, list[tuple[int, int]]]:
    """§6's header block table: field names → (offset, length) of each field."""
    archive = section(DOC, "## 6. The archive")
    rows = re.findall(r"^\| ([a-z, ]+) \| ([0-9, /]+) \| (.*) \|$", archive, re.M)
    table: dict[str, list[tuple[int, int]]] = {}
    for names, places, _ in rows:
        spans = [(int(a), int(b)) for a, b in re.findall(r"(\d+), (\d+)", places)]
        table[names] = spans
    return table


def test_sealed_bid_md_tar_header_layout_is_the_archives() -> None:
    """§6: every field of the PAX and ustar blocks of the manifest example's 报价.xlsx
    (3 bytes) sits where the table says, with the stated value."""
    table = _header_table()
    spans = sorted(span for field_spans in table.values() for span in field_spans)
    ends = [0] + [offset + length for offset, length in spans]
    assert [offset for offset, _ in spans] == ends[:-1]  # contiguous, no overlap
    assert ends[-1] == BLOCK
    path = "files/报价.xlsx"
    header = entry_header(path, 3)
    records = pax_record("path", path)
    assert records == f"{len(records)} path={path}\n".encode()
    pax, ustar = header[:BLOCK], header[-BLOCK:]

    def field(block: bytes, name: str) -> bytes:
        offset, length = table[name][0]
        return block[offset : offset + length]

    fallback = b"files/" + hashlib.sha256(path.encode()).hexdigest()[:32].encode()
    assert field(ustar, "name") == fallback.ljust(100, b"\x00")
    assert field(pax, "name") == b"././@PaxHeader".ljust(100, b"\x00")
    for block, size, typeflag in ((pax, len(records), b"x"), (ustar, 3, b"0")):
        assert field(block, "mode") == b"0000644\x00"
        assert [block[o : o + n] for o, n in table["uid, gid"]] == [b"0000000\x00"] * 2
        assert field(block, "size") == b"%011o\x00" % size
        assert field(block, "mtime") == b"00000000000\x00"
        checksum = field(block, "chksum")
        assert re.fullmatch(rb"[0-7]{6}\x00 ", checksum)
        at, width = table["chksum"][0]
        unsummed = block[:at] + b" " * width + block[at + width :]
        assert int(checksum[:6], 8) == sum(unsummed)
        assert field(block, "typeflag") == typeflag
        assert field(block, "linkname") == bytes(100)
        assert field(block, "magic, version") == b"ustar\x0000"
        assert field(block, "uname, gname") == bytes(64)
        assert field(block, "devmajor, devminor") == b"0000000\x00" * 2
        assert field(block, "prefix, padding") == bytes(167)


def test_sealed_bid_md_error_codes_are_signing_errors() -> None:
    """§2's and §11's codes are codes of signing.errors."""
    codes = {
        getattr(cls, "code", None)
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if cls.__module__ == errors.__name__
    }
    documented = re.findall(r"^\| `(\w+)` \|", section(DOC, "## 11. Error codes"), re.M)
    documented += re.findall(r"\| `(age_\w+)` \|", section(DOC, "## 2. The container"))
    assert len(documented) > 30
    assert set(documented) <= codes
