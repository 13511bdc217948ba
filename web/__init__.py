"""etender: web."""
