"""Building a tender's archive package (一项一档; DOMAIN.md "Records")."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from audit import service as audit
from signing.archive.errors import ArchiveInvalid
from signing.archive.package import parse_manifest, read_package
from signing.archive.supplement import verify_supplement
from signing.archive.verify import verify_package
from signing.log.checkpoint import generate_private_key
from signing.log.note import Ed25519Signer
from tender import lifecycle
from tender.archive import queries as archive_queries
from tender.archive import service
from tender.archive.errors import (
    ArchiveExists,
    ArchiveLogUncovered,
    ArchiveNotEnded,
    ArchiveNotFound,
    ArchiveReceiptsPending,
    ArchiveSupplementUnchanged,
)
from tender.model import TenderStatus
from tests.evaluation.template import Template
from tests.tender.archive.kit import (
    LOG,
    Archived,
    archive_opened_lot,
    archiving,
    respond_to_record,
    witness_cosigns,
)


def test_a_fresh_archive_of_a_real_tender_verifies(archived: Archived) -> None:
    """Every hash, signature, checkpoint, cosignature and proof of a fresh package holds."""
    verified = verify_package(archived.package)
    assert verified.sha256 == archived.archive.sha256
    assert verified.checkpoints == 2  # the cosigned one and the one the build signed
    kinds = {f.kind for f in verified.manifest.files}
    assert {"notice", "submit_statement", "receipt", "official_statement", "opening_record",
            "log_entry", "inclusion_proof", "checkpoint",
            "consistency_proof", "log_key", "witness_key", "ca_certificate",
            "platform_ca"} <= kinds  # fmt: skip


def test_the_package_holds_the_witness_cosignature(archived: Archived) -> None:
    members = read_package(archived.package)
    manifest = parse_manifest(members["manifest.json"])
    first = members[manifest.log.checkpoints[0]].decode()
    assert "— witness.test/department " in first


async def status(conn: asyncpg.Connection, tender_id: UUID) -> str:
    found: str = await conn.fetchval("SELECT status FROM tenders WHERE id = $1", tender_id)
    return found


async def test_the_package_is_stored_logged_and_the_tender_archived(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The build stores the package with its hash, logs the hash and archives the tender."""
    built = await archive_opened_lot(conn, evaluation_template)
    tender_id = evaluation_template.scenario.tender.id
    assert await status(conn, tender_id) == "archived"
    kept = await service.stored(conn, tender_id)
    assert (kept.sha256, kept.package) == (built.sha256, built.package)
    assert kept.sha256 == hashlib.sha256(kept.package).hexdigest()
    logged = await conn.fetchval(
        "SELECT convert_from(entry, 'UTF8')::jsonb -> 'data' ->> 'package_sha256' "
        "FROM log_entries WHERE kind = 'tender.archived'"
    )
    assert logged == built.sha256


async def test_one_package_per_project_a_second_build_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """一项一档: the package is never rebuilt (supplements add to it)."""
    await archive_opened_lot(conn, evaluation_template)
    tender_id = evaluation_template.scenario.tender.id
    with pytest.raises(ArchiveExists):
        await service.build(conn, tender_id, archiving(evaluation_template))


