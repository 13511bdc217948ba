"""C2SP tlog-checkpoint bodies, the log's signature, tlog-cosignature and key files."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from signing.log.checkpoint import (
    Checkpoint,
    CosignatureVerifier,
    Cosigner,
    cosignature_time,
    generate_private_key,
    open_checkpoint,
    private_key_from_pem,
    private_key_from_raw,
    private_key_to_pem,
    private_key_to_raw,
    public_key_to_pem,
    sign_checkpoint,
    verify_cosignature,
)
from signing.log.errors import (
    CheckpointMalformed,
    CheckpointSignatureInvalid,
    CosignatureInvalid,
    KeyMalformed,
    NaiveDatetimeRefused,
)
from signing.log.merkle import MemoryTree
from signing.log.note import (
    Ed25519Signer,
    Ed25519Verifier,
    add_signatures,
    decode_base64,
    parse_note,
    parse_signature_line,
    verify_note,
)

# c2sp.org/tlog-cosignature, the example checkpoint with a witness cosignature; the
# spec's example signed message gives that cosignature's time line: "time 1679315147".
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_COSIGNED = (
    SPEC_BODY + "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dl"
    "rDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
# transparency-dev/formats note tests: a type 0x04 vkey, and a cosignature whose time
# decodes to 1727964367.
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
FORMATS_COSIGNATURE = (
    "— w ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWW"
    "OworDcFiEBYJXORmnFBOBA=="
)

ORIGIN = "etender.example/log"
NOW = datetime(2025, 3, 1, 8, 30, 15, 999_999, tzinfo=UTC)


@pytest.fixture
def log_signer() -> Ed25519Signer:
    return Ed25519Signer(name=ORIGIN, private_key=generate_private_key())


@pytest.fixture
def cosigner() -> Cosigner:
    return Cosigner(name="witness.example/county-1", private_key=generate_private_key())


def _checkpoint(size: int = 5) -> Checkpoint:
    tree = MemoryTree()
    for i in range(size):
        tree.append(f"e{i}".encode())
    return Checkpoint(origin=ORIGIN, size=size, root_hash=tree.root())


def test_the_spec_checkpoint_body_round_trips() -> None:
    """The tlog-checkpoint example parses into its three parts and back, byte for byte."""
    checkpoint = Checkpoint.from_body(SPEC_BODY)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == decode_base64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.to_body() == SPEC_BODY


def test_extension_lines_round_trip() -> None:
    """Optional non-empty extension lines follow the root hash."""
    body = SPEC_BODY + "ext one\next two\n"
    assert Checkpoint.from_body(body).extensions == ("ext one", "ext two")
    assert Checkpoint.from_body(body).to_body() == body


@pytest.mark.parametrize(
    "body",
    [
        "o\n5\n",  # two lines
        "o\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
        "o\n-5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # 2**64
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  # no final newline
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",  # unpadded
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  # non-canonical
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n",  # 30 bytes
        "\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # empty origin
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",  # empty extension
    ],
)
def test_malformed_checkpoint_bodies_are_refused(body: str) -> None:
    """Anything but the exact tlog-checkpoint text is log_checkpoint_malformed."""
    with pytest.raises(CheckpointMalformed) as caught:
        Checkpoint.from_body(body)
    assert caught.value.code == "log_checkpoint_malformed"


def test_a_signed_checkpoint_opens_with_the_log_key(log_signer: Ed25519Signer) -> None:
    """sign_checkpoint and open_checkpoint round-trip through the served text."""
    checkpoint = _checkpoint()
    note = sign_checkpoint(checkpoint, log_signer)
    opened, parsed = open_checkpoint(note.to_text(), log_signer.verifier())
    assert opened == checkpoint
    assert parsed == note
    assert note.to_text().startswith(checkpoint.to_body() + "\n— etender.example/log ")


def test_a_checkpoint_signed_by_another_key_is_refused(log_signer: Ed25519Signer) -> None:
    """A checkpoint under the origin's name but another key does not open."""
    impostor = Ed25519Signer(name=ORIGIN, private_key=generate_private_key())
    note = sign_checkpoint(_checkpoint(), impostor)
    with pytest.raises(CheckpointSignatureInvalid) as caught:
        open_checkpoint(note.to_bytes(), log_signer.verifier())
    assert caught.value.code == "log_checkpoint_signature_invalid"


