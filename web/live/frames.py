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


# Objects and arrays nested deeper than this in a frame are refused (docs/live-sessions.md,
# "Errors"): no command's data goes past 4 levels, and a parser's recursion must never
# be what ends a socket.
MAX_DEPTH = 32


def decode(raw: str) -> Command | RequestInvalid:
    """A client frame as a command, or the refusal of a frame that is not one."""
    try:
        command = msgspec.json.decode(raw, type=Command)
        # A name twice in one object (``{"id": "a", "id": "b"}``, or twice in ``data``)
        # is refused, never resolved: which value counts would be this parser's choice.
        refuse_duplicate_keys(raw)
    except msgspec.DecodeError as exc:
        return RequestInvalid(f"bad message: {exc}")
    except RecursionError:
        return _too_deep()
    except RequestInvalid as exc:
        return exc
    if _depth(command.data) > MAX_DEPTH - 1:  # the frame's own object is the first level
        return _too_deep()
    return command


def _too_deep() -> RequestInvalid:
    return RequestInvalid(
        f"objects and arrays are nested more than {MAX_DEPTH} levels deep",
        details={"max_depth": MAX_DEPTH},
    )


def _depth(value: object) -> int:
    """How many levels of objects and arrays ``value`` holds (iteratively: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


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
