"""The users' programs' API client: retries across a server that is gone."""

from __future__ import annotations

import httpx
import pytest

from client import http
from tests.conftest import free_port


class _Clock:
    """The client's clock and sleep, advanced by its own sleeps (no real waiting)."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_client_retries_a_gone_server_for_its_time_budget_not_a_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that is down (a crash, a slow restart) is retried with backoff for
    RETRY_SECONDS; eight attempts (about 32 s) was too short for a restart on a busy
    machine. Then the transport error is the client's answer."""
    clock = _Clock()
    monkeypatch.setattr(http, "time", clock)
    api = http.Api(f"http://127.0.0.1:{free_port()}", "token")
    calls = 0
    call = api.call

    def counted(method: str, path: str, **kwargs: object) -> dict[str, object]:
        nonlocal calls
        calls += 1
        return call(method, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "call", counted)
    with pytest.raises(httpx.TransportError):
        api.retrying("GET", "/api/v1/uploads/x")
    assert clock.now >= http.RETRY_SECONDS
    assert calls > 8
