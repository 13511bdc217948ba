"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and their key strings.

A note is a text ending in a newline, a blank line, then one or more signature lines
``— <key name> <base64(key ID || signature)>``. Key IDs are
``SHA-256(name || 0x0A || signature type || public key)[:4]``. Verifier keys ("vkeys")
are ``<name>+<hex key ID>+<base64(type || public key)>`` and signer keys
``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || private seed)>``, as in
golang.org/x/mod/sumdb/note, the reference implementation. Nothing here does I/O.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signing.log.errors import KeyMalformed, NoteMalformed, NoteSignatureInvalid, NoteUnverified

EM_DASH = "\u2014"
SIGNATURE_PREFIX = EM_DASH + " "
# Assigned signature type bytes (signed-note, "Signature types").
SIG_TYPE_ED25519 = 0x01
SIG_TYPE_COSIGNATURE_V1 = 0x04
KEY_ID_SIZE = 4
ED25519_KEY_SIZE = 32
ED25519_SIGNATURE_SIZE = 64
# signed-note: verifiers SHOULD cap signatures and MUST accept at least 16; Go caps at 100.
MAX_SIGNATURES = 100

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")


class NoteVerifier(Protocol):
    """A known key: its name and key ID select the signature lines it checks."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (without the key ID) signs the note ``text``."""
        ...


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid key name: non-empty, no Unicode space, no '+'."""
    if not name or "+" in name or any(c.isspace() for c in name) or _CONTROL.search(name):
        raise KeyMalformed(f"invalid key name {name!r}")
    return name


def compute_key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """signed-note key ID: ``SHA-256(name || 0x0A || type || public key)[:4]``."""
    material = name.encode() + b"\n" + bytes([sig_type]) + public_key
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def decode_base64(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 section 4), refusing any non-canonical spelling."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteMalformed(f"invalid base64 {text[:40]!r}") from None
    if base64.b64encode(raw).decode() != text:
        raise NoteMalformed(f"non-canonical base64 {text[:40]!r}")
    return raw


def encode_base64(raw: bytes) -> str:
    """Standard padded base64."""
    return base64.b64encode(raw).decode()


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID and the algorithm's signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.key_id) != KEY_ID_SIZE or not self.signature:
            raise NoteMalformed("a signature is a 4-byte key ID and at least one byte")

    def to_line(self) -> str:
        """``— <name> <base64(key ID || signature)>``, without the newline."""
        return f"{SIGNATURE_PREFIX}{self.name} {encode_base64(self.key_id + self.signature)}"


def parse_signature_line(line: str) -> NoteSignature:
    """Parse one signature line given without its newline."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteMalformed("a signature line starts with an em dash and a space")
    name, space, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space or not b64:
        raise NoteMalformed("a signature line is '— <name> <base64>'")
    raw = decode_base64(b64)
    try:
        return NoteSignature(name=name, key_id=raw[:KEY_ID_SIZE], signature=raw[KEY_ID_SIZE:])
    except KeyMalformed as error:
        raise NoteMalformed(error.message) from None


