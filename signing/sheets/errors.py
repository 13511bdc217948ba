"""Errors of the evaluation sheet format (signing/sheets/), each with a stable code.

    SheetError                          sheet_error
    ├── SheetMalformed                  sheet_malformed                422
    ├── SheetTooLarge                   sheet_too_large                413
    ├── SheetEncodingInvalid            sheet_encoding_invalid         422
    ├── SheetDecryptionFailed           sheet_decryption_failed        422
    ├── SheetCommitmentMismatch         sheet_commitment_mismatch      422
    └── SheetSignatureMismatch          sheet_signature_mismatch       422

Codes are part of the public interface (docs/formats/evaluation-sheet.md lists them):
never change one, add new ones instead. The CMS errors of the signature (signing.cms)
keep their own codes.
"""

from __future__ import annotations

from signing.errors import SigningError


class SheetError(SigningError):
    """Root of the errors of the evaluation sheet format etender-sheet-v1."""

    code = "sheet_error"


class SheetMalformed(SheetError):
    """A sheet's bytes are not canonical JSON of etender-sheet-v1 (keys, types, order)."""

    code = "sheet_malformed"


class SheetTooLarge(SheetError):
    """A sheet, its ciphertext or its signature is over the format's size limit."""

    code = "sheet_too_large"
    status = 413


class SheetEncodingInvalid(SheetError):
    """A binary field is not base64url without padding, or not of its fixed size."""

    code = "sheet_encoding_invalid"


class SheetDecryptionFailed(SheetError):
    """The sealed sheet does not open: wrong key or nonce, or ciphertext or commitment altered."""

    code = "sheet_decryption_failed"


class SheetCommitmentMismatch(SheetError):
    """The revealed sheet's SHA-256 is not the commitment it was submitted under."""

    code = "sheet_commitment_mismatch"


class SheetSignatureMismatch(SheetError):
    """The sheet's signature signs another content than the committed sheet."""

    code = "sheet_signature_mismatch"
