"""Opened files are a derived copy (issue 17, item 1; tender/opening/opened.py): checked
against the manifest when read, re-derived from the frozen ciphertext and the stored
file key when missing or damaged, and a tampered file is never served as good."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from accounts.model import Actor
from evaluation.bid_files.service import OpenedBidFile, list_bid_files, open_bid_file, read_chunks
from evaluation.errors import BidFileIntegrityBroken
from signing.age import check_file_key, read_header
from tender.blobs.store import LocalBlobStore
from tender.opening import queries as opening_queries
from tests.accounts.factory import actor_for
from tests.evaluation.kit import started
from tests.evaluation.scenario import FILE_NAME, Scenario
from tests.evaluation.template import Template
from tests.tender.world import entries


def _scenario(template: Template, tmp_path: Path) -> Scenario:
    output_root = shutil.copytree(template.output_root, tmp_path / "opened", symlinks=True)
    return dataclasses.replace(template.scenario, output_root=output_root)


def _blobs(template: Template) -> LocalBlobStore:
    return LocalBlobStore(template.data_dir / "blobs")  # tests/tender/submission/kit.py


async def _read(
    conn: asyncpg.Connection, s: Scenario, actor: Actor, bid: uuid.UUID,
    blobs: LocalBlobStore | None,
) -> OpenedBidFile:  # fmt: skip
    return await open_bid_file(
        conn, actor, s.tender.id, "1", bid, "technical", FILE_NAME,
        output_root=s.output_root, blobs=blobs,
    )  # fmt: skip


async def _bytes(opened: OpenedBidFile) -> bytes:
    return b"".join([chunk async for chunk in read_chunks(opened)])


async def test_a_deleted_or_damaged_opened_file_is_rederived_and_verified(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """A deleted file, a file altered in place (same size) and a deleted part directory
    are each rebuilt from the frozen ciphertext and the stored key when read: the reader
    gets the manifest's bytes and the disk holds them again."""
    s = _scenario(evaluation_template, tmp_path)
    await started(conn, evaluation_template)
    member = await actor_for(conn, s.committee[0])
    blobs = _blobs(evaluation_template)
    listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    lot_dir = s.output_root / str(s.tender.id) / "1"
    files = [lot_dir / str(item.bid_id) / "technical" / "files" / FILE_NAME for item in listed]
    files[0].unlink()
    damaged = bytearray(files[1].read_bytes())
    damaged[0] ^= 1
    files[1].write_bytes(damaged)
    shutil.rmtree(files[2].parent.parent)
    for item, path in zip(listed, files, strict=True):
        data = await _bytes(await _read(conn, s, member, item.bid_id, blobs))
        assert (len(data), hashlib.sha256(data).hexdigest()) == (item.size, item.sha256)
        assert path.read_bytes() == data
    # A lost manifest is re-derived by listing too.
    (files[0].parent.parent / "manifest.json").unlink()
    again = await list_bid_files(
        conn, member, s.tender.id, "1", output_root=s.output_root, blobs=blobs
    )
    assert again == listed


async def test_a_tampered_opened_file_is_never_served_as_good(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """Same-size altered bytes are refused when nothing can re-derive them, and a file
    altered after its check (while served) ends the stream with the error before the
    last chunk, so no complete response carries the altered bytes."""
    s = _scenario(evaluation_template, tmp_path)
    await started(conn, evaluation_template)
    member = await actor_for(conn, s.committee[1])
    listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    lot_dir = s.output_root / str(s.tender.id) / "1"
    path = lot_dir / str(listed[0].bid_id) / "technical" / "files" / FILE_NAME
    original = path.read_bytes()
    path.write_bytes(bytes(len(original)))  # the size still matches the manifest
    with pytest.raises(BidFileIntegrityBroken):
        await _read(conn, s, member, listed[0].bid_id, None)
    path.write_bytes(original)
    opened = await _read(conn, s, member, listed[0].bid_id, None)
    with path.open("r+b") as inode:  # the same inode the reader holds open
        inode.write(bytes(len(original)))
    served: list[bytes] = []
    with pytest.raises(BidFileIntegrityBroken):
        await _drain(opened, served)
    assert len(b"".join(served)) < len(original)


async def _drain(opened: OpenedBidFile, into: list[bytes]) -> None:
    async for chunk in read_chunks(opened):
        into.append(chunk)


async def test_the_file_key_is_stored_never_listed_and_its_hash_is_logged(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Each opened part keeps the key that opened it (it passes the header MAC of the
    frozen ciphertext); results() never carries it; the log holds only its SHA-256."""
    s = evaluation_template.scenario
    blobs = _blobs(evaluation_template)
    lot_id = s.tender.lot_id("1")
    assert lot_id is not None
    results = await opening_queries.results(conn, lot_id)
    assert results
    assert all(r.file_key is None for r in results.values())
    settled = {
        (e.data["bid_id"], e.data["part"]): e.data
        for e in await entries(conn, "tender.opening_part_settled")
    }
    rows = await conn.fetch(
        "SELECT r.bid_id, r.part, r.file_key, p.sha256 FROM opening_results r"
        " JOIN bid_freeze_entries f ON f.bid_id = r.bid_id"
        " JOIN bid_parts p ON (p.bid_id, p.version, p.part) = (f.bid_id, f.version, r.part)"
    )
    assert len(rows) == len(results)
    for row in rows:
        key = bytes(row["file_key"])
        with blobs.path_of(row["sha256"]).open("rb") as sealed:
            check_file_key(read_header(sealed), key)
        logged = settled[(str(row["bid_id"]), row["part"])]
        assert logged["file_key_sha256"] == hashlib.sha256(key).hexdigest()
        assert key.hex() not in str(logged)


async def test_no_part_is_rederived_through_a_link_planted_above_it(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """A bid directory replaced by a link elsewhere: the read is refused and no
    plaintext is written where the link points (readers never follow links either)."""
    s = _scenario(evaluation_template, tmp_path)
    await started(conn, evaluation_template)
    member = await actor_for(conn, s.committee[0])
    listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    bid_dir = s.output_root / str(s.tender.id) / "1" / str(listed[0].bid_id)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(bid_dir)
    bid_dir.symlink_to(elsewhere)
    with pytest.raises(BidFileIntegrityBroken):
        await _read(conn, s, member, listed[0].bid_id, _blobs(evaluation_template))
    assert list(elsewhere.iterdir()) == []
