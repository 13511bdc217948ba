"""The channel plug-in point: channels by name, the always-present log channel.

A deployment plugs a channel in with `register_channel` (web/notifications/setup.py does
it for the SMS and WeChat channels its production settings configure); anything that
has a `name` and an async `deliver(Message) -> Delivery` is a channel (model.Channel).
`deliver` never raises: a channel's exception is a failed, retryable delivery record.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from accounts.notifications.model import Channel, Delivery, DeliveryStatus, Message

log = logging.getLogger(__name__)


class LogChannel:
    """The default channel: writes that a message was sent to the application log —
    its id and kind, never its body nor the recipient's address.

    The body names the tender (a deadline reminder goes to everyone who downloaded its
    documents: a count of reminder lines per tender would tell a log reader how many
    parties took them, which Law 22 keeps secret) or the draw (the seated experts'
    list is confidential, DOMAIN.md); the person reads the whole text on the pages
    (docs/notifications.md, "Logs")."""

    name = "log"

    async def deliver(self, message: Message) -> Delivery:
        """Record that the message was sent (id and kind only); always delivered."""
        log.info(
            "notifications.message",
            extra={"notification_id": message.id, "kind": str(message.kind)},
        )
        return Delivery(status=DeliveryStatus.DELIVERED, detail="written to the application log")


_CHANNELS: dict[str, Channel] = {"log": LogChannel()}


def register_channel(channel: Channel) -> None:
    """Plug in a channel (an SMS gateway, WeChat, e-mail, a voice call) under its name."""
    _CHANNELS[channel.name] = channel


def unregister_channel(name: str) -> None:
    """Take a channel out (the log channel stays)."""
    if name != "log":
        _CHANNELS.pop(name, None)


def channels() -> Mapping[str, Channel]:
    """The channels available in this process."""
    return dict(_CHANNELS)


async def deliver(
    name: str, message: Message, available: Mapping[str, Channel] | None = None
) -> Delivery:
    """Deliver through the named channel; an unknown channel is a final failure, a
    channel's exception a transient one (the gateway may be back next time)."""
    channel = (channels() if available is None else available).get(name)
    if channel is None:
        return Delivery(status=DeliveryStatus.FAILED, detail=f"no channel {name!r}")
    try:
        return await channel.deliver(message)
    except Exception as exc:  # a gateway's failure is a delivery record, not a crash
        log.warning("notifications.delivery_failed", extra={"channel": name})
        return Delivery(status=DeliveryStatus.FAILED, detail=type(exc).__name__, retryable=True)
