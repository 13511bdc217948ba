"""Content-addressed blob storage of parts and documents: store.py (files), queries.py (SQL)."""
