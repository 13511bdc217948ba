"""Notifying drawn experts: the message, the channels, the delivery records."""