def test_an_altered_checkpoint_is_refused(log_signer: Ed25519Signer) -> None:
    """Changing the tree size after signing breaks the log signature."""
    text = sign_checkpoint(_checkpoint(5), log_signer).to_text()
    with pytest.raises(CheckpointSignatureInvalid):
        open_checkpoint(text.replace("\n5\n", "\n6\n", 1), log_signer.verifier())


def test_the_log_key_must_be_named_after_the_origin() -> None:
    """tlog-checkpoint: the key name SHOULD match the origin; etender requires it."""
    other = Ed25519Signer(name="other.example/log", private_key=generate_private_key())
    with pytest.raises(CheckpointMalformed):
        sign_checkpoint(_checkpoint(), other)


def test_cosignature_key_ids_use_type_0x04() -> None:
    """Key ID = SHA-256(name || 0x0A || 0x04 || public key)[:4], as the vkey states."""
    verifier = CosignatureVerifier.from_vkey(REMORA_VKEY)
    digest = hashlib.sha256(b"remora.n621.de\n\x04" + verifier.public_key).digest()
    assert verifier.key_id == digest[:4] == bytes.fromhex("da77ade7")
    assert verifier.to_vkey() == REMORA_VKEY
    with pytest.raises(KeyMalformed):
        Ed25519Verifier.from_vkey(REMORA_VKEY)


def test_published_cosignatures_carry_their_times() -> None:
    """The spec example and the formats vector decode to their stated POSIX times."""
    note = parse_note(SPEC_COSIGNED)
    assert cosignature_time(note.signatures[1]) == datetime.fromtimestamp(1679315147, UTC)
    formats = parse_signature_line(FORMATS_COSIGNATURE)
    assert cosignature_time(formats) == datetime.fromtimestamp(1727964367, UTC)


def test_a_cosignature_is_time_and_ed25519_over_the_v1_message(cosigner: Cosigner) -> None:
    """Signature bytes = 8-byte big-endian time || Ed25519("cosignature/v1\\ntime T\\n" body)."""
    checkpoint = _checkpoint()
    line = cosigner.cosign(checkpoint, NOW).to_line()
    name, payload = line.removeprefix("— ").split(" ")
    raw = decode_base64(payload)
    public_key = cosigner.verifier().public_key
    assert name == cosigner.name
    assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x04" + public_key).digest()[:4]
    timestamp = int(NOW.timestamp())
    assert raw[4:12] == timestamp.to_bytes(8, "big")
    message = f"cosignature/v1\ntime {timestamp}\n{checkpoint.to_body()}".encode()
    Ed25519PublicKey.from_public_bytes(public_key).verify(raw[12:], message)
    assert len(raw) == 4 + 8 + 64


def test_a_cosignature_verifies_and_reports_its_time(cosigner: Cosigner) -> None:
    """verify_cosignature accepts the line and returns the whole-second time."""
    checkpoint = _checkpoint()
    line = cosigner.cosign(checkpoint, NOW).to_line()
    when = verify_cosignature(checkpoint, line, cosigner.verifier(), not_after=NOW)
    assert when == NOW.replace(microsecond=0)


def test_a_cosignature_on_another_checkpoint_is_refused(cosigner: Cosigner) -> None:
    """A cosignature covers one checkpoint body only."""
    line = cosigner.cosign(_checkpoint(5), NOW).to_line()
    with pytest.raises(CosignatureInvalid) as caught:
        verify_cosignature(_checkpoint(6), line, cosigner.verifier())
    assert caught.value.code == "log_cosignature_invalid"


def test_a_cosignature_by_another_witness_is_refused(cosigner: Cosigner) -> None:
    """The line's name and key ID must be the configured witness's."""
    other = Cosigner(name=cosigner.name, private_key=generate_private_key())
    line = other.cosign(_checkpoint(), NOW).to_line()
    with pytest.raises(CosignatureInvalid):
        verify_cosignature(_checkpoint(), line, cosigner.verifier())


