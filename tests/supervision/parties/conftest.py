"""The registry tests use the credit tests' fixtures (a connection, the world, a supervisor
of another department)."""

from tests.supervision.credit.conftest import ca, conn, other_supervisor, world  # noqa: F401
