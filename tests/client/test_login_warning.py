"""`etender login` warns before a password crosses the network in clear (docs/cli.md,
"Signing in"): plain http to another machine; never for https or this machine."""

from __future__ import annotations

import pytest

from client.login import cleartext_warning


@pytest.mark.parametrize(
    ("server", "warned"),
    [
        ("http://etender.example", True),
        ("HTTP://10.0.0.5:8000/", True),
        ("https://etender.example", False),
        ("http://127.0.0.1:8000", False),
        ("http://localhost:8000", False),
        ("http://[::1]:8000", False),
    ],
)
def test_plain_http_to_another_machine_is_warned(server: str, warned: bool) -> None:
    assert (cleartext_warning(server) is not None) is warned
