"""Fixtures of the users' programs' tests: the signing fixtures (a demo CA, its users)
and the standard draw."""

from __future__ import annotations

import pytest

from tests.expert_pool.fixtures import pool_ca  # noqa: F401
from tests.signing.conftest import (  # noqa: F401
    bidder,
    ca_time,
    demo_ca,
    issue_user,
    officials,
    other_ca,
    trust,
    valid_time,
)
from tests.signing.draw.kit import DrawInputs, standard_draw


@pytest.fixture
def fresh_draw() -> DrawInputs:
    """The standard draw, committed, before round 0."""
    return standard_draw()
