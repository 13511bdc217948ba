"""The shared expert pool: experts, verifiable draws, confirmations, attendance, assessment."""

# expert_pool.draw re-exports expert_pool.verify, which imports expert_pool.draw: load
# draw first, whatever module a caller names, so the cycle always resolves one way.
from signing.draw import algorithm as _draw  # noqa: F401
