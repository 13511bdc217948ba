"""etender: tender."""
