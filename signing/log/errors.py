"""Errors of the transparency log's formats (signing/log/), each with a stable code.

    AuditError                          audit_error
    ├── ProofRangeInvalid               log_proof_range_invalid
    ├── SubtreeMissing                  log_subtree_missing
    ├── NaiveDatetimeRefused            log_naive_datetime
    ├── EntryInvalid                    log_entry_invalid
    ├── NoteError                       log_note_error
    │   ├── NoteMalformed               log_note_malformed
    │   ├── KeyMalformed                log_key_malformed
    │   ├── NoteSignatureInvalid        log_note_signature_invalid
    │   └── NoteUnverified              log_note_unverified
    ├── CheckpointMalformed             log_checkpoint_malformed
    ├── CheckpointSignatureInvalid      log_checkpoint_signature_invalid
    ├── CosignatureInvalid              log_cosignature_invalid
    └── WitnessRefusal                  log_witness_refusal
        ├── OriginMismatch              log_origin_mismatch
        ├── CheckpointRollback          log_rollback
        └── ForkDetected                log_fork_detected

The log store's own errors (audit/errors.py) derive from AuditError too. Codes are
part of the public interface (docs/audit-log.md lists them): never change one.
"""

from __future__ import annotations

from signing.errors import EtenderError


class AuditError(EtenderError):
    """Root of the transparency log's format errors (signing/log/; the log store's own
    errors in audit/errors.py derive from it)."""

    code = "audit_error"


class ProofRangeInvalid(AuditError):
    """A leaf index, tree size or range outside what RFC 9162 defines."""

    code = "log_proof_range_invalid"


class SubtreeMissing(AuditError):
    """A stored subtree hash that a plan names was not supplied."""

    code = "log_subtree_missing"


class NaiveDatetimeRefused(AuditError):
    """A datetime without a timezone; time is passed in as aware UTC (STYLE.md 3)."""

    code = "log_naive_datetime"


class EntryInvalid(AuditError):
    """A log entry that breaks the entry schema or is not canonical."""

    code = "log_entry_invalid"


class NoteError(AuditError):
    """Root of C2SP signed-note errors."""

    code = "log_note_error"


class NoteMalformed(NoteError):
    """Text that is not a well-formed signed note."""

    code = "log_note_malformed"


class KeyMalformed(NoteError):
    """A verifier key, signer key or key file that cannot be used."""

    code = "log_key_malformed"


class NoteSignatureInvalid(NoteError):
    """A signature by a known key failed to verify (signed-note: reject the note)."""

    code = "log_note_signature_invalid"


class NoteUnverified(NoteError):
    """No signature by a known key is present (signed-note: reject the note)."""

    code = "log_note_unverified"


class CheckpointMalformed(AuditError):
    """A note body that is not a C2SP tlog-checkpoint."""

    code = "log_checkpoint_malformed"


class CheckpointSignatureInvalid(AuditError):
    """A checkpoint not validly signed by the log's key."""

    code = "log_checkpoint_signature_invalid"


class CosignatureInvalid(AuditError):
    """A C2SP tlog-cosignature that is malformed or does not verify."""

    code = "log_cosignature_invalid"


class WitnessRefusal(AuditError):
    """Root of the reasons a witness refuses to cosign a checkpoint."""

    code = "log_witness_refusal"


class OriginMismatch(WitnessRefusal):
    """A checkpoint for a log other than the one expected."""

    code = "log_origin_mismatch"


class CheckpointRollback(WitnessRefusal):
    """A checkpoint smaller than the last one cosigned: the log went backwards."""

    code = "log_rollback"


class ForkDetected(WitnessRefusal):
    """A checkpoint inconsistent with the last one cosigned: a split view."""

    code = "log_fork_detected"
