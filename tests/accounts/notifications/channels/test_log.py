"""The log channel writes that a message was sent, never its text (docs/notifications.md,
"Logs"): a deadline reminder's body names the tender, and a count of such lines per
tender would tell a log reader how many parties downloaded its documents (Law 22)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from accounts.notifications.channels import LogChannel
from accounts.notifications.model import (
    DeliveryStatus,
    Kind,
    Message,
    bid_deadline_params,
    bid_deadline_text,
    result_params,
    result_text,
)
from expert_pool.notices.channels import draw_notice, draw_params
from web.logs import JsonFormatter

WHEN = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
CODE, TITLE = "XC-2026-GC-000123", "城南道路改造工程"


def _messages() -> list[tuple[Message, dict[str, str]]]:
    deadline = bid_deadline_params(code=CODE, title=TITLE, deadline=WHEN)
    result = result_params(code=CODE, lot="B7", award=True)
    draw = draw_params(draw_id="D-2026-0042", session_start=WHEN, session_end=WHEN,
                       deadline=WHEN)  # fmt: skip
    texts = [
        (Kind.BID_DEADLINE, bid_deadline_text(deadline), deadline),
        (Kind.RESULT, result_text(result), result),
        (Kind.DRAW_INVITATION, draw_notice(draw), draw),
    ]
    return [
        (
            Message(
                id=f"6f1c2b1e-0000-4000-8000-00000000000{n}",
                kind=kind,
                recipient="13912345678",
                body=body,
                params=params,
            ),
            params,
        )
        for n, (kind, body, params) in enumerate(texts)
    ]


@pytest.mark.parametrize(("message", "params"), _messages(), ids=lambda v: getattr(v, "kind", ""))
async def test_the_log_line_keeps_the_id_and_kind_and_drops_the_body(
    message: Message, params: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="accounts.notifications.channels")
    delivery = await LogChannel().deliver(message)
    assert delivery.status is DeliveryStatus.DELIVERED
    [record] = [r for r in caplog.records if r.getMessage() == "notifications.message"]
    line = JsonFormatter().format(record)
    fields = json.loads(line)
    assert {k: fields[k] for k in ("event", "notification_id", "kind")} == {
        "event": "notifications.message",
        "notification_id": message.id,
        "kind": str(message.kind),
    }
    assert "body" not in fields
    # Nothing of the text either: no tender code, title, lot, draw or address.
    for value in (message.body, message.recipient, *params.values()):
        assert value not in line
