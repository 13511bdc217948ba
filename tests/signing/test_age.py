"""age v1 (c2sp.org/age): keys, header grammar, MAC, X25519 stanza and STREAM payload.

Malformed inputs are built by ``AgeFile``, an independent little writer in the style
of the age testkit (C2SP/CCTV age/internal/testkit): it uses the primitives
directly, not the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given, settings
from hypothesis import strategies as st

from signing import age, bech32
from signing.ageheader import MAX_STANZAS
from signing.agestream import CHUNK_SIZE, PayloadEncryptor
from signing.errors import (
    AgeChunkInvalid,
    AgeFileKeyInvalid,
    AgeHeaderMacMismatch,
    AgeHeaderMalformed,
    AgeKeyInvalid,
    AgeNoMatchingStanza,
    AgePayloadTruncated,
    AgeTrailingData,
    AgeUnsupportedVersion,
)

# c2sp.org/age, "The X25519 recipient type": the example identity and its recipient.
SPEC_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
SPEC_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
FILE_KEY = b"YELLOW SUBMARINE"
CHUNK_CT = CHUNK_SIZE + 16


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


class AgeFile:
    """Builds age files line by line from the primitives, like the age testkit."""

    def __init__(self, file_key: bytes = FILE_KEY) -> None:
        self.buf = bytearray()
        self.file_key = file_key
        self.counter = 0
        self.key = b""

    def line(self, text: str) -> AgeFile:
        self.buf += text.encode() + b"\n"
        return self

    def version(self, v: str = "v1") -> AgeFile:
        return self.line("age-encryption.org/" + v)

    def body(self, body: bytes) -> AgeFile:
        text = _b64(body)
        while True:
            self.line(text[:64])
            if len(text) < 64:
                return self
            text = text[64:]

    def x25519(self, identity: age.X25519Identity, share: bytes | None = None) -> AgeFile:
        ephemeral = X25519PrivateKey.generate()
        share = share or ephemeral.public_key().public_bytes_raw()
        recipient = identity.recipient().public
        try:
            secret = X25519PrivateKey.from_private_bytes(identity.secret).exchange(
                X25519PublicKey.from_public_bytes(share)
            )
        except ValueError:  # a low-order share, built on purpose
            secret = bytes(32)
        key = _hkdf(secret, share + recipient, b"age-encryption.org/v1/X25519")
        self.line(f"-> X25519 {_b64(share)}")
        return self.body(ChaCha20Poly1305(key).encrypt(bytes(12), self.file_key, None))

    def mac(self) -> AgeFile:
        key = _hkdf(self.file_key, b"", b"header")
        tag = hmac.new(key, bytes(self.buf) + b"---", hashlib.sha256).digest()
        return self.line("--- " + _b64(tag))

    def nonce(self, nonce: bytes = b"\x07" * 16) -> AgeFile:
        self.key = _hkdf(self.file_key, nonce, b"payload")
        self.buf += nonce
        return self

    def chunk(self, plain: bytes, *, last: bool = False, counter: int | None = None) -> AgeFile:
        index = self.counter if counter is None else counter
        nonce = index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        self.buf += ChaCha20Poly1305(self.key).encrypt(nonce, plain, None)
        self.counter += 1
        return self

    def bytes(self) -> bytes:
        return bytes(self.buf)


@pytest.fixture(scope="module")
def identity() -> age.X25519Identity:
    """The recipient's identity for most tests."""
    return age.X25519Identity.generate()


def _valid(identity: age.X25519Identity, payload: bytes = b"age") -> AgeFile:
    return AgeFile().version().x25519(identity).mac().nonce().chunk(payload, last=True)


# --- keys ---


def test_spec_example_identity_gives_spec_recipient() -> None:
    """The identity and recipient printed in c2sp.org/age correspond."""
    identity = age.X25519Identity.parse(SPEC_IDENTITY)
    assert identity.recipient().encode() == SPEC_RECIPIENT
    assert identity.encode() == SPEC_IDENTITY