async def test_a_tender_whose_procedure_has_not_ended_is_not_archived(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """DOMAIN.md "Records": the archive is made at the end; before it, nothing is stored."""
    tender_id = evaluation_template.scenario.tender.id
    before = await status(conn, tender_id)
    with pytest.raises(ArchiveNotEnded):
        await service.build(conn, tender_id, archiving(evaluation_template))
    assert await status(conn, tender_id) == before
    assert await conn.fetchval("SELECT count(*) FROM tender_archives") == 0
    with pytest.raises(ArchiveNotFound):
        await service.stored(conn, tender_id)


async def test_performance_records_are_added_as_a_signed_supplement_naming_the_package(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Issue 13, item 7: later records are a second, signed file that names the package."""
    built = await archive_opened_lot(conn, evaluation_template)
    tender_id = evaluation_template.scenario.tender.id
    records = {"milestones": [{"name": "竣工验收", "accepted_at": "2027-03-01"}]}
    signer = archiving(evaluation_template).platform
    number, body = await service.add_supplement(conn, tender_id, records, signer)
    assert number == 1
    assert await service.supplement(conn, tender_id, 1) == body
    checked = verify_supplement(built.package, body, "supplement-1.tar")
    assert (checked["package_sha256"], checked["records"]) == (built.sha256, records)
    assert await status(conn, tender_id) == "archived"


async def test_a_supplement_of_another_package_fails_naming_it(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    built = await archive_opened_lot(conn, evaluation_template)
    tender_id = evaluation_template.scenario.tender.id
    signer = archiving(evaluation_template).platform
    _, body = await service.add_supplement(conn, tender_id, {"payments": []}, signer)
    other = built.package[:-1] + b"\x01"  # not this package's bytes
    with pytest.raises(ArchiveInvalid) as caught:
        verify_supplement(other, body, "supplement-1.tar")
    assert caught.value.details[0] == {
        "file": "supplement-1.tar",
        "what": "names another package (package_sha256 differs)",
    }


async def test_a_performance_supplement_with_nothing_new_since_the_package_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A tender without a contract has no performance to add: no empty supplement is
    signed, logged and stored (the whole lifecycle's supplement, with its contract and
    performance, is in tests/web/tender/results/test_to_performance.py)."""
    await archive_opened_lot(conn, evaluation_template)
    tender_id = evaluation_template.scenario.tender.id
    signer = archiving(evaluation_template).platform
    with pytest.raises(ArchiveSupplementUnchanged):
        await service.add_performance_supplement(conn, tender_id, signer)
    assert await conn.fetchval("SELECT count(*) FROM tender_archive_supplements") == 0
    logged = "SELECT count(*) FROM log_entries WHERE kind = 'tender.archive_supplemented'"
    assert await conn.fetchval(logged) == 0


async def test_a_performance_supplement_is_compared_with_the_last_supplement(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Records as the last supplement holds them are refused; records that differ from
    it (here: none, after one that held a row) make the next supplement."""
    built = await archive_opened_lot(conn, evaluation_template)
    tender_id = evaluation_template.scenario.tender.id
    signer = archiving(evaluation_template).platform
    await service.add_supplement(conn, tender_id, {"tender_performance": [{"x": 1}]}, signer)
    number, body = await service.add_performance_supplement(conn, tender_id, signer)
    assert number == 2
    assert verify_supplement(built.package, body, "supplement-2.tar")["records"] == {}
    with pytest.raises(ArchiveSupplementUnchanged):
        await service.add_performance_supplement(conn, tender_id, signer)


def test_the_bidders_confirmation_and_objection_of_the_record_are_archived(
    archived: Archived,
) -> None:
    """A confirmation is a CMS signature over the record bytes, checked as of its time."""
    members = read_package(archived.package)
    manifest = parse_manifest(members["manifest.json"])
    confirms = [s for s in manifest.signatures if ".confirm-" in s.signature]
    assert [s.content for s in confirms] == ["opening/lot-1/record-technical.json"]
    listed = json.loads(members["opening/lot-1/responses-technical.json"])
    assert [(r["kind"], r["signature"], r["objection"]) for r in listed] == sorted(
        [("confirm", confirms[0].signature, None), ("object", None, "唱标记录有误")],
        key=lambda r: [x["kind"] for x in listed].index(r[0]),
    )


async def test_entries_covered_only_by_another_keys_checkpoint_are_refused_not_a_500(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The newest checkpoint is another key's (a key being rotated, or a second process
    with its own key): none of this key's can be signed at its size, so the build says
    so (tender_archive_log_uncovered) and stores nothing — it raised a bare ValueError."""
    tender = evaluation_template.scenario.tender
    await respond_to_record(conn, evaluation_template)
    await witness_cosigns(conn)
    await lifecycle.change_status(conn, tender.id, TenderStatus.FAILED, reason="测试：流标")
    await audit.sign_new_checkpoint(conn, LOG)  # the other key covers everything
    signer = Ed25519Signer(name="etender.test/rotated", private_key=generate_private_key())
    rotated = audit.LogIdentity(origin=signer.name, signer=signer)
    with pytest.raises(ArchiveLogUncovered):
        await service.build(
            conn, tender.id, dataclasses.replace(archiving(evaluation_template), log=rotated)
        )
    assert await conn.fetchval("SELECT count(*) FROM tender_archives") == 0


async def test_a_version_whose_receipt_is_not_signed_yet_defers_the_build_not_a_500(
    conn: asyncpg.Connection, evaluation_template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A receipt is signed after its entry's integration (upload.md §3.3): a build that
    finds one still NULL answers tender_archive_receipts_pending and stores nothing — it
    read the NULL as bytes (a TypeError, a 500)."""
    tender = evaluation_template.scenario.tender
    await respond_to_record(conn, evaluation_template)
    await witness_cosigns(conn)
    await lifecycle.change_status(conn, tender.id, TenderStatus.FAILED, reason="测试：流标")
    real = archive_queries.bid_versions

    async def one_pending(c: asyncpg.Connection, tender_id: UUID) -> list[Any]:
        rows = [dict(r) for r in await real(c, tender_id)]
        rows[-1].update(receipt=None, receipt_signature=None, log_index=None)
        return rows

    monkeypatch.setattr(archive_queries, "bid_versions", one_pending)
    with pytest.raises(ArchiveReceiptsPending) as deferred:
        await service.build(conn, tender.id, archiving(evaluation_template))
    assert deferred.value.details == {"pending": 1}
    assert await conn.fetchval("SELECT count(*) FROM tender_archives") == 0
    monkeypatch.setattr(archive_queries, "bid_versions", real)
    assert (await service.build(conn, tender.id, archiving(evaluation_template))).sha256
