"""The archive verifier's fixtures: a real tender's package (tests/tender/archive/kit.py)."""

from __future__ import annotations

from tests.tender.archive.kit import archived  # noqa: F401
