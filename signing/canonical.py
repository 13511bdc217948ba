"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and SHA-256 helpers.

Every signed statement, manifest and fingerprint in etender hashes or signs these
bytes, so two implementations agree byte for byte (DESIGN.md, "Signatures").
"""

from __future__ import annotations

import hashlib

import rfc8785


def canonical_json(value: object) -> bytes:
    """Serialise ``value`` as RFC 8785 canonical JSON (UTF-8 bytes)."""
    # rfc8785 refuses floats that are not exactly representable and non-str keys,
    # which is what we want: statements use integers and strings only.
    return rfc8785.dumps(value)  # type: ignore[arg-type]


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
