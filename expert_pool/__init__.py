"""The shared expert pool: experts, verifiable draws, confirmations, attendance, assessment."""