def test_keys_round_trip_through_bech32() -> None:
    """A generated identity and its recipient re-parse to the same keys."""
    identity = age.X25519Identity.generate()
    assert age.X25519Identity.parse(identity.encode()) == identity
    recipient = identity.recipient()
    assert age.X25519Recipient.parse(recipient.encode()) == recipient
    assert identity.encode().startswith("AGE-SECRET-KEY-1")
    assert recipient.encode().startswith("age1")


@pytest.mark.parametrize(
    "text",
    [
        SPEC_RECIPIENT[:-1] + ("q" if SPEC_RECIPIENT[-1] != "q" else "p"),  # bad checksum
        "Age1" + SPEC_RECIPIENT[4:],  # mixed case
        SPEC_IDENTITY,  # an identity is not a recipient
        "age1",
    ],
)
def test_bad_recipient_strings_are_refused(text: str) -> None:
    """Checksum, case and kind are all checked."""
    with pytest.raises(AgeKeyInvalid) as info:
        age.X25519Recipient.parse(text)
    assert info.value.code == "age_key_invalid"


def test_identity_repr_hides_the_secret() -> None:
    """An identity in a log line or traceback does not show its key."""
    identity = age.X25519Identity.generate()
    assert identity.encode() not in repr(identity)
    assert identity.secret.hex() not in repr(identity)


@given(st.binary(min_size=1, max_size=80))
def test_bech32_round_trips_any_payload(data: bytes) -> None:
    """Bech32 without length limit decodes what it encodes."""
    assert bech32.decode(bech32.encode("test", data)) == ("test", data)


# --- round trips ---


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17]
)
def test_round_trip_at_chunk_boundaries(identity: age.X25519Identity, size: int) -> None:
    """Payloads of every interesting length decrypt to themselves."""
    plaintext = os.urandom(size)
    sealed = age.encrypt(plaintext, [identity.recipient()])
    assert age.decrypt(sealed, identities=[identity]) == plaintext


def test_full_final_chunk_is_a_full_chunk_not_an_empty_one(identity: age.X25519Identity) -> None:
    """A payload of exactly 64 KiB is one final chunk (c2sp.org/age, "Payload")."""
    sealed = age.encrypt(bytes(CHUNK_SIZE), [identity.recipient()])
    header = age.parse_header(sealed)
    assert len(sealed) == len(header.raw) + 16 + CHUNK_CT


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=70_000), max_size=6))
def test_streaming_writes_give_the_same_payload_as_one_write(pieces: list[int]) -> None:
    """However the plaintext is cut into writes, the STREAM ciphertext is the same."""
    data = os.urandom(sum(pieces))
    nonce = os.urandom(16)
    one = PayloadEncryptor(FILE_KEY, nonce)
    expected = b"".join(one.update(data)) + one.finish()
    many = PayloadEncryptor(FILE_KEY, nonce)
    out, offset = [], 0
    for size in pieces:
        out += many.update(data[offset : offset + size])
        offset += size
    assert b"".join(out) + many.finish() == expected


def test_writer_reports_the_sha256_of_the_file_it_wrote(identity: age.X25519Identity) -> None:
    """The on-the-fly ciphertext hash is the hash of the bytes written."""
    sink = io.BytesIO()
    file_key = age.new_file_key()
    with age.AgeWriter(sink, stanzas=[identity.recipient().wrap(file_key)], file_key=file_key) as w:
        w.write(os.urandom(200_000))
    assert w.sha256 == hashlib.sha256(sink.getvalue()).digest()
    assert w.size == len(sink.getvalue())


def test_reader_reports_the_sha256_of_the_file_it_read(identity: age.X25519Identity) -> None:
    """The reader hashes every ciphertext byte, header included."""
    sealed = age.encrypt(os.urandom(150_000), [identity.recipient()])
    reader = age.AgeReader(io.BytesIO(sealed), identities=[identity])
    with pytest.raises(ValueError, match="not been read"):
        _ = reader.ciphertext_sha256
    b"".join(reader.chunks())
    assert reader.ciphertext_sha256 == hashlib.sha256(sealed).digest()
    assert reader.ciphertext_size == len(sealed)


def test_independently_built_file_decrypts(identity: age.X25519Identity) -> None:
    """A file built from the primitives (testkit style) decrypts with our reader."""
    assert age.decrypt(_valid(identity).bytes(), identities=[identity]) == b"age"


