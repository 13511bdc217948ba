"""The expert pool's database fixtures (they live in tests/expert_pool/fixtures.py so that
the HTTP tests of tests/web can import them too)."""

from tests.expert_pool.fixtures import conn, pool_ca, world  # noqa: F401
