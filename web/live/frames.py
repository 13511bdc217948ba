"""The frames of a live socket as values (no I/O): what the endpoint sends, and a
client's frame decoded or refused. docs/live-sessions.md has the exact shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from starlette.websockets import WebSocketDisconnect

from live.limits import MAX_FRAME_BYTES
from live.model import Command, LiveEvent, Reply, valid_msg_id
from web.errors import RequestInvalid
from web.http import refuse_duplicate_keys


def event_message(event: LiveEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind,
        "data": event.data,
        "at": event.created_at.isoformat(),
    }


def error_message(msg_id: str | None, exc: Exception) -> dict[str, Any]:
    return {
        "type": "error",
        "id": msg_id,
        "error": {
            "code": getattr(exc, "code", "internal_error"),
            "message": getattr(exc, "message", None) or "an internal error occurred",
            "details": getattr(exc, "details", None),
        },
    }


def answer_message(msg_id: str, reply: Reply) -> dict[str, Any]:
    return {"type": "answer", "id": msg_id, "kind": reply.kind, "data": reply.data,
            "seq": reply.after}  # fmt: skip


def reply_id(message: Command | RequestInvalid) -> str | None:
    """The id an answer names: the command's own, unless it had no valid one."""
    if isinstance(message, Command) and valid_msg_id(message.id):
        return message.id
    return None


def decode(raw: str) -> Command | RequestInvalid:
    """A client frame as a command, or the refusal of a frame that is not one."""
    try:
        command = msgspec.json.decode(raw, type=Command)
        # A name twice in one object (``{"id": "a", "id": "b"}``, or twice in ``data``)
        # is refused, never resolved: which value counts would be this parser's choice.
        refuse_duplicate_keys(raw)
    except msgspec.DecodeError as exc:
        return RequestInvalid(f"bad message: {exc}")
    except RequestInvalid as exc:
        return exc
    return command


def decode_frame(frame: Mapping[str, Any]) -> Command | RequestInvalid:
    """A received frame: a text frame decoded, a binary one refused (the protocol is JSON
    text frames: docs/live-sessions.md), a disconnect raised as the endpoint expects."""
    if frame["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(frame.get("code", 1000), frame.get("reason"))
    text = frame.get("text")
    if text is None:
        return RequestInvalid("frames are JSON text, never binary")
    return decode(text)


def too_big(frame: Mapping[str, Any]) -> bool:
    """Larger than MAX_FRAME_BYTES (the server's ``ws_max_size`` already stops such a frame
    before it is read whole: web/cli/server.py; this holds under any other server too)."""
    text, data = frame.get("text"), frame.get("bytes")
    if text is not None:
        # A character is at most 4 bytes of UTF-8: count them only when that could matter.
        return len(text) * 4 > MAX_FRAME_BYTES and len(text.encode("utf-8")) > MAX_FRAME_BYTES
    return data is not None and len(data) > MAX_FRAME_BYTES