def test_file_key_from_outside_opens_the_file(identity: age.X25519Identity) -> None:
    """Self-decryption: the 16-byte file key alone opens the file."""
    assert age.decrypt(_valid(identity).bytes(), file_key=FILE_KEY) == b"age"


def test_unknown_stanzas_are_ignored(identity: age.X25519Identity) -> None:
    """Identity implementations MUST ignore unrecognized stanzas (c2sp.org/age)."""
    built = AgeFile().version().line("-> example.com/enigma x y").body(b"\x00" * 40)
    built.x25519(identity).line("-> empty").body(b"").mac().nonce().chunk(b"ok", last=True)
    assert age.decrypt(built.bytes(), identities=[identity]) == b"ok"


def test_all_printable_characters_are_valid_arguments(identity: age.X25519Identity) -> None:
    """Arguments are 1*VCHAR (testkit stanza_valid_characters)."""
    built = AgeFile().version().line("-> !\"#$%&' ()*+,-./ 01234567 89:;<=>? @ABCDEFG").body(b"")
    built.line("-> PQRSTUVW XYZ[\\]^_ `abcdefg xyz{|}~").body(b"").x25519(identity).mac()
    built.nonce().chunk(b"age", last=True)
    assert age.decrypt(built.bytes(), identities=[identity]) == b"age"


def test_stanza_body_of_exactly_48_bytes_ends_with_an_empty_line() -> None:
    """A body whose base64 fills whole lines is followed by an empty final line."""
    encoded = age.Stanza(args=("t",), body=bytes(48)).encode()
    assert encoded == b"-> t\n" + b"A" * 64 + b"\n\n"
    assert age.parse_header(age.build_header([age.Stanza(args=("t",), body=bytes(48))], FILE_KEY))


# --- header errors ---

MALFORMED_HEADERS = {
    "no version line": lambda f, i: f.x25519(i).mac(),
    "armored file": lambda f, i: f.line("-----BEGIN AGE ENCRYPTED FILE-----"),
    "no stanza": lambda f, i: f.version().mac(),
    "no arguments": lambda f, i: f.version().x25519(i).line("->").body(b"").mac(),
    "empty argument": lambda f, i: f.version().x25519(i).line("-> a  b").body(b"").mac(),
    "missing body": lambda f, i: f.version().line("-> a").mac(),
    "long body line": lambda f, i: f.version().x25519(i).line("-> a").line("A" * 68).mac(),
    "two short lines": lambda f, i: f.version().x25519(i).line("-> a").line("AA").line("AA").mac(),
    "base64 padding": lambda f, i: f.version().x25519(i).line("-> a").line("AA==").mac(),
    "non-canonical base64": lambda f, i: f.version().x25519(i).line("-> a").line("AB").mac(),
    "invalid character": lambda f, i: f.version().x25519(i).line("-> a").line("A*").mac(),
    "mac without space": lambda f, i: f.version().x25519(i).line("---" + "A" * 43),
    "mac with extra space": lambda f, i: f.version().x25519(i).line("---  " + "A" * 43),
    "mac truncated": lambda f, i: f.version().x25519(i).line("--- " + "A" * 42),
    "mac missing": lambda f, i: f.version().x25519(i),
    "crlf line endings": lambda f, i: f.line("age-encryption.org/v1\r").x25519(i).mac(),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_HEADERS))
def test_malformed_headers_are_refused(identity: age.X25519Identity, case: str) -> None:
    """Each break of the header ABNF is refused as age_header_malformed."""
    built = MALFORMED_HEADERS[case](AgeFile(), identity).nonce().chunk(b"x", last=True)
    with pytest.raises(AgeHeaderMalformed) as info:
        age.decrypt(built.bytes(), identities=[identity])
    assert info.value.code == "age_header_malformed"


def test_other_version_is_refused_with_its_own_code(identity: age.X25519Identity) -> None:
    """Only v1 is specified; other versions get age_unsupported_version."""
    built = AgeFile().version("v2").x25519(identity).mac().nonce().chunk(b"x", last=True)
    with pytest.raises(AgeUnsupportedVersion) as info:
        age.decrypt(built.bytes(), identities=[identity])
    assert info.value.code == "age_unsupported_version"


