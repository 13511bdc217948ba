"""The age v1 payload: ChaCha20-Poly1305 STREAM in 64 KiB chunks (c2sp.org/age, "Payload").

    payload     = nonce(16) || chunk_0 || ... || chunk_last
    payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
    chunk_i     = ChaCha20-Poly1305(payload key, counter_i(11, big endian) || last(1), plain_i)

Every chunk but the last holds exactly 64 KiB of plaintext; the last holds 1..64 KiB,
or nothing when the whole payload is empty. The encryptor is sans-I/O (bytes in,
ciphertext blocks out); the decryptor pulls from a readable and yields plaintext
blocks, so both run in constant memory whatever the size: blocks of 8 chunks live in
reused buffers (signing.pipe.Ring), sealed and opened in place with cryptography's
``encrypt_into``/``decrypt_into``, which release the GIL.
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
from signing.pipe import Buffer, Ring

FILE_KEY_SIZE = 16
NONCE_SIZE = 16
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
CHUNK_CIPHERTEXT_SIZE = CHUNK_SIZE + TAG_SIZE
# Chunks handled per block: one read, one hash update and one write per 512 KiB, not
# per chunk (docs/performance.md, "Sealing and opening bids").
BLOCK_CHUNKS = 8
BLOCK_SIZE = BLOCK_CHUNKS * CHUNK_SIZE
SEALED_BLOCK_SIZE = BLOCK_CHUNKS * CHUNK_CIPHERTEXT_SIZE
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
    chunk is final; memory stays at one chunk and one Ring (signing.pipe) whatever is
    fed. Chunks are sealed with ``encrypt_into`` straight into the Ring's blocks: no
    allocation per chunk, and cryptography releases the GIL while it encrypts.
    """

    def __init__(self, file_key: bytes, nonce: bytes | None = None) -> None:
        self.nonce = secrets.token_bytes(NONCE_SIZE) if nonce is None else nonce
        if len(file_key) != FILE_KEY_SIZE or len(self.nonce) != NONCE_SIZE:
            raise ValueError("file key and payload nonce must be 16 bytes each")
        self._aead = _payload_aead(file_key, self.nonce)
        self._held = memoryview(bytearray(CHUNK_SIZE))
        self._held_size = 0
        self._ring = Ring(SEALED_BLOCK_SIZE)
        self._out = self._ring.take()
        self._filled = 0
        self._counter = 0
        self._finished = False

    def update(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        """Ciphertext of every chunk now known not to be the last (copied out)."""
        return [bytes(block) for block in self.update_into(data)]

    def finish(self) -> bytes:
        """Ciphertext still held, with the final chunk (copied out)."""
        return b"".join(bytes(block) for block in self.finish_into())

    def update_into(self, data: bytes | bytearray | memoryview) -> Iterator[memoryview]:
        """Blocks of sealed chunks now complete: views of the Ring, to hand on at once."""
        if self._finished:
            raise ValueError("payload already finished")
        view = memoryview(data).cast("B")
        if self._held_size:
            take = min(CHUNK_SIZE - self._held_size, len(view))
            self._held[self._held_size : self._held_size + take] = view[:take]
            self._held_size += take
            view = view[take:]
            if self._held_size < CHUNK_SIZE or not view:
                return
            yield from self._seal(self._held, last=False)
            self._held_size = 0
        while len(view) > CHUNK_SIZE:
            yield from self._seal(view[:CHUNK_SIZE], last=False)
            view = view[CHUNK_SIZE:]
        self._held[: len(view)] = view
        self._held_size = len(view)

    def finish_into(self) -> Iterator[memoryview]:
        """The rest: the final chunk (empty plaintext only if nothing was fed)."""
        if self._finished:
            raise ValueError("payload already finished")
        self._finished = True
        yield from self._seal(self._held[: self._held_size], last=True)
        if self._filled:
            yield self._flush()

    def _seal(self, plain: memoryview, *, last: bool) -> Iterator[memoryview]:
        end = self._filled + len(plain) + TAG_SIZE
        nonce = _chunk_nonce(self._counter, last=last)
        self._aead.encrypt_into(nonce, plain, None, self._out[self._filled : end])
        self._counter += 1
        self._filled = end
        if self._filled + CHUNK_CIPHERTEXT_SIZE > len(self._out):
            yield self._flush()

    def _flush(self) -> memoryview:
        block = self._out[: self._filled]
        self._out, self._filled = self._ring.take(), 0
        return block


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


def fill(source: Readable, buffer: memoryview) -> memoryview:
    """Fill ``buffer`` from ``source`` (``readinto`` when it has one: no copy); the
    part filled, shorter than the buffer only at end of file."""
    readinto = getattr(source, "readinto", None)
    got = 0
    while got < len(buffer):
        if readinto is not None:
            count = readinto(buffer[got:]) or 0
        else:
            data = source.read(len(buffer) - got)
            count = len(data)
            buffer[got : got + count] = data
        if not count:
            break
        got += count
    return buffer[:got]


def decrypt_payload(source: Readable, file_key: bytes) -> Iterator[memoryview]:
    """Yield the plaintext read from ``source`` (nonce first), a block of chunks at a time.

    Each block is a view of a Ring (signing.pipe): use or copy it before taking more
    than a Pipe's worth of further blocks. Raises AgePayloadTruncated, AgeChunkInvalid
    or AgeTrailingData; a caller must treat plaintext already yielded as
    unauthenticated until the iterator ends.
    """
    nonce = read_full(source, NONCE_SIZE)
    if len(nonce) < NONCE_SIZE:
        raise AgePayloadTruncated("the payload ends inside its 16-byte nonce")
    aead = _payload_aead(file_key, nonce)
    sealed_ring, plain_ring = Ring(SEALED_BLOCK_SIZE), Ring(BLOCK_SIZE)
    counter = 0
    current = fill(source, sealed_ring.take())
    while True:
        plain, at, out = plain_ring.take(), 0, 0
        # Every chunk but the block's last is followed by more bytes: not final.
        while len(current) - at > CHUNK_CIPHERTEXT_SIZE:
            _open_middle(aead, counter, current[at : at + CHUNK_CIPHERTEXT_SIZE], plain[out:])
            counter, at, out = counter + 1, at + CHUNK_CIPHERTEXT_SIZE, out + CHUNK_SIZE
        following = current[:0]
        if len(current) == SEALED_BLOCK_SIZE:
            following = fill(source, sealed_ring.take())
        if not following:
            out += _open_final(aead, counter, current[at:], plain[out:])
            yield plain[:out]
            return
        _open_middle(aead, counter, current[at:], plain[out:])
        yield plain[: out + CHUNK_SIZE]
        counter += 1
        current = following


def _open(aead: ChaCha20Poly1305, counter: int, sealed: Buffer, *, last: bool) -> bytes | None:
    try:
        return aead.decrypt(_chunk_nonce(counter, last=last), sealed, None)
    except InvalidTag:
        return None


def _open_into(
    aead: ChaCha20Poly1305, counter: int, sealed: memoryview, out: memoryview, *, last: bool
) -> bool:
    size = len(sealed) - TAG_SIZE
    try:
        aead.decrypt_into(_chunk_nonce(counter, last=last), sealed, None, out[:size])
    except InvalidTag:
        return False
    return True


def _open_middle(aead: ChaCha20Poly1305, counter: int, sealed: memoryview, out: memoryview) -> None:
    """A full-size chunk followed by more data must open as a non-final chunk."""
    if _open_into(aead, counter, sealed, out, last=False):
        return
    if _open(aead, counter, sealed, last=True) is not None:
        raise AgeTrailingData(f"data follows the final chunk {counter}")
    raise AgeChunkInvalid(f"payload chunk {counter} fails authentication")


def _open_final(aead: ChaCha20Poly1305, counter: int, sealed: memoryview, out: memoryview) -> int:
    """The chunk before end of file must open as the final chunk; its plaintext size."""
    if len(sealed) < TAG_SIZE:
        raise AgePayloadTruncated(f"the payload ends inside chunk {counter}")
    if not _open_into(aead, counter, sealed, out, last=True):
        raise _diagnose_final(aead, counter, bytes(sealed))
    if len(sealed) == TAG_SIZE and counter > 0:
        raise AgeChunkInvalid("an empty final chunk after other chunks (c2sp.org/age)")
    return len(sealed) - TAG_SIZE


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