@dataclass(frozen=True, kw_only=True, slots=True)
class Note:
    """A signed note: the text (with its final newline) and its signature lines in order."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        _check_text(self.text)
        if not 1 <= len(self.signatures) <= MAX_SIGNATURES:
            raise NoteMalformed(f"a note has 1 to {MAX_SIGNATURES} signatures")

    def to_text(self) -> str:
        """The note as served: text, blank line, one line per signature."""
        lines = "".join(sig.to_line() + "\n" for sig in self.signatures)
        return f"{self.text}\n{lines}"

    def to_bytes(self) -> bytes:
        """The note as UTF-8 bytes."""
        return self.to_text().encode()


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteMalformed("note text must end with a newline")
    if _CONTROL.search(text):
        raise NoteMalformed("note text must not contain control characters other than newline")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise NoteMalformed("note text must be valid UTF-8") from None


def parse_note(data: bytes | str) -> Note:
    """Parse a signed note strictly; signatures are not checked (see verify_note)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteMalformed("a note must be valid UTF-8") from None
    if _CONTROL.search(data):
        raise NoteMalformed("a note must not contain control characters other than newline")
    # The text is separated from the signatures by the last empty line (signed-note, Format).
    split = data.rfind("\n\n")
    if split < 0:
        raise NoteMalformed("a note needs a blank line before its signatures")
    block = data[split + 2 :]
    if not block.endswith("\n"):
        raise NoteMalformed("a note ends with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteMalformed(f"more than {MAX_SIGNATURES} signatures")
    signatures = tuple(parse_signature_line(line) for line in lines)
    return Note(text=data[: split + 1], signatures=signatures)


def verify_note(note: Note, verifiers: Iterable[NoteVerifier]) -> tuple[NoteSignature, ...]:
    """Check ``note`` against known keys; return the signatures that verified.

    signed-note, "Signatures": lines from unknown keys (name and ID not both matching)
    are ignored; every line from a known key is verified and one failure rejects the
    note; no verified known signature rejects it too. One signature per key is returned.
    """
    known = _index_verifiers(verifiers)
    text = note.text.encode()
    verified: dict[tuple[str, bytes], NoteSignature] = {}
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(text, sig.signature):
            raise NoteSignatureInvalid(f"invalid signature by {sig.name}+{sig.key_id.hex()}")
        verified.setdefault((sig.name, sig.key_id), sig)
    if not verified:
        raise NoteUnverified("the note has no signature by a known key")
    return tuple(verified.values())


def _index_verifiers(verifiers: Iterable[NoteVerifier]) -> dict[tuple[str, bytes], NoteVerifier]:
    known: dict[tuple[str, bytes], NoteVerifier] = {}
    for verifier in verifiers:
        key = (verifier.name, verifier.key_id)
        if key in known:
            raise KeyMalformed(f"two known keys share name and key ID {key[0]}+{key[1].hex()}")
        known[key] = verifier
    return known


def add_signatures(note: Note, signatures: Sequence[NoteSignature]) -> Note:
    """Append ``signatures``, replacing existing ones by the same key (as Go's note.Sign)."""
    latest = {(sig.name, sig.key_id): sig for sig in signatures}
    kept = tuple(sig for sig in note.signatures if (sig.name, sig.key_id) not in latest)
    return Note(text=note.text, signatures=kept + tuple(latest.values()))


def encode_vkey(name: str, sig_type: int, public_key: bytes) -> str:
    """Verifier key string ``<name>+<hex key ID>+<base64(type || public key)>``."""
    key_id = compute_key_id(check_key_name(name), sig_type, public_key)
    return f"{name}+{key_id.hex()}+{encode_base64(bytes([sig_type]) + public_key)}"


def decode_vkey(vkey: str) -> tuple[str, int, bytes]:
    """Parse a verifier key string into (name, signature type, public key); checks the key ID."""
    name, key_id, material = _split_key(vkey, "verifier key")
    sig_type, public_key = material[0], material[1:]
    if compute_key_id(name, sig_type, public_key) != key_id:
        raise KeyMalformed("verifier key ID does not match its name and key")
    return name, sig_type, public_key


def _split_key(text: str, what: str) -> tuple[str, bytes, bytes]:
    # Split at the first two '+' only: the base64 part may contain '+'.
    parts = text.split("+", 2)
    if len(parts) != 3 or not _HEX_KEY_ID.fullmatch(parts[1]):
        raise KeyMalformed(f"malformed {what}")
    name = check_key_name(parts[0])
    try:
        material = decode_base64(parts[2])
    except NoteMalformed:
        raise KeyMalformed(f"malformed {what} base64") from None
    if not material:
        raise KeyMalformed(f"empty {what}")
    return name, bytes.fromhex(parts[1]), material


def encode_ed25519_skey(name: str, sig_type: int, private_key: Ed25519PrivateKey) -> str:
    """Signer key string ``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``."""
    key_id = compute_key_id(check_key_name(name), sig_type, ed25519_public_bytes(private_key))
    seed = private_key.private_bytes_raw()
    return f"PRIVATE+KEY+{name}+{key_id.hex()}+{encode_base64(bytes([sig_type]) + seed)}"


def decode_ed25519_skey(skey: str, sig_type: int) -> tuple[str, Ed25519PrivateKey]:
    """Parse an Ed25519 signer key string of ``sig_type``; checks the key ID."""
    if not skey.startswith("PRIVATE+KEY+"):
        raise KeyMalformed("a signer key starts with PRIVATE+KEY+")
    name, key_id, material = _split_key(skey[len("PRIVATE+KEY+") :], "signer key")
    if material[0] != sig_type or len(material) != 1 + ED25519_KEY_SIZE:
        raise KeyMalformed(f"not an Ed25519 signer key of type 0x{sig_type:02x}")
    private_key = Ed25519PrivateKey.from_private_bytes(material[1:])
    if compute_key_id(name, sig_type, ed25519_public_bytes(private_key)) != key_id:
        raise KeyMalformed("signer key ID does not match its name and key")
    return name, private_key


def ed25519_public_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The 32-byte RFC 8032 public key."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """RFC 8032 Ed25519 verification that answers instead of raising."""
    if len(public_key) != ED25519_KEY_SIZE or len(signature) != ED25519_SIGNATURE_SIZE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, kw_only=True, slots=True)
class NamedEd25519Key:
    """A named Ed25519 verifier key of one signature type; subclasses say what it verifies."""

    SIG_TYPE: ClassVar[int]
    TYPE_NAME: ClassVar[str]  # for errors: "Ed25519 (0x01)", "cosignature/v1 (0x04)"

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.public_key) != ED25519_KEY_SIZE:
            raise KeyMalformed("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> bytes:
        """``SHA-256(name || 0x0A || type || public key)[:4]`` (signed-note, key IDs)."""
        return compute_key_id(self.name, self.SIG_TYPE, self.public_key)

    def to_vkey(self) -> str:
        """This key as a verifier key string of its type."""
        return encode_vkey(self.name, self.SIG_TYPE, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Self:
        """Parse a verifier key string, refusing one of another signature type."""
        name, sig_type, public_key = decode_vkey(vkey)
        if sig_type != cls.SIG_TYPE:
            raise KeyMalformed(f"verifier key type 0x{sig_type:02x} is not {cls.TYPE_NAME}")
        return cls(name=name, public_key=public_key)


@dataclass(frozen=True, kw_only=True, slots=True)
class Ed25519Verifier(NamedEd25519Key):
    """A known Ed25519 note key (signature type 0x01)."""

    SIG_TYPE: ClassVar[int] = SIG_TYPE_ED25519
    TYPE_NAME: ClassVar[str] = "Ed25519 (0x01)"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Ed25519 over the note text (signed-note, "Ed25519 signatures")."""
        return ed25519_verify(self.public_key, signature, text)


@dataclass(frozen=True, kw_only=True, slots=True, eq=False)
class Ed25519Signer:
    """An Ed25519 note signing key with its name (signature type 0x01)."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID."""
        return self.verifier().key_id

    def verifier(self) -> Ed25519Verifier:
        """The matching verifier."""
        return Ed25519Verifier(name=self.name, public_key=ed25519_public_bytes(self.private_key))

    def sign(self, text: str) -> NoteSignature:
        """Sign a note text (which must end in a newline)."""
        _check_text(text)
        signature = self.private_key.sign(text.encode())
        return NoteSignature(name=self.name, key_id=self.key_id, signature=signature)

    def to_skey(self) -> str:
        """This key as a signer key string (secret)."""
        return encode_ed25519_skey(self.name, SIG_TYPE_ED25519, self.private_key)

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        """Parse a type 0x01 signer key string."""
        name, private_key = decode_ed25519_skey(skey, SIG_TYPE_ED25519)
        return cls(name=name, private_key=private_key)


def sign_note(text: str, signers: Sequence[Ed25519Signer]) -> Note:
    """A new note with ``text`` signed by each of ``signers``."""
    return Note(text=text, signatures=tuple(signer.sign(text) for signer in signers))