@pytest.mark.parametrize(
    "stanza",
    [
        "-> X25519",  # too few arguments
        "-> X25519 " + _b64(b"\x09" * 32) + " extra",  # too many
        "-> X25519 " + _b64(bytes(33)),  # share not 32 bytes
    ],
)
def test_bad_x25519_stanzas_are_refused(identity: age.X25519Identity, stanza: str) -> None:
    """An X25519 stanza with the wrong arguments is an error, not a mismatch."""
    built = AgeFile().version().line(stanza).body(bytes(32)).mac().nonce()
    with pytest.raises(AgeHeaderMalformed):
        age.decrypt(built.chunk(b"x", last=True).bytes(), identities=[identity])


def test_low_order_share_is_refused(identity: age.X25519Identity) -> None:
    """An all-zero shared secret aborts (c2sp.org/age, "X25519 recipient stanza")."""
    built = AgeFile().version().x25519(identity, share=bytes(32)).mac().nonce()
    with pytest.raises(AgeHeaderMalformed, match="all zero"):
        age.decrypt(built.chunk(b"x", last=True).bytes(), identities=[identity])


def test_scrypt_mixed_with_other_stanzas_is_refused(identity: age.X25519Identity) -> None:
    """An scrypt stanza MUST be alone in the header."""
    built = AgeFile().version().line("-> scrypt " + _b64(bytes(16)) + " 10").body(bytes(32))
    built.x25519(identity).mac().nonce().chunk(b"x", last=True)
    with pytest.raises(AgeHeaderMalformed, match="scrypt"):
        age.decrypt(built.bytes(), identities=[identity])


def test_too_many_stanzas_are_refused(identity: age.X25519Identity) -> None:
    """Our bound on stanzas stops a header that would cost unbounded work."""
    built = AgeFile().version()
    for _ in range(MAX_STANZAS):
        built.line("-> grease").body(b"")
    built.x25519(identity).mac().nonce().chunk(b"x", last=True)
    with pytest.raises(AgeHeaderMalformed, match="stanzas"):
        age.decrypt(built.bytes(), identities=[identity])


def test_altered_header_fails_the_mac(identity: age.X25519Identity) -> None:
    """Changing any header byte after sealing is caught by the header MAC."""
    built = AgeFile().version().line("-> grease a").body(b"").x25519(identity).mac()
    tampered = built.bytes().replace(b"-> grease a", b"-> grease b")
    built.nonce().chunk(b"x", last=True)
    payload = built.bytes()[len(tampered) :]
    with pytest.raises(AgeHeaderMacMismatch) as info:
        age.decrypt(tampered + payload, identities=[identity])
    assert info.value.code == "age_header_mac_mismatch"


def test_wrong_identity_finds_no_stanza(identity: age.X25519Identity) -> None:
    """A file for someone else: age_no_matching_stanza."""
    with pytest.raises(AgeNoMatchingStanza) as info:
        age.decrypt(_valid(identity).bytes(), identities=[age.X25519Identity.generate()])
    assert info.value.code == "age_no_matching_stanza"


def test_wrong_file_key_fails_the_mac_check(identity: age.X25519Identity) -> None:
    """A file key from outside that is not the file's: age_file_key_invalid."""
    with pytest.raises(AgeFileKeyInvalid) as info:
        age.decrypt(_valid(identity).bytes(), file_key=os.urandom(16))
    assert info.value.code == "age_file_key_invalid"


# --- payload errors ---


def _three_chunks(identity: age.X25519Identity) -> tuple[AgeFile, int]:
    built = AgeFile().version().x25519(identity).mac().nonce()
    start = len(built.bytes())
    built.chunk(bytes(CHUNK_SIZE)).chunk(b"\x01" * CHUNK_SIZE).chunk(b"tail", last=True)
    return built, start


def test_file_cut_at_a_chunk_boundary_is_truncated(identity: age.X25519Identity) -> None:
    """Dropping the final chunk: the payload ends without a final chunk."""
    built, start = _three_chunks(identity)
    cut = built.bytes()[: start + 2 * CHUNK_CT]
    with pytest.raises(AgePayloadTruncated) as info:
        age.decrypt(cut, identities=[identity])
    assert info.value.code == "age_payload_truncated"


