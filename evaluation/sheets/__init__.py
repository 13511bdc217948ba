"""Sealed evaluation sheets: submission, reveal, review (DESIGN.md, "Blind scoring")."""
