"""`etender listing reserve seal` and `etender listing release` run as the seller and the
officials run them, against a live server (issue 18 item 1; docs/cli.md, "Listings").

Rule: the seller's client seals the reserve to the listing's committee before the start
(by its own clock) and the server takes it; k officials' clients release their shares
after the end (by their own clocks) and the reserve opens at the decision without the
seller. Too early is refused on the official's machine, before any key is used.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from pathlib import Path

import asyncpg
import httpx

from accounts.users import service as users
from listing import conclusion, queries, service
from listing.reserve import open_reserve
from signing.age import X25519Identity
from signing.certs import dump_pem_certificate, dump_pem_private_key
from tests.accounts.factory import CONSOLE, PASSWORD
from tests.client.cli_kit import etender
from tests.conftest import LiveServer
from tests.listing.kit import (
    engine,
    make_setup,
    published,
    register_official_keys,
    seal_reserve_bytes,
    seller_identity,
    share_of,
)
from tests.tender.world import build_world, live_ca

RESERVE_FEN = 12_345_600_00


async def _token(server: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=server) as http:
        answer = await http.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


async def test_the_seller_seals_the_reserve_and_k_officials_release_it_with_the_cli(
    pool: asyncpg.Pool, live_server: LiveServer, tmp_path: Path
) -> None:
    ca = live_ca()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    async with pool.acquire() as conn:
        world = await build_world(conn, ca, passwords=True)
        await register_official_keys(conn, world)
        seller = await seller_identity(conn, world)
        for official in world.officials[:2]:
            await users.set_password(conn, CONSOLE, user_id=official.user.id, password=PASSWORD)
        setup = make_setup(world, engine(tmp_path / "platform"))
        ahead = await published(conn, world, setup, now)  # in its notice period
        # One that has ended: published 40 days ago (the demo CA is a day old, so no
        # certificate check then), its reserve sealed then by the service.
        past = now - dt.timedelta(days=40)
        ended = await published(conn, world, dataclasses.replace(setup, trust=None), past)
        sealed = seal_reserve_bytes(world, ended, seller, RESERVE_FEN, now)
        await service.seal_reserve(conn, world.tenderer, ended.id, sealed, now=past)
    files = tmp_path / "files"
    files.mkdir()
    (files / "seller.crt").write_bytes(
        b"".join(dump_pem_certificate(c) for c in (seller.certificate, *seller.chain))
    )
    (files / "seller.key").write_bytes(dump_pem_private_key(seller.key))
    (files / "seller.agekey").write_text(X25519Identity.generate().encode() + "\n")
    (files / "root.crt").write_bytes(dump_pem_certificate(ca.root_cert))
    for x, official in enumerate(world.officials, start=1):
        (files / f"official{x}.agekey").write_text(official.age.encode() + "\n")
    server, config = live_server.url, tmp_path / "config"

    owner = await _token(server, "owner")
    seal = [
        "listing", "reserve", "seal", "--server", server, "--token", owner,
        "--reserve-fen", str(RESERVE_FEN), "--cert", str(files / "seller.crt"),
        "--key", str(files / "seller.key"), "--identity", str(files / "seller.agekey"),
        "--trust", str(files / "root.crt"),
    ]  # fmt: skip
    kept = tmp_path / "reserve.age"
    rc, out, err = await etender(
        *seal, "--listing", str(ahead.id), "--out", str(kept), config=config
    )
    assert rc == 0, err
    assert f"reserve sealed for {ahead.code}" in out
    # The listing that has started is refused on the seller's machine: nothing sent.
    rc, _, err = await etender(*seal, "--listing", str(ended.id), config=config)
    assert (rc, "can no longer be sealed" in err) == (2, True), err

    tokens = [await _token(server, o.user.username) for o in world.officials[:2]]
    for x, token in enumerate(tokens, start=1):
        release = ["listing", "release", "--server", server, "--token", token,
                   "--identity", str(files / f"official{x}.agekey")]  # fmt: skip
        if x == 1:  # before the end by the official's clock: refused, nothing unwrapped
            rc, _, err = await etender(*release, "--listing", str(ahead.id), config=config)
            assert (rc, "not yet by this machine's clock" in err) == (1, True), err
        rc, out, err = await etender(*release, "--listing", str(ended.id), config=config)
        assert (rc, out.strip()) == (0, f"share x={x} released for {ended.code}"), err

    # GET …/reserve: the seller and the committee's officials only; an official gets the
    # sealed part once the listing has ended (per-object authorisation, per role).
    async with httpx.AsyncClient(base_url=server) as http:
        for token, which, expected in [
            (await _token(server, "bidder1"), ahead, (403, None)),
            (tokens[0], ahead, (200, None)),
            (owner, ahead, (200, kept.read_bytes())),
        ]:  # fmt: skip
            got = await http.get(f"/api/v1/listings/{which.id}/reserve",
                                 headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            sealed_b64 = got.json().get("sealed")
            shown = None if sealed_b64 is None else base64.b64decode(sealed_b64)
            assert (got.status_code, shown) == expected, got.text

    async with pool.acquire() as conn:
        stored = await queries.reserve(conn, ahead.id)
        assert stored == kept.read_bytes()
        assert await queries.shares(conn, ahead.id) == []
        # What the CLI sealed opens with k shares, the seller's signature and price inside.
        opened = open_reserve(
            ahead, stored, [(x, share_of(world, ahead, stored, x)) for x in (2, 3)],
            seller_credit_code=world.tenderer_org.credit_code, trust=ca.trust_store(), now=now,
        )  # fmt: skip
        assert opened == RESERVE_FEN
        # The shares the CLI released open the ended listing's reserve at the decision.
        assert [x for x, _ in await queries.shares(conn, ended.id)] == [1, 2]
        closed = await conclusion.close(conn, world.agency, ended.id, setup, now=now)
        assert closed.auction_id is not None  # nobody bid, nobody went on: ended at once
        decided = await conclusion.decide_result(conn, world.agency, ended.id, setup, now=now)
        assert (decided.outcome, decided.reserve_fen) == ("no_bids", RESERVE_FEN)
