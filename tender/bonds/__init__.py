"""Bid bonds and their alerts: model.py (records), queries.py (SQL), service.py (use cases)."""
