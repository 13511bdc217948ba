"""etender: expert_pool."""
