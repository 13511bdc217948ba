"""Plugging the providers' channels in from the production settings (issue 15).

The composition root calls `plug_in` once per application: each configured provider's
channel is registered at the plug-in point (accounts.notifications.channels) under its
name, which draw policies and the tender's triggers then use. Nothing is registered
when the settings configure no provider: the log channel alone serves.
"""

from __future__ import annotations

from accounts.notifications.channels import register_channel
from accounts.notifications.channels.sms import AliyunSmsChannel
from accounts.notifications.channels.wechat import WeChatTemplateChannel
from tender.notify.service import reminder_lead
from web.settings import Settings


def plug_in(settings: Settings) -> list[str]:
    """Register the configured channels; returns their names. A malformed reminder
    policy is refused here, at start, rather than by every tick of the job."""
    reminder_lead(settings.policy_overrides)
    configured = settings.notification_channels
    names = []
    if configured.sms is not None:
        register_channel(AliyunSmsChannel(configured.sms))
        names.append("sms")
    if configured.wechat is not None:
        register_channel(WeChatTemplateChannel(configured.wechat))
        names.append("wechat")
    return names
