"""``etender auction bid`` against a real server: a signed bid placed and printed, a
refusal on one line with exit status 1, bad input refused before anything is sent
(docs/formats/auction.md; issue 18, item 5)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from starlette.applications import Starlette

from client.auction import fen_amount, to_fen
from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tests.conftest import LiveServer
from tests.listing.auction.kit import Bidder, auction_ca, make_world, settings
from web.cli.main import main
from web.services import services

__all__ = ["auction_ca", "settings"]


def _files(tmp_path: Path, bidder: Bidder) -> list[str]:
    who = bidder.identity
    cert, key = tmp_path / f"{bidder.number}.crt", tmp_path / f"{bidder.number}.key"
    cert.write_bytes(b"".join(dump_pem_certificate(c) for c in (who.certificate, *who.chain)))
    key.write_bytes(who.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return ["--cert", str(cert), "--key", str(key), "--token", bidder.token]


async def test_a_scripted_bid_is_signed_placed_and_printed_and_a_refusal_exits_1(
    live_server: LiveServer, app: Starlette, pool: asyncpg.Pool, client: httpx.AsyncClient,
    auction_ca: DemoCA, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """--minimum bids the start price; --price in yuan; the leader bidding again is refused
    with the server's code on stderr, exit 1; a price with three decimals, exit 2."""
    world = await make_world(pool, client, auction_ca, services(app).auctions())
    a, b, _ = world.bidders
    base = ["auction", "bid", "--server", live_server.url, "--auction", str(world.auction_id)]
    assert await asyncio.to_thread(main, [*base, "--minimum", *_files(tmp_path, a)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert await asyncio.to_thread(main, [*base, "--price", "1010", *_files(tmp_path, b)]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (first["bid"], first["number"], first["price_fen"]) == (1, "A001", 100_000)
    assert (second["bid"], second["number"], second["price_fen"]) == (2, "A002", 101_000)
    assert await asyncio.to_thread(main, [*base, "--minimum", *_files(tmp_path, b)]) == 1
    assert "auction_already_leading" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad:
        main([*base, "--price", "1020.001", *_files(tmp_path, a)])
    assert bad.value.code == 2
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM auction_bids") == 2


@pytest.mark.parametrize(
    "price", ["1e9", "1_000", "+390", "390.000", "３９０", "٣٩٠", "0", "-1", "", " 1", "0.001",
              "99999999999999", "inf", "NaN"],
)  # fmt: skip
def test_a_price_that_is_not_plain_yuan_is_refused_before_anything_is_signed(
    price: str,
) -> None:
    """docs/cli.md: plain ASCII digits, at most two decimals, 0 < price ≤ 10^13 yuan (the
    outside tester's --price 1e9 placed a binding ¥1,000,000,000 bid)."""
    with pytest.raises(argparse.ArgumentTypeError):
        to_fen(price)


def test_yuan_and_fen_are_read_exactly() -> None:
    assert [to_fen(p) for p in ("390", "390.5", "12345.60", "0.01", "9999999999999.99")] == [
        39000,
        39050,
        1234560,
        1,
        999999999999999,
    ]
    assert fen_amount("1000000000000000") == 10**15
    for fen in ("+5", "1_0", "0", "１", "1000000000000001", "05"):
        with pytest.raises(argparse.ArgumentTypeError):
            fen_amount(fen)
