"""C2SP tlog-checkpoint notes, C2SP tlog-cosignature (Ed25519, cosignature/v1) and key files.

A checkpoint body is ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` plus optional
extension lines, signed as a note by the log's Ed25519 key (type 0x01). A witness
cosignature is a further signature line whose key ID uses type 0x04 and whose bytes
are ``8-byte big-endian POSIX time || Ed25519 signature`` over
``cosignature/v1\\ntime <time>\\n`` followed by the checkpoint body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing.log.errors import (
    CheckpointMalformed,
    CheckpointSignatureInvalid,
    CosignatureInvalid,
    KeyMalformed,
    NaiveDatetimeRefused,
    NoteError,
    NoteMalformed,
)
from signing.log.merkle import HASH_SIZE
from signing.log.note import (
    ED25519_KEY_SIZE,
    ED25519_SIGNATURE_SIZE,
    SIG_TYPE_COSIGNATURE_V1,
    Ed25519Signer,
    NamedEd25519Key,
    Note,
    NoteSignature,
    NoteVerifier,
    check_key_name,
    decode_base64,
    decode_ed25519_skey,
    ed25519_public_bytes,
    ed25519_verify,
    encode_base64,
    encode_ed25519_skey,
    parse_note,
    parse_signature_line,
    sign_note,
    verify_note,
)

# tlog-checkpoint: "ASCII decimal ... with no leading zeroes (unless the tree is empty)".
_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x1f]")
MAX_TREE_SIZE = 2**64 - 1
# tlog-cosignature: the timestamp "MUST NOT exceed 2^63 - 1".
MAX_TIMESTAMP = 2**63 - 1
TIMESTAMP_SIZE = 8
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True, slots=True)
class Checkpoint:
    """A tree head: log origin, tree size, RFC 9162 root hash, optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for line in (self.origin, *self.extensions):
            if not line or _CONTROL.search(line):
                raise CheckpointMalformed("checkpoint lines are non-empty, without control chars")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointMalformed(f"tree size {self.size} out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointMalformed(f"a root hash is {HASH_SIZE} bytes")

    def to_body(self) -> str:
        """The note text: origin, size, base64 root hash, extensions, each ending in newline."""
        lines = (self.origin, str(self.size), encode_base64(self.root_hash), *self.extensions)
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_body(cls, body: str) -> Checkpoint:
        """Parse a checkpoint note text strictly (tlog-checkpoint, "Note text")."""
        if not body.endswith("\n"):
            raise CheckpointMalformed("a checkpoint body ends with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointMalformed("a checkpoint body has at least three lines")
        origin, size, root, *extensions = lines
        if not _TREE_SIZE.fullmatch(size):
            raise CheckpointMalformed(f"tree size {size[:30]!r} is not canonical decimal")
        try:
            root_hash = decode_base64(root)
        except NoteMalformed:
            raise CheckpointMalformed("root hash is not canonical base64") from None
        return cls(origin=origin, size=int(size), root_hash=root_hash, extensions=tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Ed25519Signer) -> Note:
    """The checkpoint as a note signed by the log key, whose name must be the origin."""
    # tlog-checkpoint: the log's key name SHOULD match the origin; we make it a rule.
    if signer.name != checkpoint.origin:
        raise CheckpointMalformed("the log key's name must equal the checkpoint origin")
    return sign_note(checkpoint.to_body(), [signer])


def open_checkpoint(data: bytes | str, log_verifier: NoteVerifier) -> tuple[Checkpoint, Note]:
    """Parse a signed checkpoint note and verify the log's signature before reading it."""
    try:
        note = parse_note(data)
    except NoteMalformed as error:
        raise CheckpointMalformed(error.message) from None
    try:
        verify_note(note, [log_verifier])
    except NoteError as error:
        raise CheckpointSignatureInvalid(error.message) from None
    # signed-note: the text is read only after a trusted signature verified.
    return Checkpoint.from_body(note.text), note


def cosignature_message(body: str, timestamp: int) -> bytes:
    """tlog-cosignature "Ed25519 signed message": header, time line, checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def posix_seconds(now: datetime) -> int:
    """Seconds since the Epoch of an aware datetime (naive ones are refused)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise NaiveDatetimeRefused("time must be timezone-aware")
    return (now - _EPOCH) // timedelta(seconds=1)


@dataclass(frozen=True, kw_only=True, slots=True)
class CosignatureVerifier(NamedEd25519Key):
    """A witness's Ed25519 cosignature/v1 key (signature type 0x04); a NoteVerifier."""

    SIG_TYPE: ClassVar[int] = SIG_TYPE_COSIGNATURE_V1
    TYPE_NAME: ClassVar[str] = "cosignature/v1 (0x04)"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Check ``timestamp || signature`` over the cosigned message for ``text``."""
        if len(signature) != TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:TIMESTAMP_SIZE], "big")
        try:
            body = text.decode()
            Checkpoint.from_body(body)
        except (UnicodeDecodeError, CheckpointMalformed):
            return False  # a cosignature covers checkpoints only
        message = cosignature_message(body, timestamp)
        valid_time = timestamp <= MAX_TIMESTAMP
        return valid_time and ed25519_verify(self.public_key, signature[TIMESTAMP_SIZE:], message)


@dataclass(frozen=True, kw_only=True, slots=True, eq=False)
class Cosigner:
    """A witness's Ed25519 cosigning key with its name."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @property
    def key_id(self) -> bytes:
        """The 4-byte type 0x04 key ID."""
        return self.verifier().key_id

    def verifier(self) -> CosignatureVerifier:
        """The matching verifier."""
        public_key = ed25519_public_bytes(self.private_key)
        return CosignatureVerifier(name=self.name, public_key=public_key)

    def cosign(self, checkpoint: Checkpoint, now: datetime) -> NoteSignature:
        """A cosignature/v1 signature line for ``checkpoint`` stamped with ``now``."""
        timestamp = posix_seconds(now)
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise CosignatureInvalid("cosignature time out of range")
        message = cosignature_message(checkpoint.to_body(), timestamp)
        payload = timestamp.to_bytes(TIMESTAMP_SIZE, "big") + self.private_key.sign(message)
        return NoteSignature(name=self.name, key_id=self.key_id, signature=payload)

    def to_skey(self) -> str:
        """This key as a type 0x04 signer key string (secret)."""
        return encode_ed25519_skey(self.name, SIG_TYPE_COSIGNATURE_V1, self.private_key)

    @classmethod
    def from_skey(cls, skey: str) -> Cosigner:
        """Parse a type 0x04 signer key string."""
        name, private_key = decode_ed25519_skey(skey, SIG_TYPE_COSIGNATURE_V1)
        return cls(name=name, private_key=private_key)


def cosignature_time(signature: NoteSignature) -> datetime:
    """The time a cosignature/v1 signature claims (aware UTC); not a verification."""
    if len(signature.signature) != TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE:
        raise CosignatureInvalid("a cosignature is 8 bytes of time and a 64-byte signature")
    timestamp = int.from_bytes(signature.signature[:TIMESTAMP_SIZE], "big")
    if timestamp > MAX_TIMESTAMP:
        raise CosignatureInvalid("cosignature time exceeds 2^63 - 1")
    try:
        return datetime.fromtimestamp(timestamp, UTC)
    except (OverflowError, OSError, ValueError):
        raise CosignatureInvalid("cosignature time is not representable") from None


def verify_cosignature(
    checkpoint: Checkpoint,
    signature: NoteSignature | str,
    verifier: CosignatureVerifier,
    *,
    not_after: datetime | None = None,
) -> datetime:
    """Verify a witness cosignature (object or line) on ``checkpoint``; return its time.

    ``not_after`` refuses cosignatures dated later (tlog-cosignature: verifiers MAY
    reject timestamps in the future).
    """
    if isinstance(signature, str):
        try:
            signature = parse_signature_line(signature)
        except NoteMalformed as error:
            raise CosignatureInvalid(error.message) from None
    if (signature.name, signature.key_id) != (verifier.name, verifier.key_id):
        raise CosignatureInvalid(f"not a cosignature by {verifier.name}+{verifier.key_id.hex()}")
    when = cosignature_time(signature)
    if not_after is not None and posix_seconds(when) > posix_seconds(not_after):
        raise CosignatureInvalid("cosignature time is in the future")
    if not verifier.verify(checkpoint.to_body().encode(), signature.signature):
        raise CosignatureInvalid(f"cosignature by {verifier.name} does not verify")
    return when


def generate_private_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 key from the operating system's CSPRNG."""
    return Ed25519PrivateKey.generate()


def private_key_to_raw(private_key: Ed25519PrivateKey) -> bytes:
    """The 32-byte RFC 8032 seed (secret; the caller writes files with mode 0600)."""
    return private_key.private_bytes_raw()


def private_key_from_raw(seed: bytes) -> Ed25519PrivateKey:
    """Load a key from its 32-byte seed."""
    if len(seed) != ED25519_KEY_SIZE:
        raise KeyMalformed("an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_to_pem(private_key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS #8 PEM (secret; the caller writes files with mode 0600)."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    """Load an unencrypted PKCS #8 PEM Ed25519 key."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyMalformed("not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyMalformed("the PEM key is not Ed25519")
    return key


def public_key_to_pem(private_key: Ed25519PrivateKey) -> bytes:
    """The public half as SubjectPublicKeyInfo PEM (for openssl users)."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
