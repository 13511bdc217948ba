"""The age v1 payload: ChaCha20-Poly1305 STREAM in 64 KiB chunks (c2sp.org/age, "Payload").

    payload     = nonce(16) || chunk_0 || ... || chunk_last
    payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
    chunk_i     = ChaCha20-Poly1305(payload key, counter_i(11, big endian) || last(1), plain_i)

Every chunk but the last holds exactly 64 KiB of plaintext; the last holds 1..64 KiB,
or nothing when the whole payload is empty. The encryptor is sans-I/O (bytes in,
ciphertext pieces out); the decryptor pulls from a readable and yields plaintext, so
both run in constant memory whatever the size.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from signing.errors import AgeChunkInvalid, AgePayloadTruncated, AgeTrailingData

FILE_KEY_SIZE = 16
NONCE_SIZE = 16
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
CHUNK_CIPHERTEXT_SIZE = CHUNK_SIZE + TAG_SIZE
# On a final chunk that fails authentication we try cutting this many trailing bytes
# at most, to tell "bytes appended to the file" from "chunk altered" (error path only).
TRAILING_PROBE = 256
_MAX_COUNTER = 1 << 88


class Readable(Protocol):
    """Anything with ``read(n)`` returning at most n bytes, b"" at end of file."""

    def read(self, size: int = -1, /) -> bytes: ...


class Writable(Protocol):
    """Anything with ``write(data)``."""

    def write(self, data: bytes | memoryview, /) -> int | None: ...


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-Extract then HKDF-Expand with SHA-256 (RFC 5869)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def new_file_key() -> bytes:
    """16 bytes of CSPRNG output (c2sp.org/age, "File key")."""
    return secrets.token_bytes(FILE_KEY_SIZE)


def _chunk_nonce(counter: int, *, last: bool) -> bytes:
    if counter >= _MAX_COUNTER:
        raise AgeChunkInvalid("payload chunk counter overflow")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _payload_aead(file_key: bytes, nonce: bytes) -> ChaCha20Poly1305:
    return ChaCha20Poly1305(hkdf_sha256(file_key, nonce, b"payload"))


class PayloadEncryptor:
    """Sans-I/O STREAM encryptor: feed plaintext with ``update``, end with ``finish``.

    The last 1..64 KiB fed so far are held back, because only ``finish`` tells which
    chunk is final; memory stays at one chunk whatever is fed.
    """

    def __init__(self, file_key: bytes, nonce: bytes | None = None) -> None:
        self.nonce = secrets.token_bytes(NONCE_SIZE) if nonce is None else nonce
        if len(file_key) != FILE_KEY_SIZE or len(self.nonce) != NONCE_SIZE:
            raise ValueError("file key and payload nonce must be 16 bytes each")
        self._aead = _payload_aead(file_key, self.nonce)
        self._buffer = bytearray()
        self._counter = 0
        self._finished = False

    def update(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        """Ciphertext of every chunk now known not to be the last."""
        if self._finished:
            raise ValueError("payload already finished")
        view = memoryview(data).cast("B")
        out: list[bytes] = []
        if self._buffer:
            take = CHUNK_SIZE - len(self._buffer)
            self._buffer += view[:take]
            view = view[take:]
            if len(self._buffer) < CHUNK_SIZE or not view:
                return out
            out.append(self._seal(self._buffer, last=False))
            self._buffer = bytearray()
        while len(view) > CHUNK_SIZE:
            out.append(self._seal(view[:CHUNK_SIZE], last=False))
            view = view[CHUNK_SIZE:]
        self._buffer += view
        return out

    def finish(self) -> bytes:
        """Ciphertext of the final chunk (empty plaintext only if nothing was fed)."""
        if self._finished:
            raise ValueError("payload already finished")
        self._finished = True
        return self._seal(self._buffer, last=True)

    def _seal(self, plain: bytes | bytearray | memoryview, *, last: bool) -> bytes:
        sealed = self._aead.encrypt(_chunk_nonce(self._counter, last=last), plain, None)
        self._counter += 1
        return sealed


def read_full(source: Readable, size: int) -> bytes:
    """Read exactly ``size`` bytes, or fewer only at end of file."""
    data = source.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    missing = size - len(data)
    while missing:
        more = source.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


def decrypt_payload(source: Readable, file_key: bytes) -> Iterator[bytes]:
    """Yield the plaintext of each chunk read from ``source`` (nonce first).

    Raises AgePayloadTruncated, AgeChunkInvalid or AgeTrailingData; a caller must
    treat plaintext already yielded as unauthenticated until the iterator ends.
    """
    nonce = read_full(source, NONCE_SIZE)
    if len(nonce) < NONCE_SIZE:
        raise AgePayloadTruncated("the payload ends inside its 16-byte nonce")
    aead = _payload_aead(file_key, nonce)
    counter = 0
    current = read_full(source, CHUNK_CIPHERTEXT_SIZE)
    while True:
        following = b""
        if len(current) == CHUNK_CIPHERTEXT_SIZE:
            following = read_full(source, CHUNK_CIPHERTEXT_SIZE)
        if not following:
            yield _open_final(aead, counter, current)
            return
        yield _open_middle(aead, counter, current)
        counter += 1
        current = following


def _open(aead: ChaCha20Poly1305, counter: int, sealed: bytes, *, last: bool) -> bytes | None:
    try:
        return aead.decrypt(_chunk_nonce(counter, last=last), sealed, None)
    except InvalidTag:
        return None


def _open_middle(aead: ChaCha20Poly1305, counter: int, sealed: bytes) -> bytes:
    """A full-size chunk followed by more data must open as a non-final chunk."""
    plain = _open(aead, counter, sealed, last=False)
    if plain is not None:
        return plain
    if _open(aead, counter, sealed, last=True) is not None:
        raise AgeTrailingData(f"data follows the final chunk {counter}")
    raise AgeChunkInvalid(f"payload chunk {counter} fails authentication")


def _open_final(aead: ChaCha20Poly1305, counter: int, sealed: bytes) -> bytes:
    """The chunk before end of file must open as the final chunk."""
    if len(sealed) < TAG_SIZE:
        raise AgePayloadTruncated(f"the payload ends inside chunk {counter}")
    plain = _open(aead, counter, sealed, last=True)
    if plain is None:
        raise _diagnose_final(aead, counter, sealed)
    if not plain and counter > 0:
        raise AgeChunkInvalid("an empty final chunk after other chunks (c2sp.org/age)")
    return plain


def _diagnose_final(aead: ChaCha20Poly1305, counter: int, sealed: bytes) -> Exception:
    """Why the last chunk failed: cut at a chunk boundary, bytes appended, or altered."""
    if (
        len(sealed) == CHUNK_CIPHERTEXT_SIZE
        and _open(aead, counter, sealed, last=False) is not None
    ):
        return AgePayloadTruncated(f"the payload ends after non-final chunk {counter}")
    for cut in range(1, min(TRAILING_PROBE, len(sealed) - TAG_SIZE) + 1):
        if _open(aead, counter, sealed[:-cut], last=True) is not None:
            return AgeTrailingData(f"{cut} bytes follow the final chunk {counter}")
    return AgeChunkInvalid(f"final payload chunk {counter} fails authentication")
