"""etender: accounts."""
