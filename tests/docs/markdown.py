"""Reading worked examples out of the docs' markdown text (tests/docs)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs"


def read(name: str) -> str:
    """The text of docs/<name>."""
    return (DOCS / name).read_text(encoding="utf-8")


def section(doc: str, title: str) -> str:
    """From the heading `title` (`## …`, `### …`) to the next heading of its level or
    above (or the end): a section with its subsections."""
    start = doc.index(title)
    level = len(title) - len(title.lstrip("#"))
    after = start + len(title)
    end = re.search(r"\n#{1," + str(level) + "} ", doc[after:])
    return doc[start : after + end.start()] if end else doc[start:]


def code_blocks(text: str, info: str = "") -> list[str]:
    """The bodies of the fenced blocks of `text` whose info string is `info`."""
    return re.findall(r"```" + re.escape(info) + r"\n(.*?)\n```", text, re.S)


def found(pattern: str, text: str, flags: int = re.S) -> re.Match[str]:
    """The first match of `pattern`, which must be there."""
    match = re.search(pattern, text, flags)
    assert match is not None, pattern
    return match
