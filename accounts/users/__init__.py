"""User accounts, their passwords and their role grants."""
