"""A draw's pools: who is eligible per category after the exclusions, before the commit."""
