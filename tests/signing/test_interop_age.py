"""Interoperability with the independent age implementations: /usr/bin/age (Go) and pyrage (rage).

A part we seal carries share stanzas that stock age does not know; the spec says
identities MUST ignore unrecognised stanzas (c2sp.org/age, "Recipient stanza"), and
both implementations do, so a bidder can always open its own bid with plain age.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
from pathlib import Path

import pyrage
import pytest

from signing import age, agestream
from signing.age import X25519Identity
from signing.certs import Identity
from signing.cms import verify_detached
from signing.pipe import RING_BLOCKS
from signing.sealed_bid import open_part
from signing.trust import TrustStore
from tests.signing.bid_kit import CommitteeKit, make_committee, seal_bytes
from tests.signing.conftest import IssueUser

AGE = "/usr/bin/age"
SIZES = [0, 1, 64 * 1024, 64 * 1024 + 1, 300_000]


@pytest.fixture(scope="module")
def identity_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[X25519Identity, Path]:
    """An identity and the identity file stock age reads."""
    identity = X25519Identity.generate()
    path = tmp_path_factory.mktemp("keys") / "key.txt"
    path.write_text(f"# public key: {identity.recipient().encode()}\n{identity.encode()}\n")
    return identity, path


@pytest.fixture(scope="module")
def kit(issue_user: IssueUser, valid_time: dt.datetime) -> CommitteeKit:
    """A committee of five, threshold three."""
    people = [issue_user(f"官员{x}") for x in range(1, 6)]
    return make_committee(people, k=3, at=valid_time)


@pytest.fixture(scope="module")
def sealed(
    kit: CommitteeKit,
    bidder: Identity,
    identity_file: tuple[X25519Identity, Path],
    trust: TrustStore,
    valid_time: dt.datetime,
) -> bytes:
    """A multi-chunk part sealed to the committee and the bidder."""
    return seal_bytes(
        kit.committee,
        bidder=bidder,
        bidder_age=identity_file[0],
        trust=trust,
        at=valid_time,
        files={"标书.pdf": os.urandom(300_000), "b.txt": b"b"},
    )


def _run(*args: str, data: bytes) -> bytes:
    result = subprocess.run([AGE, *args], input=data, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_stock_age_decrypts_a_sealed_part_to_the_same_archive(
    sealed: bytes, identity_file: tuple[X25519Identity, Path]
) -> None:
    """age -d -i IDENTITY ignores the share stanzas and yields our archive byte for byte."""
    identity, path = identity_file
    ours = age.decrypt(sealed, identities=[identity])
    assert _run("-d", "-i", str(path), data=sealed) == ours
    assert ours[257:262] == b"ustar"  # a tar archive, not an empty result


def test_pyrage_decrypts_a_sealed_part_to_the_same_archive(
    sealed: bytes, identity_file: tuple[X25519Identity, Path]
) -> None:
    """rage (through pyrage) agrees with us on the plaintext too."""
    identity = identity_file[0]
    theirs = pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(identity.encode())])
    assert theirs == age.decrypt(sealed, identities=[identity])


def test_stock_age_refuses_a_tampered_part(
    sealed: bytes, identity_file: tuple[X25519Identity, Path]
) -> None:
    """The header MAC covers the share stanzas for stock age as well."""
    header = age.parse_header(sealed)
    position = header.raw.index(b"etender-share-v1 1 3 5") + len("etender-share-v1 1 3 ")
    tampered = sealed[:position] + b"4" + sealed[position + 1 :]
    result = subprocess.run(
        [AGE, "-d", "-i", str(identity_file[1])], input=tampered, capture_output=True, check=False
    )
    assert result.returncode != 0


@pytest.mark.parametrize("size", SIZES)
def test_files_stock_age_encrypts_to_our_recipient_decrypt(
    size: int, identity_file: tuple[X25519Identity, Path]
) -> None:
    """age -r age1… output opens with our identity."""
    identity = identity_file[0]
    plaintext = os.urandom(size)
    sealed = _run("-r", identity.recipient().encode(), data=plaintext)
    assert age.decrypt(sealed, identities=[identity]) == plaintext


@pytest.mark.parametrize("size", SIZES)
def test_files_pyrage_encrypts_to_our_recipient_decrypt(
    size: int, identity_file: tuple[X25519Identity, Path]
) -> None:
    """rage's output opens with our identity."""
    identity = identity_file[0]
    plaintext = os.urandom(size)
    recipient = pyrage.x25519.Recipient.from_str(identity.recipient().encode())
    assert age.decrypt(pyrage.encrypt(plaintext, [recipient]), identities=[identity]) == plaintext


@pytest.mark.parametrize("size", SIZES)
def test_files_we_encrypt_decrypt_with_stock_age(
    size: int, identity_file: tuple[X25519Identity, Path]
) -> None:
    """Our plain age files open with age -d."""
    identity, path = identity_file
    plaintext = os.urandom(size)
    assert _run("-d", "-i", str(path), data=age.encrypt(plaintext, [identity.recipient()])) == (
        plaintext
    )


def test_keys_from_age_keygen_work_with_our_code(tmp_path: Path) -> None:
    """An identity made by age-keygen parses, and its recipient matches the one it printed."""
    path = tmp_path / "k.txt"
    subprocess.run(["/usr/bin/age-keygen", "-o", str(path)], check=True, capture_output=True)
    lines = path.read_text().splitlines()
    printed = next(line.split(": ")[1] for line in lines if line.startswith("# public key"))
    identity = X25519Identity.parse(next(line for line in lines if line.startswith("AGE-")))
    assert identity.recipient().encode() == printed


def test_a_part_larger_than_the_buffer_ring_seals_and_opens_byte_for_byte(
    kit: CommitteeKit,
    bidder: Identity,
    identity_file: tuple[X25519Identity, Path],
    trust: TrustStore,
    valid_time: dt.datetime,
    tmp_path: Path,
) -> None:
    """Sealing and opening reuse a ring of block buffers (signing.pipe.Ring): a part of
    several ring-fulls, files crossing block boundaries, is the same archive for rage,
    and our opening writes every file back byte for byte (the hashes check too)."""
    identity = identity_file[0]
    block = agestream.BLOCK_SIZE
    files = {
        "a.bin": os.urandom(RING_BLOCKS * block + 12_345),
        "b.bin": os.urandom(1),
        "c.bin": os.urandom(3 * block - 7),
    }
    sealed = seal_bytes(
        kit.committee, bidder=bidder, bidder_age=identity, trust=trust, at=valid_time,
        files=files,
    )  # fmt: skip
    theirs = pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(identity.encode())])
    assert theirs == age.decrypt(sealed, identities=[identity])
    output = tmp_path / "opened"
    opened = open_part(
        io.BytesIO(sealed),
        committee=kit.committee,
        part="main",
        verify=lambda data, signature: verify_detached(data, signature, trust, valid_time),
        identities=[identity],
        output=output,
        durable=False,
    )
    assert {f.name: f.sha256 for f in opened.manifest.files} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }
    for name, data in files.items():
        assert (output / "files" / name).read_bytes() == data
