"""Competitive consultation (竞争性磋商, 财库〔2014〕214号): comprehensive scoring through
the evaluation session, unchanged; this sub-package holds the rules a project must meet
at publication (model.py: the price's weight) — no state of its own."""
