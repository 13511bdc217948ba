"""A real tender's archive package: the opened lot of tests/evaluation/template.py, ended.

The opened lot (bids, receipts, officials' statements, the opening record, its log
entries) is cloned; one bidder confirms the record with its signature and another
objects (tender/opening/responses.py); a witness is registered and cosigns a
checkpoint signed by the test's log key; the tender fails (evaluation → failed: an
ended procedure) and the package is built through the real service — so the package
has two checkpoints of that key, a consistency proof between them and a cosignature.

``archived`` builds it once per test process (the tampering tests only change bytes);
:func:`archive_opened_lot` is the same path for tests that need the database after.
"""

from __future__ import annotations

import dataclasses
from typing import cast

import asyncpg
import pytest

from audit import queries as audit_queries
from audit import service as audit
from signing.cms import sign_detached
from signing.demo_ca import DemoCA
from signing.log.checkpoint import Cosigner, generate_private_key, open_checkpoint
from signing.log.note import Ed25519Signer
from tender import lifecycle
from tender.archive import service
from tender.blobs.store import LocalBlobStore
from tender.model import TenderStatus
from tender.opening.lot import Opening
from tender.opening.publication import opening_record
from tender.opening.responses import respond
from tender.queries import database_now
from tender.submission.receipts import ReceiptSigner, load_or_create
from tests.conftest import PgServer, clone
from tests.evaluation.template import Template
from web.db.database import open_pool

LOG_SIGNER = Ed25519Signer(name="etender.test/log", private_key=generate_private_key())
LOG = audit.LogIdentity(origin=LOG_SIGNER.name, signer=LOG_SIGNER)
WITNESS = Cosigner(name="witness.test/department", private_key=generate_private_key())


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Archived:
    """A built package and what a tampering test needs to forge a consistent one."""

    archive: service.Archive
    signer: ReceiptSigner  # the platform's manifest signer
    ca: DemoCA  # the parties' CA (issues the bidders' and officials' certificates)

    @property
    def package(self) -> bytes:
        return self.archive.package


def archiving(template: Template) -> service.Archiving:
    """The build's composition over the template's data dir (receipts and opening keys)."""
    data = template.data_dir
    return service.Archiving(
        trust=template.scenario.world.ca.trust_store(),
        platform=load_or_create(data),
        log=LOG,
        blobs=LocalBlobStore(data / "blobs"),
        platform_roots=(load_or_create(data / "platform").root,),
    )


async def witness_cosigns(conn: asyncpg.Connection) -> int:
    """Register the witness, sign a checkpoint with the test's key, have it cosigned."""
    async with conn.transaction():
        await audit.add_witness(conn, WITNESS.verifier().to_vkey())  # an entry: a new size
        await audit.sign_new_checkpoint(conn, LOG)
    size = await audit_queries.log_size(conn)
    stored = await audit_queries.checkpoint_at(conn, size)
    assert stored is not None
    checkpoint, _ = open_checkpoint(stored.note, LOG_SIGNER.verifier())
    now = await database_now(conn)
    line = WITNESS.cosign(checkpoint, now).to_line()
    async with conn.transaction():
        await audit.accept_cosignature(conn, size=size, line=line, log_identity=LOG, now=now)
    return size


async def respond_to_record(conn: asyncpg.Connection, template: Template) -> None:
    """One bidder confirms the technical record (its CMS signature), another objects."""
    tender, world = template.scenario.tender, template.scenario.world
    record = await opening_record(conn, tender.id, "1", "technical")
    assert record is not None
    first, second = template.scenario.bidders[:2]
    ident = first.identity
    signature = sign_detached(record.body, ident.certificate, ident.key, chain=ident.chain)
    opening = Opening(
        store=LocalBlobStore(template.data_dir / "blobs"), trust=world.ca.trust_store(),
        signer=load_or_create(template.data_dir / "platform").identity,
        output_root=template.output_root,
    )  # fmt: skip
    await respond(conn, first.actor, tender.id, "1", confirmation=signature, opening=opening)
    await respond(conn, second.actor, tender.id, "1", objection="唱标记录有误", opening=opening)


async def archive_opened_lot(
    conn: asyncpg.Connection, template: Template, log: audit.LogIdentity = LOG
) -> service.Archive:
    """Respond to the record, cosign, end the tender (failed), build its package.
    ``log``: the log key of the app serving the test, when one runs (its checkpoint job
    signs with that key, and the package's checkpoints must be that key's)."""
    tender = template.scenario.tender
    await respond_to_record(conn, template)
    await witness_cosigns(conn)
    await lifecycle.change_status(conn, tender.id, TenderStatus.FAILED, reason="测试：流标")
    return await service.build(conn, tender.id, dataclasses.replace(archiving(template), log=log))


@pytest.fixture(scope="session")
async def archived(pg_server: PgServer, evaluation_template: Template) -> Archived:
    """The opened lot's package, built once per test process."""
    async with clone(pg_server, evaluation_template.name) as database:
        pool = await open_pool(database.app_dsn, min_size=1, max_size=2)
        try:
            async with pool.acquire() as conn:
                built = await archive_opened_lot(
                    cast(asyncpg.Connection, conn), evaluation_template
                )
        finally:
            await pool.close()
    return Archived(
        archive=built,
        signer=load_or_create(evaluation_template.data_dir),
        ca=evaluation_template.scenario.world.ca,
    )
