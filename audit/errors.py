"""Errors of the audit package (the log store), each with a stable code.

    AuditError (signing/log)            audit_error
    ├── CheckpointMissing               log_checkpoint_not_found
    ├── WitnessUnknown                  log_witness_not_found
    ├── LogFilterInvalid                log_filter_invalid
    ├── WitnessExists                   log_witness_exists
    └── LogNotIntegrated                log_not_integrated

The log's format errors (notes, checkpoints, proofs, entries, the witness step) live
with those formats in signing/log/errors.py, under the same root.

Codes are part of the public interface (docs/audit-log.md lists them): never
change one, add new ones instead.
"""

from __future__ import annotations

from signing.log.errors import AuditError

# --- the log store (audit/service.py) ---


class CheckpointMissing(AuditError):
    """No checkpoint of the asked size (or none at all) has been signed yet."""

    code = "log_checkpoint_not_found"
    status = 404


class WitnessUnknown(AuditError):
    """A cosignature from a key no one registered as a witness."""

    code = "log_witness_not_found"
    status = 404


# --- the audit administrator's log browser (audit/browse.py) ---


class LogFilterInvalid(AuditError):
    """A search of the log browser with a bad kind, tender, day or position."""

    code = "log_filter_invalid"
    status = 400


class WitnessExists(AuditError):
    """A witness of this name, or this very key, is registered already."""

    code = "log_witness_exists"
    status = 409


# --- the sequencer (audit/leader.py) ---


class LogNotIntegrated(AuditError):
    """Queued entries were not integrated in time: no leader is running, or it is behind."""

    code = "log_not_integrated"
    status = 503
