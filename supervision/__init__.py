"""etender: supervision."""
