"""Suspensions of a tender that stop its clocks (issue 13, item 4)."""