def test_file_cut_inside_the_nonce_is_truncated(identity: age.X25519Identity) -> None:
    """A payload shorter than its nonce is truncated."""
    header = AgeFile().version().x25519(identity).mac().bytes()
    with pytest.raises(AgePayloadTruncated):
        age.decrypt(header + b"\x07" * 5, identities=[identity])


def test_file_without_any_chunk_is_truncated(identity: age.X25519Identity) -> None:
    """Even an empty payload has one (empty) final chunk."""
    with pytest.raises(AgePayloadTruncated):
        age.decrypt(AgeFile().version().x25519(identity).mac().nonce().bytes(), file_key=FILE_KEY)


def test_reordered_chunks_are_refused(identity: age.X25519Identity) -> None:
    """Swapping two chunks breaks their counters' authentication."""
    built, start = _three_chunks(identity)
    data = built.bytes()
    first, second = data[start : start + CHUNK_CT], data[start + CHUNK_CT : start + 2 * CHUNK_CT]
    swapped = data[:start] + second + first + data[start + 2 * CHUNK_CT :]
    with pytest.raises(AgeChunkInvalid) as info:
        age.decrypt(swapped, identities=[identity])
    assert info.value.code == "age_chunk_invalid"


def test_duplicated_chunk_is_refused(identity: age.X25519Identity) -> None:
    """Repeating a chunk shifts every counter after it."""
    built, start = _three_chunks(identity)
    data = built.bytes()
    doubled = data[: start + CHUNK_CT] + data[start : start + CHUNK_CT] + data[start + CHUNK_CT :]
    with pytest.raises(AgeChunkInvalid):
        age.decrypt(doubled, identities=[identity])


def test_tampered_chunk_is_refused(identity: age.X25519Identity) -> None:
    """One flipped ciphertext bit fails Poly1305."""
    built, start = _three_chunks(identity)
    data = bytearray(built.bytes())
    data[start + CHUNK_CT + 100] ^= 0x01
    with pytest.raises(AgeChunkInvalid):
        age.decrypt(bytes(data), identities=[identity])


def test_final_chunk_marked_non_final_is_refused(identity: age.X25519Identity) -> None:
    """A short last chunk sealed without the last-chunk flag does not authenticate."""
    built = AgeFile().version().x25519(identity).mac().nonce().chunk(b"short", last=False)
    with pytest.raises(AgeChunkInvalid):
        age.decrypt(built.bytes(), identities=[identity])


def test_empty_final_chunk_after_full_chunk_is_refused(identity: age.X25519Identity) -> None:
    """The final chunk MUST NOT be empty unless the whole payload is."""
    built = AgeFile().version().x25519(identity).mac().nonce()
    built.chunk(bytes(CHUNK_SIZE)).chunk(b"", last=True)
    with pytest.raises(AgeChunkInvalid, match="empty final chunk"):
        age.decrypt(built.bytes(), identities=[identity])


def test_data_after_a_full_final_chunk_is_trailing(identity: age.X25519Identity) -> None:
    """Bytes after a final 64 KiB chunk are age_trailing_data."""
    built = AgeFile().version().x25519(identity).mac().nonce().chunk(bytes(CHUNK_SIZE), last=True)
    with pytest.raises(AgeTrailingData) as info:
        age.decrypt(built.bytes() + b"\n", identities=[identity])
    assert info.value.code == "age_trailing_data"


def test_data_after_a_short_final_chunk_is_trailing(identity: age.X25519Identity) -> None:
    """A few bytes appended to a short final chunk are recognised as trailing data."""
    with pytest.raises(AgeTrailingData):
        age.decrypt(_valid(identity).bytes() + b"garbage\n", identities=[identity])


def test_a_whole_extra_chunk_after_the_final_one_is_trailing(identity: age.X25519Identity) -> None:
    """A chunk appended after a full final chunk is trailing data, not a tampered chunk."""
    built = AgeFile().version().x25519(identity).mac().nonce().chunk(bytes(CHUNK_SIZE), last=True)
    built.chunk(b"more", last=True)
    with pytest.raises(AgeTrailingData):
        age.decrypt(built.bytes(), identities=[identity])
