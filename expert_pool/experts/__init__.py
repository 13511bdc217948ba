"""The experts of the pool: their records, import, calendars, penalties and certificates."""
