"""The `etender` command line."""
