"""etender: signing."""
