"""age v1 (c2sp.org/age): X25519 identities and recipients, and streaming encryption.

An age file is a header (signing.ageheader) then a payload (signing.agestream). This
module adds the native X25519 recipient type ("The X25519 recipient type") and the
streaming reader and writer, which hash the ciphertext on the fly on a second
thread (signing.pipe). Stanzas of other types are kept and ignored by the X25519
identity, as the spec requires ("Recipient stanza").
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from signing import bech32
from signing.ageheader import (
    Header,
    Stanza,
    b64decode,
    b64encode,
    build_header,
    check_file_key,
    header_mac,
    parse_header,
    read_header,
)
from signing.agestream import (
    FILE_KEY_SIZE,
    PayloadEncryptor,
    Readable,
    Writable,
    decrypt_payload,
    fill,
    hkdf_sha256,
    new_file_key,
)
from signing.errors import (
    AgeHeaderMacMismatch,
    AgeHeaderMalformed,
    AgeKeyInvalid,
    AgeNoMatchingStanza,
)
from signing.pipe import Buffer, Pipe

__all__ = [
    "AgeReader",
    "AgeWriter",
    "Header",
    "Stanza",
    "X25519Identity",
    "X25519Recipient",
    "b64decode",
    "b64encode",
    "build_header",
    "check_file_key",
    "decrypt",
    "encrypt",
    "hkdf_sha256",
    "new_file_key",
    "parse_header",
    "read_header",
    "unwrap_file_key",
    "x25519",
    "x25519_base",
]

X25519_TYPE = "X25519"
X25519_INFO = b"age-encryption.org/v1/X25519"
ZERO_NONCE = bytes(12)


def x25519(secret: bytes, public: bytes) -> bytes:
    """X25519(secret, public) of RFC 7748, section 5; all zero for a low-order point."""
    private = X25519PrivateKey.from_private_bytes(secret)
    try:
        return private.exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:
        # OpenSSL refuses the all-zero result of a low-order point; the spec says to
        # abort on it, which callers do by checking for zero.
        return bytes(32)


def x25519_base(secret: bytes) -> bytes:
    """X25519(secret, basepoint): the public key of ``secret``."""
    return X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()


@dataclass(frozen=True, kw_only=True, slots=True)
class X25519Recipient:
    """An age X25519 recipient (``age1…``)."""

    public: bytes

    @classmethod
    def parse(cls, text: str) -> X25519Recipient:
        """Decode an ``age1…`` string."""
        hrp, data = bech32.decode(text)
        if hrp != "age" or len(data) != 32:
            raise AgeKeyInvalid("not an age X25519 recipient (age1…)")
        return cls(public=data)

    def encode(self) -> str:
        """The ``age1…`` string."""
        return bech32.encode("age", self.public)

    def wrap(self, file_key: bytes) -> Stanza:
        """An ``X25519`` stanza wrapping ``file_key`` to this recipient."""
        ephemeral_secret = secrets.token_bytes(32)
        ephemeral_share = x25519_base(ephemeral_secret)
        shared = x25519(ephemeral_secret, self.public)
        key = hkdf_sha256(shared, ephemeral_share + self.public, X25519_INFO)
        body = ChaCha20Poly1305(key).encrypt(ZERO_NONCE, file_key, None)
        return Stanza(args=(X25519_TYPE, b64encode(ephemeral_share)), body=body)


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class X25519Identity:
    """An age X25519 identity (``AGE-SECRET-KEY-1…``); its repr never shows the key."""

    secret: bytes

    @classmethod
    def generate(cls) -> X25519Identity:
        """A new identity from the CSPRNG."""
        return cls(secret=secrets.token_bytes(32))

    @classmethod
    def parse(cls, text: str) -> X25519Identity:
        """Decode an ``AGE-SECRET-KEY-1…`` string."""
        hrp, data = bech32.decode(text)
        if hrp != "age-secret-key-" or len(data) != 32:
            raise AgeKeyInvalid("not an age X25519 identity (AGE-SECRET-KEY-1…)")
        return cls(secret=data)

    def encode(self) -> str:
        """The ``AGE-SECRET-KEY-1…`` string."""
        return bech32.encode("AGE-SECRET-KEY-", self.secret)

    def recipient(self) -> X25519Recipient:
        """The recipient this identity decrypts for."""
        return X25519Recipient(public=x25519_base(self.secret))

    def unwrap(self, stanza: Stanza) -> bytes | None:
        """The file key in an X25519 stanza addressed to us; None if not ours."""
        if stanza.type != X25519_TYPE:
            return None
        if len(stanza.args) != 2 or len(stanza.body) != 32:
            raise AgeHeaderMalformed("an X25519 stanza needs 2 arguments and a 32-byte body")
        share = b64decode(stanza.args[1])
        if len(share) != 32:
            raise AgeHeaderMalformed("an X25519 ephemeral share must be 32 bytes")
        shared = x25519(self.secret, share)
        if shared == bytes(32):
            raise AgeHeaderMalformed("X25519 shared secret is all zero (low-order share)")
        recipient = self.recipient().public
        key = hkdf_sha256(shared, share + recipient, X25519_INFO)
        try:
            return ChaCha20Poly1305(key).decrypt(ZERO_NONCE, stanza.body, None)
        except InvalidTag:
            return None

    def __repr__(self) -> str:
        return "X25519Identity(<secret>)"


def unwrap_file_key(header: Header, identities: Iterable[X25519Identity]) -> bytes:
    """The file key from the first stanza one of ``identities`` opens; MAC checked."""
    if any(s.type == "scrypt" for s in header.stanzas) and len(header.stanzas) > 1:
        raise AgeHeaderMalformed("an scrypt stanza must be the only stanza")
    for identity in identities:
        for stanza in header.stanzas:
            file_key = identity.unwrap(stanza)
            if file_key is None:
                continue
            if len(file_key) != FILE_KEY_SIZE or not hmac.compare_digest(
                header_mac(file_key, header.mac_input), header.mac
            ):
                raise AgeHeaderMacMismatch("the header MAC does not verify: header altered")
            return file_key
    raise AgeNoMatchingStanza("no stanza opens with the given identity")


class _HashingReader:
    """Passes reads through; the bytes are hashed on a worker thread (signing.pipe).

    ``readinto`` fills the caller's Ring buffer in place and hands the same view to the
    hashing thread: no copy. Each read is one Pipe item (``batch_bytes=1``).
    """

    def __init__(self, source: Readable, update: Callable[[Buffer], object]) -> None:
        self._source = source
        self._pipe = Pipe(update, batch_bytes=1)
        self.size = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size)
        self._pipe.put(data)
        self.size += len(data)
        return data

    def readinto(self, buffer: memoryview, /) -> int:
        filled = fill(self._source, buffer)
        if filled:
            self._pipe.put(filled)
        self.size += len(filled)
        return len(filled)

    def close(self) -> None:
        self._pipe.close()

    def abandon(self) -> None:
        self._pipe.abandon()


class AgeReader:
    """Decrypts an age file pulled from ``source``, hashing the ciphertext on the way.

    Give either identities (the file key is unwrapped from a stanza and the header MAC
    checked) or a file key from outside (checked against the MAC). Plaintext comes
    from ``chunks()``; it is authenticated chunk by chunk, and the file as a whole only
    once the iterator is exhausted, when ``ciphertext_sha256`` becomes available.
    """

    def __init__(
        self,
        source: Readable,
        *,
        identities: Sequence[X25519Identity] = (),
        file_key: bytes | None = None,
    ) -> None:
        self._source = source
        self.header = read_header(source)
        if file_key is not None:
            check_file_key(self.header, file_key)
            self.file_key = file_key
        else:
            self.file_key = unwrap_file_key(self.header, identities)
        self._digest: bytes | None = None
        self.ciphertext_size = len(self.header.raw)

    def chunks(self) -> Iterator[memoryview]:
        """Plaintext, a block of chunks at a time (call once): each a view of a reused
        buffer (signing.agestream.decrypt_payload), to consume or copy at once."""
        sha256 = hashlib.sha256(self.header.raw)
        payload = _HashingReader(self._source, sha256.update)
        try:
            yield from decrypt_payload(payload, self.file_key)
        except BaseException:
            payload.abandon()
            raise
        payload.close()
        self.ciphertext_size += payload.size
        self._digest = sha256.digest()

    @property
    def ciphertext_sha256(self) -> bytes:
        """SHA-256 of the whole age file read; only after the payload is fully read."""
        if self._digest is None:
            raise ValueError("the payload has not been read to its end")
        return self._digest


class AgeWriter:
    """Writes one age file to ``sink``: header at once, payload as it is written.

    Hashing and writing run on a worker thread: do not touch ``sink`` until
    ``close()``, which writes the final chunk and returns the SHA-256 of the file, or
    ``abort()``, which stops without finishing it.
    """

    def __init__(
        self,
        sink: Writable,
        *,
        stanzas: Sequence[Stanza],
        file_key: bytes,
        nonce: bytes | None = None,
    ) -> None:
        self._sink = sink
        self._sha256 = hashlib.sha256()
        self._encryptor = PayloadEncryptor(file_key, nonce)
        # One queue item per Ring block (signing.pipe): the blocks are reused.
        self._pipe = Pipe(self._consume, batch_bytes=1)
        self.size = 0
        self.sha256: bytes | None = None
        self._emit(build_header(stanzas, file_key))
        self._emit(self._encryptor.nonce)

    def _consume(self, data: Buffer) -> None:
        self._sha256.update(data)
        self._sink.write(data)

    def _emit(self, data: Buffer) -> None:
        self.size += len(data)
        self._pipe.put(data)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt and write every complete chunk; the rest waits for more or ``close``."""
        for sealed in self._encryptor.update_into(data):
            self._emit(sealed)
        return len(data)

    def close(self) -> bytes:
        """Write the final chunk; return the SHA-256 of the whole age file."""
        if self.sha256 is None:
            for sealed in self._encryptor.finish_into():
                self._emit(sealed)
            self._pipe.close()
            self.sha256 = self._sha256.digest()
        return self.sha256

    def abort(self) -> None:
        """Stop after a failure: the sink holds an unfinished file that will not decrypt."""
        if self.sha256 is None:
            self._pipe.abandon()

    def __enter__(self) -> AgeWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def encrypt(plaintext: bytes, recipients: Sequence[X25519Recipient]) -> bytes:
    """A whole age file for small ``plaintext`` (tests, statements); stream big ones."""
    file_key = new_file_key()
    out = io.BytesIO()
    stanzas = [r.wrap(file_key) for r in recipients]
    with AgeWriter(out, stanzas=stanzas, file_key=file_key) as writer:
        writer.write(plaintext)
    return out.getvalue()


def decrypt(
    data: bytes,
    *,
    identities: Sequence[X25519Identity] = (),
    file_key: bytes | None = None,
) -> bytes:
    """The plaintext of a whole age file held in memory."""
    reader = AgeReader(io.BytesIO(data), identities=identities, file_key=file_key)
    return b"".join([bytes(block) for block in reader.chunks()])  # copied: blocks are reused
