"""The protocol as the client speaks it, without I/O (client/session/protocol.py):
docs/live-sessions.md's URLs, frames, close codes and limits, time passed in."""

from __future__ import annotations

from uuid import UUID

import pytest

from client.session.errors import (
    SessionNotFound,
    SessionNotParticipant,
    SessionProtocolError,
    SessionUnauthenticated,
    SessionUrlInvalid,
)
from client.session.protocol import (
    Ack,
    Event,
    Pacer,
    Refusal,
    close_refusal,
    command_frame,
    frame_id,
    http_base,
    parse_frame,
    ws_url,
)

SESSION = UUID("5b0c3a9e-1d2f-4a6b-8c7d-9e0f1a2b3c4d")


@pytest.mark.parametrize(
    ("server", "url"),
    [
        ("https://etender.example", "wss://etender.example/api/v1/live/{s}?after=7"),
        ("http://127.0.0.1:8000/", "ws://127.0.0.1:8000/api/v1/live/{s}?after=7"),
        ("https://host/prefix/", "wss://host/prefix/api/v1/live/{s}?after=7"),
        ("wss://host", "wss://host/api/v1/live/{s}?after=7"),
    ],
)
def test_the_socket_url_is_the_servers_with_the_last_seq(server: str, url: str) -> None:
    """``/api/v1/live/{session}?after={seq}``; http becomes ws, https wss."""
    assert ws_url(server, SESSION, 7) == url.format(s=SESSION)


def test_the_http_base_of_a_socket_url_and_bad_servers() -> None:
    """ws(s) back to http(s); anything but a base URL is refused before connecting."""
    assert http_base("wss://host/p/") == "https://host/p"
    for bad in ("ftp://host", "host:8000", "https://host/?x=1", "https://u:p@host"):
        with pytest.raises(SessionUrlInvalid):
            ws_url(bad, SESSION, 0)


def test_close_codes_that_end_the_client_and_those_that_are_retried() -> None:
    """4401, 4403, 4404, 4422 are final; a server going away or 4429 is not."""
    assert isinstance(close_refusal(4401), SessionUnauthenticated)
    assert isinstance(close_refusal(4403), SessionNotParticipant)
    assert isinstance(close_refusal(4404), SessionNotFound)
    assert isinstance(close_refusal(4422), SessionUrlInvalid)
    assert [close_refusal(c) for c in (None, 1000, 1001, 1006, 1012, 4429, 4500)] == [None] * 7


def test_server_frames_are_parsed_strictly() -> None:
    """hello, event, ack, error; anything else is the server breaking the protocol."""
    event = parse_frame('{"type":"event","seq":3,"kind":"k","data":{},"at":"t"}')
    assert isinstance(event, Event)
    assert event.seq == 3
    assert parse_frame('{"type":"ack","id":"a-1","seq":null}') == Ack(id="a-1", seq=None)
    refusal = parse_frame(
        '{"type":"error","id":"a-2","error":{"code":"live_rate_limited","message":"m",'
        '"details":{"retry_after_ms":250}}}'
    )
    assert isinstance(refusal, Refusal)
    assert refusal.retry_after == 0.25
    for bad in ("[]", "{}", '{"type":"event","seq":0,"kind":"k","data":{}}',
                '{"type":"event","seq":true,"kind":"k","data":{}}',
                '{"type":"ack","id":"bad id","seq":1}', '{"type":"party"}', "nope"):  # fmt: skip
        with pytest.raises(SessionProtocolError):
            parse_frame(bad)


def test_a_command_frame_is_compact_json_with_its_id() -> None:
    """The stored text is what goes on the wire; its id reads back."""
    frame = command_frame("c-1", "reveal", {"phase": "scoring", "key": "k"})
    assert frame == '{"id":"c-1","type":"reveal","data":{"phase":"scoring","key":"k"}}'
    assert frame_id(frame) == "c-1"
    assert frame_id('{"id":"c-1","type":"x"}') is None
    with pytest.raises(ValueError, match="bad command id"):
        command_frame("x" * 65, "reveal", {})


def test_the_pacer_mirrors_the_servers_bucket_and_holds_after_a_refusal() -> None:
    """10 at once, then one a second; a refusal holds for retry_after, then one token."""
    pacer = Pacer()
    assert [pacer.delay(100.0) for _ in range(10)] == [0.0] * 10
    assert pacer.delay(100.0) == pytest.approx(1.0)
    assert pacer.delay(101.0) == 0.0
    pacer.refused(101.0, 0.4)
    assert pacer.delay(101.1) == pytest.approx(0.3)
    assert pacer.delay(101.4) == 0.0  # the server's one token
    assert pacer.delay(101.4) == pytest.approx(1.0)  # then one a second again
