"""etender: evaluation."""
