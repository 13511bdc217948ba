"""Web side of the transparency log: its read API, witnesses, and the checkpoint jobs."""
