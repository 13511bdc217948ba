"""Notifications in the web layer: the channels plugged in from settings, the sending
job, the contacts API and the failures list for centre staff (docs/notifications.md)."""
