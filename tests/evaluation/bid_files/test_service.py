"""Opened bid files against PostgreSQL and real opened parts: who reads, what, and the log."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from evaluation.bid_files.service import OpenedBidFile, list_bid_files, open_bid_file, read_chunks
from evaluation.errors import (
    BidFileIntegrityBroken,
    BidFileNotFound,
    BidFilePathInvalid,
    BidPartNotFound,
    BidPartNotOpened,
    OpenedBidNotFound,
)
from signing.log.entry import LogEntry
from tender.errors import LotNotFound, TenderNotFound
from tests.accounts.factory import actor_for, log_size
from tests.evaluation.kit import started
from tests.evaluation.scenario import FILE_NAME, Scenario
from tests.evaluation.template import Template
from tests.tender.world import entries

KIND = "evaluation.bid_file_read"


def _scenario(template: Template, tmp_path: Path) -> Scenario:
    """The template's opened lot (this test's clone), its opened parts copied: a test
    may plant links in them."""
    output_root = shutil.copytree(template.output_root, tmp_path / "opened", symlinks=True)
    return dataclasses.replace(template.scenario, output_root=output_root)


async def _bytes(opened: OpenedBidFile) -> bytes:
    return b"".join([chunk async for chunk in read_chunks(opened)])


async def _read_as(
    conn: asyncpg.Connection, s: Scenario, actor: Actor, bid: uuid.UUID,
    part: str = "technical", path: str = FILE_NAME,
) -> OpenedBidFile:  # fmt: skip
    return await open_bid_file(
        conn, actor, s.tender.id, "1", bid, part, path, output_root=s.output_root
    )


async def _bid_of(conn: asyncpg.Connection, s: Scenario, index: int) -> uuid.UUID:
    member = await actor_for(conn, s.committee[0])
    listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    code = s.bidders[index].org.credit_code
    return next(item.bid_id for item in listed if item.bidder == code)


async def test_the_committee_and_supervisors_read_opened_files_and_each_read_is_logged(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """A confirmed committee member and the department's supervisor list and read the
    technical files (bytes hash to the manifest's sha256); each read is one log entry."""
    s = _scenario(evaluation_template, tmp_path)
    await started(conn, evaluation_template)  # members read only in a started session
    world = s.world
    member = await actor_for(conn, s.committee[0])
    listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    codes = sorted(b.org.credit_code for b in s.bidders)
    assert [(i.bidder, i.part, i.path) for i in listed] == [
        (code, "technical", FILE_NAME) for code in codes
    ]  # commercial parts are still sealed: not listed
    before = await log_size(conn)
    first = listed[0]
    opened = await _read_as(conn, s, member, first.bid_id)
    data = await _bytes(opened)
    assert opened.file.closed
    on_disk = s.output_root / str(s.tender.id) / "1" / str(first.bid_id) / "technical"
    assert data == (on_disk / "files" / FILE_NAME).read_bytes()
    assert (len(data), hashlib.sha256(data).hexdigest()) == (first.size, first.sha256)
    supervisor = await _read_as(conn, s, world.supervisor, listed[1].bid_id)
    assert hashlib.sha256(await _bytes(supervisor)).hexdigest() == listed[1].sha256
    assert await log_size(conn) == before + 2
    logged = await entries(conn, KIND)
    # The member reads as a drawn expert: named by its draw commitment (audit-log.md §1.3).
    assert [(e.actor.user_id, e.actor.role, e.address) for e in logged] == [
        (None, "expert", None),
        (str(world.supervisor.user_id), "supervisor", "192.0.2.10"),
    ]
    assert logged[0].commitments == ("actor",)
    assert _read_data(logged[0]) == {
        "lot": "1",
        "bid_id": str(first.bid_id),
        "part": "technical",
        "path": FILE_NAME,
        "size": first.size,
        "sha256": first.sha256,
    }
    assert logged[0].subject is not None
    assert logged[0].subject.id == str(s.tender.id)
    assert opened.log_index == supervisor.log_index - 1
    await _nobody_else_reads(conn, s)
    await _only_opened_listed_files_are_read(conn, s)
    assert await log_size(conn) == before + 2  # refusals leave no read in the log


def _read_data(entry: LogEntry) -> dict[str, object]:
    data = dict(entry.data)
    assert len(str(data.pop("manifest_sha256"))) == 64
    data.pop("actor", None)
    return data


async def _nobody_else_reads(conn: asyncpg.Connection, s: Scenario) -> None:
    """Agency, tenderer, centre, officials, bidders (even their own bid), experts of
    another lot and supervisors of another department are all refused, list and read."""
    w = s.world
    own_bid = await _bid_of(conn, s, 0)
    others = [
        w.agency,
        w.tenderer,
        w.staff,
        w.other_agency,
        s.bidders[0].actor,  # its own bid
        await actor_for(conn, w.officials[0].user),
        await actor_for(conn, s.other_lot_expert),
        s.other_supervisor,
    ]
    for actor in others:
        with pytest.raises(PermissionDenied):
            await list_bid_files(conn, actor, s.tender.id, "1", output_root=s.output_root)
        with pytest.raises(PermissionDenied):
            await _read_as(conn, s, actor, own_bid)


async def _only_opened_listed_files_are_read(conn: asyncpg.Connection, s: Scenario) -> None:
    """Sealed parts, unknown bids, parts, tenders and lots, traversals and unlisted names."""
    member = await actor_for(conn, s.committee[-1])
    bid = await _bid_of(conn, s, 1)
    with pytest.raises(BidPartNotOpened) as sealed:
        await _read_as(conn, s, member, bid, part="commercial")
    assert sealed.value.code == "bid_part_not_opened_conflict"
    with pytest.raises(BidPartNotFound):
        await _read_as(conn, s, member, bid, part="main")
    with pytest.raises(OpenedBidNotFound):
        await _read_as(conn, s, member, uuid.uuid4())
    for path in ("../technical/manifest.json", "/etc/passwd", "a/../../x", "./" + FILE_NAME):
        with pytest.raises(BidFilePathInvalid):
            await _read_as(conn, s, member, bid, path=path)
    for path in ("manifest.json", "other.txt"):
        with pytest.raises(BidFileNotFound):
            await _read_as(conn, s, member, bid, path=path)
    with pytest.raises(TenderNotFound):
        await open_bid_file(
            conn, member, uuid.uuid4(), "1", bid, "technical", FILE_NAME, output_root=s.output_root
        )
    with pytest.raises(LotNotFound):
        await list_bid_files(conn, member, s.tender.id, "2", output_root=s.output_root)


async def test_links_and_changed_files_in_the_output_are_refused(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """A symlink planted for a listed file or a part directory, a resized file and an
    edited manifest are refused as bid_file_integrity_conflict, and nothing is logged."""
    s = _scenario(evaluation_template, tmp_path)
    await started(conn, evaluation_template)
    member = await actor_for(conn, s.committee[1])
    bids = [await _bid_of(conn, s, i) for i in range(3)]
    lot_dir = s.output_root / str(s.tender.id) / "1"
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"x" * (await _size(conn, s, member)))
    planted = lot_dir / str(bids[0]) / "technical" / "files" / FILE_NAME
    planted.unlink()
    os.symlink(secret, planted)
    directory = lot_dir / str(bids[1]) / "technical"
    directory.rename(tmp_path / "moved")
    os.symlink(tmp_path / "moved", directory)
    resized = lot_dir / str(bids[2]) / "technical" / "files" / FILE_NAME
    resized.write_bytes(resized.read_bytes() + b"!")
    before = await log_size(conn)
    for bid in bids:
        with pytest.raises(BidFileIntegrityBroken) as refused:
            await _read_as(conn, s, member, bid)
        assert refused.value.code == "bid_file_integrity_conflict"
    manifest = (tmp_path / "moved" / "manifest.json").read_bytes()
    directory.unlink()
    (tmp_path / "moved").rename(directory)
    (directory / "manifest.json").write_bytes(manifest + b" ")
    with pytest.raises(BidFileIntegrityBroken):
        await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    assert await log_size(conn) == before


async def _size(conn: asyncpg.Connection, s: Scenario, member: Actor) -> int:
    listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    return listed[0].size
