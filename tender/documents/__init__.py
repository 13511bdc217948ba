"""Tender documents and downloads: model.py (records), queries.py (SQL), service.py."""
