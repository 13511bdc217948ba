"""Logging: no call passes an ``extra`` key the LogRecord already has (STYLE.md, point 11).

``logging`` raises ``KeyError`` when an ``extra`` key would overwrite a record attribute
(``name``, ``msg``, ``args``…), and only when the level is enabled: at the production
level (INFO) such a call turned a committed upload into a 500. The conftest installs
the production configuration; this test finds the calls no test reaches.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

from tests.packages import OURS
from web.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
RESERVED = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _extra_keys(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, key) of every literal key in an ``extra={…}`` or ``extra=dict(…)``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg != "extra":
                continue
            if isinstance(value, ast.Dict):
                keys = [k.value for k in value.keys if isinstance(k, ast.Constant)]
                found += [(node.lineno, str(k)) for k in keys]
            elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "dict":
                found += [(node.lineno, k.arg) for k in value.keywords if k.arg]
    return found


def test_no_log_extra_key_is_a_log_record_attribute() -> None:
    """Every ``extra=`` key in the source tree is free to use."""
    clashes = [
        f"{path.relative_to(ROOT)}:{line}: {key!r}"
        for package in OURS
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, key in _extra_keys(ast.parse(path.read_text(encoding="utf-8")))
        if key in RESERVED
    ]
    assert clashes == []


def test_the_walk_finds_extra_keys() -> None:
    """The check sees both spellings (a walk that found nothing would pass vacuously)."""
    tree = ast.parse('log.info("x", extra={"name": 1})\nlog.info("y", extra=dict(msg=2))')
    assert _extra_keys(tree) == [(1, "name"), (2, "msg")]


def test_the_json_formatter_renders_extra_fields() -> None:
    """The production formatter writes the event and each extra field."""
    record = logging.makeLogRecord({"msg": "tender.document_uploaded", "document": "a.pdf"})
    assert '"document": "a.pdf"' in JsonFormatter().format(record)
