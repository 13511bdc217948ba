"""JSON API of contracts, performance and suspensions (docs/api-contracts.md)."""
