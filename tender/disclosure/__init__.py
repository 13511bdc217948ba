"""What a tender discloses to the public in standard formats: ocds.py (OCDS releases)."""
