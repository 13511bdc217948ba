"""The ``etender session`` sub-commands: join, score, reveal, sign (cli.py wires them)."""
