"""The log formats' errors (signing/log/errors.py): stable, distinct, documented codes."""

from __future__ import annotations

import re
from pathlib import Path

from audit import errors as store_errors
from signing.errors import SigningError
from signing.log import errors

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "audit-log.md"


def _log_errors() -> list[type[SigningError]]:
    found: list[type[SigningError]] = [errors.AuditError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return found


def test_every_log_error_has_its_own_snake_case_code() -> None:
    """No two log errors (formats and store alike) share a code; every code is snake_case."""
    codes = [cls.code for cls in _log_errors()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes)


def test_the_log_store_errors_share_the_formats_root() -> None:
    """audit/'s own errors derive from the same AuditError as the formats' errors."""
    assert issubclass(store_errors.CheckpointMissing, errors.AuditError)
    assert issubclass(store_errors.WitnessUnknown, errors.AuditError)


def test_every_log_format_code_is_in_the_tree() -> None:
    """signing/log/errors.py's tree lists every format error with its code."""
    source = (ROOT / "signing" / "log" / "errors.py").read_text(encoding="utf-8")
    for cls in _log_errors():
        if cls.__module__ == "signing.log.errors":
            assert re.search(rf"{cls.__name__}\s+{cls.code}\b", source), cls.__name__
