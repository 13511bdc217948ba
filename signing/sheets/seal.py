"""The commitment and the seal: SHA-256 of the sheet, ChaCha20-Poly1305 bound to it.

docs/formats/evaluation-sheet.md §3–4. The commitment is what the server holds (and
logs) until the reveal; the seal's additional data is the commitment, so a sealed
sheet does not open under another one, and opening checks the hash as well.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from signing.sheets.errors import (
    SheetCommitmentMismatch,
    SheetDecryptionFailed,
    SheetEncodingInvalid,
    SheetTooLarge,
)
from signing.sheets.format import (
    COMMITMENT_SIZE,
    KEY_SIZE,
    MAX_CIPHERTEXT,
    MAX_SHEET,
    NONCE_SIZE,
    SALT_SIZE,
)


def commitment(sheet: bytes) -> bytes:
    """SHA-256 of the sheet bytes: what the server holds (and logs) until the reveal."""
    return hashlib.sha256(sheet).digest()


def seal(sheet: bytes, key: bytes, nonce: bytes) -> bytes:
    """ChaCha20-Poly1305 of the sheet, AAD = its commitment (RFC 8439 §2.8)."""
    _sizes(key, nonce, commitment(sheet))
    if len(sheet) > MAX_SHEET:
        raise SheetTooLarge(f"a sheet is at most {MAX_SHEET} bytes")
    return ChaCha20Poly1305(key).encrypt(nonce, sheet, commitment(sheet))


def open_sheet(ciphertext: bytes, key: bytes, nonce: bytes, committed: bytes) -> bytes:
    """The sheet bytes sealed in ``ciphertext``, checked against the commitment."""
    _sizes(key, nonce, committed)
    if len(ciphertext) > MAX_CIPHERTEXT:
        raise SheetTooLarge(f"a sealed sheet is at most {MAX_CIPHERTEXT} bytes")
    try:
        sheet = ChaCha20Poly1305(key).decrypt(nonce, ciphertext, committed)
    except InvalidTag:
        raise SheetDecryptionFailed(
            "the sealed sheet does not open with this key, nonce and commitment"
        ) from None
    # The tag binds the AAD, not the plaintext to it: a client could seal another sheet
    # under this commitment; the hash decides (issue 11 item 4: checked at the reveal).
    if not hmac.compare_digest(commitment(sheet), committed):
        raise SheetCommitmentMismatch("the revealed sheet's SHA-256 is not its commitment")
    return sheet


def _sizes(key: bytes, nonce: bytes, committed: bytes) -> None:
    for name, value, size in (
        ("key", key, KEY_SIZE),
        ("nonce", nonce, NONCE_SIZE),
        ("commitment", committed, COMMITMENT_SIZE),
    ):
        if len(value) != size:
            raise SheetEncodingInvalid(f"'{name}' must be {size} bytes", details={"field": name})


def new_key() -> bytes:
    """A fresh sealing key (client side: it never leaves the member's client before the reveal)."""
    return os.urandom(KEY_SIZE)


def new_nonce() -> bytes:
    """A fresh nonce (one per seal: a key is used once, but a nonce is never reused)."""
    return os.urandom(NONCE_SIZE)


def new_salt() -> bytes:
    """A fresh salt for a sheet (makes its commitment hiding)."""
    return os.urandom(SALT_SIZE)
