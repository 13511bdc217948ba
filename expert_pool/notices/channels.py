"""Notifying drawn experts: the message and its parameters, through the channel plug-in point.

DOMAIN.md: experts are notified and confirm (commonly within 60 minutes); DESIGN.md:
"Notifications never name the project". A notice therefore says only when to serve,
by when to answer and under which draw number — never the project, tender, tenderer
or agency — so an intercepted message reveals nothing to approach the expert about.
The SMS and WeChat templates get the same four parameters (`draw_params`) and nothing
else.

Channels are the platform's (accounts/notifications: the `log` channel always, `sms`
and `wechat` when production settings configure them, any other plug-in registered
with `register_channel`); a draw's policy names the channels its notices go through.
Each delivery is a stored record, and a timeout carries the one it relied on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from accounts.notifications.channels import channels, register_channel
from accounts.notifications.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Message,
    beijing,
)
from expert_pool.model import require_aware

__all__ = [
    "Channel",
    "Delivery",
    "DeliveryStatus",
    "Notice",
    "channels",
    "draw_notice",
    "draw_params",
    "register_channel",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class Notice:
    """One message to one expert; `recipient` is the channel's address (a phone number)."""

    notification_id: str
    draw_id: str
    expert_id: str
    recipient: str = field(repr=False)
    body: str
    params: dict[str, str] = field(default_factory=dict)

    def message(self) -> Message:
        """The notice as the channels take it."""
        return Message(
            id=self.notification_id,
            kind=Kind.DRAW_INVITATION,
            recipient=self.recipient,
            body=self.body,
            params=self.params,
        )


def draw_params(
    *, draw_id: str, session_start: datetime, session_end: datetime, deadline: datetime
) -> dict[str, str]:
    """The template parameters of a draw invitation: the draw number and three times
    (Beijing time) — nothing that names the project (DESIGN.md)."""
    return {
        "draw": draw_id,
        "start": beijing(require_aware(session_start)),
        "end": beijing(require_aware(session_end)),
        "by": beijing(require_aware(deadline)),
    }


def draw_notice(params: Mapping[str, str]) -> str:
    """The notice text (Chinese, then English) from `draw_params`; it names no project
    (DESIGN.md)."""
    draw_id, start, end, by = params["draw"], params["start"], params["end"], params["by"]
    return (
        f"【评标专家抽取通知】您已被随机抽取参加评标（抽取编号 {draw_id}），"
        f"时间 {start} 至 {end}（北京时间）。请于 {by} 前登录平台签名确认或拒绝，"
        "逾期视为拒绝。请勿向任何人透露本通知。"
        f" / You have been drawn at random to evaluate (draw {draw_id}) from {start} to "
        f"{end} (Beijing time). Sign in and sign your confirmation or refusal by {by}; "
        "no answer counts as a refusal. Do not disclose this notice."
    )
