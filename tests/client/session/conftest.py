"""The session client's fixtures: the echo kind of live session on a real server, and a
relay in front of it that fails like a network (tests/client/session/kit.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.client.session.kit import Relay
from tests.conftest import LiveServer
from tests.web.live.echo import echo, session_id, tokens

__all__ = ["echo", "session_id", "tokens"]


@pytest.fixture
async def relay(live_server: LiveServer) -> AsyncIterator[Relay]:
    """A relay to the live server, listening; closed at the end."""
    found = Relay(live_server.port)
    await found.start()
    yield found
    await found.kill()
