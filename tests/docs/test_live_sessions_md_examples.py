"""docs/live-sessions.md's message shapes and numbers are the code's (live/, web/live).

The event frame is rebuilt from the example's own values; the error frame, the
rate-limit details and the client command have the documented members; the limits
(bucket of 10, 1 per second, the 10th refusal in a row closes with 4429), the `after`
bound, the command id rule and the NOTIFY channel are the ones live/ uses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from uuid import UUID

import pytest

from live import limits, model, queries
from tests.docs.markdown import code_blocks, found, read, section
from web.errors import RequestInvalid
from web.live import frames

DOC = read("live-sessions.md")


def _json(text: str) -> Any:
    """An example frame with its elided `{…}` members read as `{}`."""
    return json.loads(text.replace("{…}", "{}"))


def _frames(title: str) -> list[Any]:
    return [_json(line) for b in code_blocks(section(DOC, title), "json") for line in b.split("\n")]


def test_live_sessions_md_event_frame_is_recomputed() -> None:
    stated = next(f for f in _frames("## Server → client") if f["type"] == "event")
    at = dt.datetime.fromisoformat(stated["at"])
    event = model.LiveEvent(
        session_id=UUID(int=1),
        seq=stated["seq"],
        kind=stated["kind"],
        data=stated["data"],
        audience="all",
        actor_id=None,
        client_msg_id=None,
        created_at=at,
    )
    assert frames.event_message(event) == stated
    assert list(frames.event_message(event)) == list(stated)


def test_live_sessions_md_error_frame_and_rate_limit_details_are_the_codes() -> None:
    stated = next(f for f in _frames("## Server → client") if f["type"] == "error")
    error = RequestInvalid("…")
    built = frames.error_message(stated["id"], error)
    assert list(built) == list(stated)
    assert list(built["error"]) == list(stated["error"])
    assert built["error"]["details"] is stated["error"]["details"] is None
    row = found(r"^\| `live_rate_limited` \|.*\| `(\{.*?\})` \|$", DOC, re.M)[1]
    details = limits.rate_limited(0.25).details
    assert details is not None
    assert re.findall(r'"(\w+)"', row) == list(details)
    assert details["retry_after_ms"] == 250  # whole milliseconds


def test_live_sessions_md_answer_frame_is_the_codes() -> None:
    """A query's answer (### Answers to queries) has exactly the members the code sends."""
    stated = next(f for f in _frames("## Server → client") if f["type"] == "answer")
    reply = model.Reply(kind=stated["kind"], data=stated["data"], after=stated["seq"])
    assert frames.answer_message(stated["id"], reply) == stated
    assert list(frames.answer_message(stated["id"], reply)) == list(stated)


def test_live_sessions_md_command_frame_is_the_codes() -> None:
    (stated,) = _frames("## Client → server")
    assert list(stated) == list(model.Command.__struct_fields__)
    assert model.valid_msg_id(stated["id"])
    rule = found(r"\| `id` \| chosen by the client, 1–(\d+) characters of `([^`]+)`", DOC)
    ranges = {"A-Z": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "a-z": "abcdefghijklmnopqrstuvwxyz"}
    ranges["0-9"] = "0123456789"
    described = "".join(ranges.get(token, token) for token in rule[2].split())
    for code in range(0x21, 0x7F):
        assert model.valid_msg_id(chr(code)) == (chr(code) in described), chr(code)
    assert not model.valid_msg_id("é")
    assert model.valid_msg_id("x" * int(rule[1]))
    assert not model.valid_msg_id("x" * (int(rule[1]) + 1))


def test_live_sessions_md_after_bound_is_the_codes() -> None:
    stated = found(r"\(`\[0-9\]\{1,(\d+)\}`\), at most (\d+) \(2\^63 − 1\)", DOC)
    maximum = int(stated[2])
    assert maximum == 2**63 - 1 == model.MAX_SEQ
    assert model.parse_after(str(maximum)) == maximum
    assert model.parse_after("0" * int(stated[1])) == 0
    for refused in (str(maximum + 1), "0" * (int(stated[1]) + 1), "+1", "1_0", " 1", "١"):
        with pytest.raises(ValueError, match="after"):
            model.parse_after(refused)


def test_live_sessions_md_limits_are_recomputed() -> None:
    text = section(DOC, "## Limits")
    burst = int(found(r"at most \*\*(\d+)\*\* tokens", text)[1])
    rate = float(found(r"gains\n\*\*(\d+)\*\* token per second", text)[1])
    nth = int(found(r"The \*\*(\d+)th\*\*\s+refused\s+frame", text)[1])
    close = int(found(r"closes the socket with \*\*(\d+)\*\*", text)[1])
    assert (burst, rate, nth, close) == (
        limits.BURST,
        limits.PER_SECOND,
        limits.CLOSE_AFTER_REFUSED,
        limits.CLOSE_RATE_LIMITED,
    )
    bucket = limits.LiveLimits().bucket(0.0)
    assert [bucket.take(0.0) for _ in range(burst)] == [0.0] * burst
    refusals = [bucket.take(0.0) for _ in range(nth)]
    assert refusals == [1.0 / rate] * nth
    assert bucket.exhausted
    assert close == int(found(r"^\| (\d+) \| the client kept sending", DOC, re.M)[1])


def test_live_sessions_md_notify_channel_and_payload_are_the_codes() -> None:
    across = section(DOC, "## Across nodes")
    channel = found(r"PostgreSQL channel `(\w+)`", across)[1]
    assert channel == queries.CHANNEL
    assert found(r"`NOTIFY (\w+), '<session_id>:<seq>'`", across)[1] == channel
