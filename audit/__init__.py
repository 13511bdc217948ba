"""etender: audit."""
