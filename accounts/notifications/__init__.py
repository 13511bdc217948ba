"""Notifications: messages to people through channels (log, SMS, WeChat) (issue 15)."""