def test_a_cosignature_with_a_changed_time_is_refused(cosigner: Cosigner) -> None:
    """The time is signed: moving it breaks the signature."""
    checkpoint = _checkpoint()
    sig = cosigner.cosign(checkpoint, NOW)
    later = (int(NOW.timestamp()) + 1).to_bytes(8, "big")
    moved = type(sig)(name=sig.name, key_id=sig.key_id, signature=later + sig.signature[8:])
    with pytest.raises(CosignatureInvalid):
        verify_cosignature(checkpoint, moved, cosigner.verifier())


def test_a_cosignature_from_the_future_is_refused(cosigner: Cosigner) -> None:
    """tlog-cosignature: verifiers MAY reject timestamps in the future; we do."""
    checkpoint = _checkpoint()
    line = cosigner.cosign(checkpoint, NOW + timedelta(minutes=5)).to_line()
    with pytest.raises(CosignatureInvalid):
        verify_cosignature(checkpoint, line, cosigner.verifier(), not_after=NOW)


def test_a_naive_time_is_refused(cosigner: Cosigner) -> None:
    """Time is passed in timezone-aware."""
    with pytest.raises(NaiveDatetimeRefused):
        cosigner.cosign(_checkpoint(), NOW.replace(tzinfo=None))


def test_a_cosigned_checkpoint_verifies_for_log_and_witness(
    log_signer: Ed25519Signer, cosigner: Cosigner
) -> None:
    """The served note carries both signatures; each key checks its own line."""
    checkpoint = _checkpoint()
    note = add_signatures(
        sign_checkpoint(checkpoint, log_signer), [cosigner.cosign(checkpoint, NOW)]
    )
    served = parse_note(note.to_text())
    verified = verify_note(served, [log_signer.verifier(), cosigner.verifier()])
    assert [s.name for s in verified] == [ORIGIN, cosigner.name]
    assert open_checkpoint(note.to_text(), log_signer.verifier())[0] == checkpoint


def test_a_witness_key_cannot_pass_for_a_plain_note_key(cosigner: Cosigner) -> None:
    """The same Ed25519 key as type 0x01 has another key ID: the cosignature is unknown."""
    checkpoint = _checkpoint()
    as_plain = Ed25519Verifier(name=cosigner.name, public_key=cosigner.verifier().public_key)
    assert as_plain.key_id != cosigner.key_id
    signature = cosigner.cosign(checkpoint, NOW)
    assert not as_plain.verify(checkpoint.to_body().encode(), signature.signature)


def test_witness_signer_keys_round_trip(cosigner: Cosigner) -> None:
    """A witness key survives its PRIVATE+KEY string with type 0x04."""
    skey = cosigner.to_skey()
    assert skey.startswith(f"PRIVATE+KEY+{cosigner.name}+{cosigner.key_id.hex()}+")
    assert decode_base64(skey.split("+", 4)[4])[0] == 0x04
    again = Cosigner.from_skey(skey)
    assert again.verifier() == cosigner.verifier()
    with pytest.raises(KeyMalformed):
        Ed25519Signer.from_skey(skey)


def test_private_keys_round_trip_as_pem_and_raw() -> None:
    """A key saved as PKCS #8 PEM or as its 32-byte seed loads back the same."""
    key = generate_private_key()
    seed = private_key_to_raw(key)
    assert len(seed) == 32
    assert private_key_to_raw(private_key_from_raw(seed)) == seed
    pem = private_key_to_pem(key)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert private_key_to_raw(private_key_from_pem(pem)) == seed
    assert public_key_to_pem(key).startswith(b"-----BEGIN PUBLIC KEY-----")


def test_non_ed25519_and_broken_key_files_are_refused() -> None:
    """Only unencrypted Ed25519 PEM keys and 32-byte seeds load."""
    p256 = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    for data in (p256, b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"):
        with pytest.raises(KeyMalformed):
            private_key_from_pem(data)
    with pytest.raises(KeyMalformed):
        private_key_from_raw(b"\x00" * 31)
