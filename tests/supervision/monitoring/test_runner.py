"""The runner over the real tables of an opened lot: facts gathered, findings raised once
as alerts with their evidence (tests/evaluation/kit.py's opened lot, cloned)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import asyncpg
from pypdf import PdfWriter

from supervision.monitoring import file_meta, service
from supervision.monitoring.defaults import policy
from tender.blobs.store import LocalBlobStore
from tender.queries import database_now
from tests.evaluation.kit import Template, scenario_database  # noqa: F401
from tests.supervision.alerts_kit import alerts_of

SINCE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


async def test_the_opened_lots_facts_are_gathered_from_the_real_tables(
    pool: asyncpg.Pool, evaluation_template: Template
) -> None:
    scenario = evaluation_template.scenario
    async with pool.acquire() as conn:
        facts = await service.gather(
            conn, scenario.tender.id, output_root=scenario.output_root, history_since=SINCE
        )
    bidders = {str(b.org.id) for b in scenario.bidders}
    assert {b.bidder for b in facts.lot_bidders} == bidders
    assert {p.bidder for p in facts.part_hashes} == bidders
    assert {o.bidder for o in facts.upload_origins} == bidders
    assert sorted(p.price_fen for p in facts.bid_prices) == [80_000_00, 90_000_00, 100_000_00]
    assert facts.tender_parties[0].agency == str(scenario.tender.agency_id)


async def test_prices_in_a_progression_and_one_upload_address_raise_alerts_once(
    pool: asyncpg.Pool, evaluation_template: Template
) -> None:
    scenario = evaluation_template.scenario
    first, second = (str(b.org.id) for b in scenario.bidders[:2])
    async with pool.acquire() as conn:
        # Two bidders' parts came from one address within minutes (Reg. 40).
        await conn.execute(
            "UPDATE bid_uploads SET client_address = '203.0.113.7',"
            " created_at = $2 WHERE bidder_id = ANY($1::uuid[])",
            [first, second], dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),
        )  # fmt: skip
        raised = await service.run_tender(
            conn, scenario.tender.id, output_root=scenario.output_root, history_since=SINCE
        )
        again = await service.run_tender(
            conn, scenario.tender.id, output_root=scenario.output_root, history_since=SINCE
        )
        alerts = await alerts_of(conn, scenario.tender.id)
    kinds = [kind for kind, _ in alerts]
    assert "bid_prices_progression" in kinds  # the scenario's 100 000, 90 000, 80 000 yuan
    assert "bids_same_network" in kinds
    assert {f.alert for f in raised} >= {"bid_prices_progression", "bids_same_network"}
    assert again == []
    [network] = [f for f in raised if f.alert == "bids_same_network"]
    assert (network.subject, "bids_same_network") in [(s, k) for k, s in alerts]
    assert network.evidence["value"] == "203.0.113.7"
    assert network.parties == tuple(sorted((first, second)))


async def test_the_jobs_pass_checks_recently_frozen_tenders(
    pool: asyncpg.Pool, evaluation_template: Template
) -> None:
    scenario = evaluation_template.scenario
    async with pool.acquire() as conn:
        now = await database_now(conn)
        raised = await service.run_recent(conn, output_root=scenario.output_root, now=now)
        alerts = await alerts_of(conn, scenario.tender.id)
        again = await service.run_recent(conn, output_root=scenario.output_root, now=now)
        later = now + dt.timedelta(days=policy().history_days + 1)
        outside = await service.run_recent(conn, output_root=scenario.output_root, now=later)
    assert raised >= 1
    assert ("bid_prices_progression" in [kind for kind, _ in alerts]) is True
    assert (again, outside) == (0, 0)


async def test_the_tenders_published_pdf_documents_give_the_template_metadata(
    pool: asyncpg.Pool, evaluation_template: Template, tmp_path: Path
) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Author": "招标文件模板", "/Company": "某代理公司", "/Producer": "WPS"})
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    blobs = LocalBlobStore(tmp_path / "blobs")
    blobs.path_of(digest).parent.mkdir(parents=True, exist_ok=True)
    blobs.path_of(digest).write_bytes(data)
    tender_id = evaluation_template.scenario.tender.id
    async with pool.acquire() as conn:
        document = await conn.fetchval(
            "INSERT INTO tender_documents (tender_id, name) VALUES ($1, '投标文件格式.pdf')"
            " RETURNING id",
            tender_id,
        )
        await conn.execute(
            "INSERT INTO tender_document_versions (tender_id, document_id, version, sha256,"
            " size, media_type, uploaded_by, published_at)"
            " SELECT $1, $2, 1, $3, $4, 'application/pdf', id, clock_timestamp()"
            " FROM users ORDER BY created_at LIMIT 1",
            tender_id, document, digest, len(data),
        )  # fmt: skip
        [meta] = await file_meta.template_metas(conn, blobs, tender_id)
    assert meta.bidder is None
    assert (meta.author, meta.organisation, meta.software) == ("招标文件模板", "某代理公司", "WPS")
    assert meta.file == "documents/投标文件格式.pdf@1"


async def test_the_log_of_a_raised_alert_names_no_bidder_or_address(
    pool: asyncpg.Pool, evaluation_template: Template
) -> None:
    scenario = evaluation_template.scenario
    bidders = [str(b.org.id) for b in scenario.bidders]
    async with pool.acquire() as conn:
        await conn.execute("UPDATE bid_uploads SET client_address = '203.0.113.9'")
        before = await conn.fetchval("SELECT coalesce(max(idx) + 1, 0) FROM log_entries")
        raised = await service.run_tender(
            conn, scenario.tender.id, output_root=scenario.output_root, history_since=SINCE
        )
        rows = await conn.fetch(
            "SELECT convert_from(entry, 'UTF8') AS text FROM log_entries WHERE idx >= $1",
            before,
        )
    assert raised
    logged = "".join(row["text"] for row in rows)
    assert "tender.alert_raised" in logged
    assert "203.0.113.9" not in logged
    assert not any(b in logged for b in bidders)
