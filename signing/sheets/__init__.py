"""Evaluation sheets: canonical bytes, salted commitment, seal and signature (sans-I/O).

DESIGN.md, "Blind scoring": until the reveal the server holds only each sheet's salted
commitment and the sheet sealed under a key the member's client holds; a submitted
sheet is signed. The exact bytes are in docs/formats/evaluation-sheet.md:

- the sheet is RFC 8785 canonical JSON of format ``etender-sheet-v1`` (its 32-byte
  random salt makes the commitment hiding: equal scores give unequal commitments);
- commitment = SHA-256(sheet bytes) (FIPS 180-4);
- seal = ChaCha20-Poly1305 (RFC 8439 §2.8) under the member's 32-byte key and a
  12-byte nonce, with the 32 commitment bytes as additional authenticated data;
- signature = CMS detached SignedData over the sheet bytes (signing.cms): its
  messageDigest attribute IS the commitment, so the server checks at submission that
  the member signed this commitment without seeing the sheet.

Every function takes and returns bytes; only :func:`new_key`, :func:`new_nonce` and
:func:`new_salt` draw randomness (for clients).
"""

from __future__ import annotations

from signing.sheets.errors import (
    SheetCommitmentMismatch,
    SheetDecryptionFailed,
    SheetEncodingInvalid,
    SheetError,
    SheetMalformed,
    SheetSignatureMismatch,
    SheetTooLarge,
)
from signing.sheets.format import (
    COMMITMENT_SIZE,
    FORMAT,
    KEY_SIZE,
    MAX_CIPHERTEXT,
    MAX_ENTRIES,
    MAX_EXPLANATION,
    MAX_JSON_INT,
    MAX_SHEET,
    MAX_SIGNATURE,
    NONCE_SIZE,
    PHASES,
    SALT_SIZE,
    TAG_SIZE,
    AdjustmentEntry,
    Entry,
    QualificationEntry,
    ScoreEntry,
    Sheet,
    b64url_decode,
    b64url_encode,
    build_sheet,
    parse_sheet,
)
from signing.sheets.seal import (
    commitment,
    new_key,
    new_nonce,
    new_salt,
    open_sheet,
    seal,
)
from signing.sheets.signature import (
    SealedSheet,
    reveal_data,
    revise_data,
    seal_and_sign,
    sign_sheet,
    verify_commitment_signature,
)

__all__ = [
    "COMMITMENT_SIZE",
    "FORMAT",
    "KEY_SIZE",
    "MAX_CIPHERTEXT",
    "MAX_ENTRIES",
    "MAX_EXPLANATION",
    "MAX_JSON_INT",
    "MAX_SHEET",
    "MAX_SIGNATURE",
    "NONCE_SIZE",
    "PHASES",
    "SALT_SIZE",
    "TAG_SIZE",
    "AdjustmentEntry",
    "Entry",
    "QualificationEntry",
    "ScoreEntry",
    "SealedSheet",
    "Sheet",
    "SheetCommitmentMismatch",
    "SheetDecryptionFailed",
    "SheetEncodingInvalid",
    "SheetError",
    "SheetMalformed",
    "SheetSignatureMismatch",
    "SheetTooLarge",
    "b64url_decode",
    "b64url_encode",
    "build_sheet",
    "commitment",
    "new_key",
    "new_nonce",
    "new_salt",
    "open_sheet",
    "parse_sheet",
    "reveal_data",
    "revise_data",
    "seal",
    "seal_and_sign",
    "sign_sheet",
    "verify_commitment_signature",
]
