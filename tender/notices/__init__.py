"""Clarifications, notifications and objections: model.py, queries.py, service.py."""
