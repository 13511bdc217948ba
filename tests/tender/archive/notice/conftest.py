"""A tender built here from nothing (tests/tender/world.py): the empty database again,
not the opened lot the folder above clones."""

from __future__ import annotations

from tests.conftest import database  # noqa: F401
