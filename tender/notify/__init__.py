"""The tender's notification triggers: bid-deadline reminders and result notices (issue 15)."""
