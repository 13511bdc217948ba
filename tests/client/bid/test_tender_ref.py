"""`bid seal` and `bid submit` take the same tender identifier, the transaction code or
the id, resolved through the API (issue 16 item 6; docs/cli.md, "Naming a tender"),
with the token `etender login` saved. A malformed identifier, an unknown one and another
party's draft are refused with stable codes before anything is sealed or uploaded."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from signing.certs import dump_pem_certificate, dump_pem_private_key
from signing.committee import dump_committee
from tender import service
from tender.model import Tender
from tests.client.cli_kit import etender, login
from tests.conftest import LiveServer, free_port
from tests.tender.submission.kit import sealed_committee
from tests.tender.world import World, fast_draft, published_tender
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_web_world,  # noqa: F401
)


@dataclass(frozen=True)
class Bidder:
    """bidder1's files, signed in (its token saved under ``config``)."""

    directory: Path
    config: Path
    tender: Tender
    server: str

    def path(self, name: str) -> str:
        return str(self.directory / name)

    def seal(self, tender: str, out: str, *extra: str) -> list[str]:
        return [
            "bid", "seal", "--committee", self.path("committee.json"),
            "--trust", self.path("root.crt"), "--cert", self.path("bidder.crt"),
            "--key", self.path("bidder.key"), "--identity", self.path("bidder.agekey"),
            "--tender", tender, "--lot", "1", "--field", "price=100000", "--field",
            "duration=90", "--file", self.path("投标文件.pdf"), "--out-dir", self.path(out),
            "--no-progress", *extra,
        ]  # fmt: skip

    def submit(self, tender: str, part: str) -> list[str]:
        return [
            "bid", "submit", "--server", self.server, "--tender", tender, "--lot", "1",
            "--cert", self.path("bidder.crt"), "--key", self.path("bidder.key"),
            "--state-dir", self.path("state"), "--out-dir", self.path("receipts"),
            "--no-progress", self.path(part),
        ]  # fmt: skip


@pytest.fixture
async def bidder(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tmp_path: Path
) -> Bidder:
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        committee = await sealed_committee(conn, tender)
    ident = web_world.bidder_identities[0]
    d = tmp_path / "bidder"
    d.mkdir()
    (d / "bidder.crt").write_bytes(
        b"".join(dump_pem_certificate(c) for c in (ident.certificate, *ident.chain))
    )
    (d / "bidder.key").write_bytes(dump_pem_private_key(ident.key))
    (d / "root.crt").write_bytes(dump_pem_certificate(web_world.ca.root_cert))
    (d / "committee.json").write_bytes(dump_committee(committee))
    (d / "投标文件.pdf").write_bytes(os.urandom(70_000))
    config = tmp_path / "config"
    who = Bidder(directory=d, config=config, tender=tender, server=live_server.url)
    code, _, err = await etender("bid", "keygen", "--out", who.path("bidder.agekey"), config=config)
    assert code == 0, err
    assert (await login(live_server.url, config))[0] == 0
    return who


