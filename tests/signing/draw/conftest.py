"""The standard draw as a fixture (tests/signing/draw/kit.py)."""

from __future__ import annotations

import pytest

from tests.expert_pool.fixtures import pool_ca  # noqa: F401
from tests.signing.draw.kit import DrawInputs, standard_draw


@pytest.fixture
def fresh_draw() -> DrawInputs:
    """The standard draw, committed, before round 0."""
    return standard_draw()
