"""Fixtures of the listing tests: the tender tests' world (organisations, people, a live
CA, three officials) with the officials' keys registered, on a fresh clone per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import asyncpg
import pytest

from listing.auction.service import AuctionService
from listing.service import ListingSetup
from signing.certs import Identity
from signing.demo_ca import DemoCA
from tests.listing.kit import clock, engine, make_setup, register_official_keys, seller_identity
from tests.tender.world import World, build_world, live_ca

__all__ = ["clock"]


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    """A demo CA issued just before the session."""
    return live_ca()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    built = await build_world(conn, ca)
    await register_official_keys(conn, built)
    return built


@pytest.fixture
async def seller(conn: asyncpg.Connection, world: World) -> Identity:
    return await seller_identity(conn, world)


@pytest.fixture(scope="session")
def bidding(tmp_path_factory: pytest.TempPathFactory) -> AuctionService:
    """The platform's bidding engine (one receipt identity for the session)."""
    return engine(tmp_path_factory.mktemp("platform"))


@pytest.fixture
def setup(world: World, bidding: AuctionService) -> ListingSetup:
    return make_setup(world, bidding)


@pytest.fixture
def now() -> dt.datetime:
    """The publication time: the real clock, whole seconds (certificates are valid now)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
