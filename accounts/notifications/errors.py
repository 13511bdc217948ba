"""Errors of notifications, with stable codes (docs/notifications.md lists them).

NotificationError               notification_error            (422)
├── ContactChannelUnknown       notification_channel_unknown  (422)
├── ContactAddressInvalid       notification_contact_invalid  (422)
├── ContactNotFound             notification_contact_not_found (404)
└── NotificationConfigInvalid   notification_config_invalid   (500)
"""

from __future__ import annotations

from accounts.errors import AccountsError


class NotificationError(AccountsError):
    """Root of every error raised by accounts/notifications/."""

    code = "notification_error"


class ContactChannelUnknown(NotificationError):
    """A contact for a channel that takes no addresses (only "sms" and "wechat" do)."""

    code = "notification_channel_unknown"


class ContactAddressInvalid(NotificationError):
    """A mobile number or WeChat OpenID in the wrong form."""

    code = "notification_contact_invalid"


class ContactNotFound(NotificationError):
    """No contact of the caller on that channel."""

    code = "notification_contact_not_found"
    status = 404


class NotificationConfigInvalid(NotificationError):
    """The production settings of a channel are incomplete or malformed."""

    code = "notification_config_invalid"
    status = 500
