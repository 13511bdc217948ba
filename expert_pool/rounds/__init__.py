"""A committed draw's rounds: entropy contributions, the rounds they draw, the seats."""
