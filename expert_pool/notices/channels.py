"""Notifying drawn experts: the message, the channel interface, delivery records.

DOMAIN.md: experts are notified and confirm (commonly within 60 minutes); DESIGN.md:
"Notifications never name the project". A notice therefore says only when to serve,
by when to answer and under which draw number — never the project, tender, tenderer
or agency — so an intercepted message reveals nothing to approach the expert about.

A `Channel` delivers one notice and returns a `Delivery` (its record is stored and a
timeout carries it). The `log` channel is the default and always present; SMS,
voice-call and e-mail adapters are plug-ins registered with `register_channel` by the
deployment (they need the operator's gateway credentials, which are not ours).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from expert_pool.model import require_aware

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


class DeliveryStatus(enum.StrEnum):
    """Outcome of one delivery attempt."""

    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class Notice:
    """One message to one expert; `recipient` is channel-specific (a phone number)."""

    notification_id: str
    draw_id: str
    expert_id: str
    recipient: str = field(repr=False)
    body: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Delivery:
    """The record of one delivery attempt."""

    status: DeliveryStatus
    detail: str = ""


class Channel(Protocol):
    """Something that can deliver a notice: log, SMS gateway, voice call, e-mail."""

    @property
    def name(self) -> str: ...

    async def deliver(self, notice: Notice) -> Delivery: ...


class LogChannel:
    """The default channel: writes the notice to the application log (no phone number)."""

    name = "log"

    async def deliver(self, notice: Notice) -> Delivery:
        """Record the notice in the log; always delivered."""
        log.info(
            "expert_pool.notice",
            extra={
                "notification_id": notice.notification_id,
                "draw_id": notice.draw_id,
                "expert_id": notice.expert_id,
                "body": notice.body,
            },
        )
        return Delivery(status=DeliveryStatus.DELIVERED, detail="written to the application log")


_CHANNELS: dict[str, Channel] = {"log": LogChannel()}


def register_channel(channel: Channel) -> None:
    """Plug in a channel (an SMS, voice-call or e-mail adapter) under its name."""
    _CHANNELS[channel.name] = channel


def channels() -> Mapping[str, Channel]:
    """The channels available in this process."""
    return dict(_CHANNELS)


def _local(moment: datetime) -> str:
    return require_aware(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def draw_notice(
    *, draw_id: str, session_start: datetime, session_end: datetime, deadline: datetime
) -> str:
    """The notice text (Chinese, then English); it names no project (DESIGN.md)."""
    start, end, by = _local(session_start), _local(session_end), _local(deadline)
    return (
        f"【评标专家抽取通知】您已被随机抽取参加评标（抽取编号 {draw_id}），"
        f"时间 {start} 至 {end}（北京时间）。请于 {by} 前登录平台签名确认或拒绝，"
        "逾期视为拒绝。请勿向任何人透露本通知。"
        f" / You have been drawn at random to evaluate (draw {draw_id}) from {start} to "
        f"{end} (Beijing time). Sign in and sign your confirmation or refusal by {by}; "
        "no answer counts as a refusal. Do not disclose this notice."
    )