async def _uploads(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        count: int = await conn.fetchval("SELECT count(*) FROM bid_uploads")
    return count


async def test_seal_and_submit_take_the_transaction_code_or_the_id(bidder: Bidder) -> None:
    """Sealed by code (offline, any case) and by id (through --server): both manifests
    name the code; submitted by code, then by id, as versions 1 and 2 of one bid."""
    tender, code = bidder.tender, str(bidder.tender.code)
    run = await etender(*bidder.seal(code.lower(), "by-code"), config=bidder.config)
    assert run[0] == 0, run[2]
    run = await etender(
        *bidder.seal(str(tender.id), "by-id", "--server", bidder.server), config=bidder.config
    )
    assert run[0] == 0, run[2]
    for out in ("by-code", "by-id"):
        run = await etender(
            "bid", "inspect", "--identity", bidder.path("bidder.agekey"),
            "--trust", bidder.path("root.crt"), "--committee", bidder.path("committee.json"),
            bidder.path(f"{out}/main.age"), config=bidder.config,
        )  # fmt: skip
        assert run[0] == 0, run[2]
        assert f"tender {code}  lot 1  part main" in run[1]
    for version, (which, part) in enumerate(
        ((code, "by-code/main.age"), (str(tender.id), "by-id/main.age")), start=1
    ):
        run = await etender(*bidder.submit(which, part), config=bidder.config)
        assert run[0] == 0, run[2]
        assert f"submitted version {version}" in run[1]
        assert (bidder.directory / "receipts" / f"receipt-{code}-1-v{version}.json").exists()


@pytest.mark.parametrize(
    "identifier",
    ["XC 2026 GC 000001", "../../etc/passwd", "XC-2026?q=1", "招标-2026-1", "", "-", "x" * 65],
)
async def test_a_malformed_identifier_is_refused_before_anything_is_written(
    bidder: Bidder, pool: asyncpg.Pool, identifier: str
) -> None:
    for command in (
        bidder.seal(identifier, "sealed"),
        bidder.seal(identifier, "sealed", "--server", bidder.server),
        bidder.submit(identifier, "bidder.key"),
    ):
        code, _, err = await etender(*command, config=bidder.config)
        assert code == 2, err
        assert "error: tender_identifier_invalid" in err
    assert not (bidder.directory / "sealed").exists()
    assert not (bidder.directory / "state").exists()
    assert await _uploads(pool) == 0


async def test_unknown_tenders_and_other_partys_drafts_are_one_refusal(
    bidder: Bidder, pool: asyncpg.Pool, web_world: World
) -> None:
    """A code or id that names nothing, and a draft (of another agency, or of this
    tender's own) all answer ``tender_identifier_unknown``: a bidder cannot tell a hidden
    draft from no tender. Nothing is sealed or uploaded."""
    async with pool.acquire() as conn:
        drafts = [
            await service.create_draft(conn, agency, await fast_draft(conn, web_world))
            for agency in (web_world.other_agency, web_world.agency)
        ]
    code = str(bidder.tender.code)
    unknown_code = code[: -len("000001")] + "999999"
    for identifier in (unknown_code, str(uuid.uuid4()), *(str(d.id) for d in drafts)):
        for command in (
            bidder.seal(identifier, "sealed", "--server", bidder.server),
            bidder.submit(identifier, "bidder.key"),
        ):
            status, _, err = await etender(*command, config=bidder.config)
            assert status == 2, (identifier, err)
            assert "error: tender_identifier_unknown" in err, (identifier, err)
    assert not (bidder.directory / "sealed").exists()
    assert await _uploads(pool) == 0


async def test_seal_names_what_it_cannot_resolve_or_does_not_match(
    bidder: Bidder, pool: asyncpg.Pool, web_world: World
) -> None:
    """An id without --server is ``tender_identifier_needs_server``; another published
    tender's code is refused against the committee file; neither writes a part."""
    status, _, err = await etender(
        *bidder.seal(str(bidder.tender.id), "sealed"), config=bidder.config
    )
    assert (status, "error: tender_identifier_needs_server" in err) == (2, True)
    async with pool.acquire() as conn:
        other = await published_tender(
            conn, web_world, deadline_in=dt.timedelta(hours=3, minutes=1)
        )
    for extra in ((), ("--server", bidder.server)):
        status, _, err = await etender(
            *bidder.seal(str(other.code), "sealed", *extra), config=bidder.config
        )
        assert status == 2, err
        # docs/cli.md: "error: CODE: message" like every refusal (F7).
        assert "etender bid: error: tender_identifier_committee_mismatch: --tender names" in err
        assert f"the committee file is for {bidder.tender.code}" in err
    assert not (bidder.directory / "sealed").exists()


async def test_seal_asks_an_unreachable_server_once_and_writes_nothing(bidder: Bidder) -> None:
    """A mistyped --server is said at once (no retry budget of minutes, as an upload's)."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    status, _, err = await etender(
        *bidder.seal(str(bidder.tender.id), "sealed", "--server", nowhere), config=bidder.config
    )
    assert status == 1
    assert "the server could not be reached" in err
    assert not (bidder.directory / "sealed").exists()
