"""A draw as stored: its rules, queries and shared checks — the base of every other feature."""
