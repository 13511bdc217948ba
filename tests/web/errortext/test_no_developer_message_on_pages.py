"""No page module hands an error's developer message (the API's English ``message``)
to a template: a page says the catalogue's message in the page's language (issue 15
item 4: "error messages in Chinese pages are English with internal codes")."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[3] / "web"
# Where the developer message belongs: the API's error body (and its JSON routes'
# bodies) and the live sockets' frames.
API_SIDE = {"http.py", "app.py", "http_limits.py", "error_pages.py"}
API_DIRS = {"live", "cli"}
DEVELOPER_MESSAGE = re.compile(
    r"""message=\w+\.message\b|getattr\(\w+, ["']message["']|message=str\((exc|error|refused)\)"""
)


def test_no_page_passes_an_errors_developer_message_to_a_template() -> None:
    offending = []
    for path in sorted(WEB.rglob("*.py")):
        relative = path.relative_to(WEB)
        top_level_api = len(relative.parts) == 1 and relative.name in API_SIDE
        json_routes = relative.stem == "routes" or relative.stem.endswith("_routes")
        if top_level_api or json_routes or relative.parts[0] in API_DIRS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DEVELOPER_MESSAGE.search(line) and "ErrorDetail(" not in line:
                offending.append(f"web/{relative}:{number}: {line.strip()}")
    assert offending == []


def test_the_scan_sees_the_spellings_it_forbids() -> None:
    assert DEVELOPER_MESSAGE.search("message=error.message, back=x")
    assert DEVELOPER_MESSAGE.search('text = getattr(refused, "message", str(refused))')
    assert not DEVELOPER_MESSAGE.search("message=errortext.text_for(refused, lang)")
