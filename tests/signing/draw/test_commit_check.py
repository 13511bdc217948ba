"""The contributor's commit check names the same entry kind the platform logs."""

from __future__ import annotations

from expert_pool.events import PoolEvent
from signing.draw.commit_check import COMMIT_KIND


def test_the_commit_kind_is_the_one_expert_pool_logs() -> None:
    """signing/ cannot import expert_pool, so the kind is written twice: pin them equal."""
    assert COMMIT_KIND == PoolEvent.DRAW_COMMITTED
