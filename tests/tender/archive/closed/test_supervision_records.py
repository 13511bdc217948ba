"""Supervision records go into the project archive (issue 14, item 3): each as its
supervisor signed it, in the folder of the tender, opening or session it is attached
to, its signature checked as of its filing — and ``etender archive verify`` passes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import asyncpg

from signing.archive.package import read_package
from signing.archive.verify import verify_package
from supervision.records import service as records
from supervision.records.model import Attached, Attachment
from tender import lifecycle
from tender.archive import service
from tender.blobs.store import LocalBlobStore
from tender.model import TenderStatus
from tender.queries import database_now
from tender.submission.receipts import load_or_create
from tests.supervision.records.kit import signed, supervisor_key
from tests.tender.archive.kit import LOG, witness_cosigns
from tests.tender.results.kit import Closed


async def _verify_offline(tmp_path: Path, package: bytes) -> int:
    """``etender archive verify`` as an auditor runs it: another process, offline."""
    (tmp_path / "archive.tar").write_bytes(package)
    argv = [sys.executable, "-m", "client.archive", "verify", str(tmp_path / "archive.tar")]
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    print(out.decode(), err.decode())  # shown when the test fails
    assert proc.returncode is not None
    return proc.returncode


async def test_supervision_records_are_archived_where_attached_and_verify(
    conn: asyncpg.Connection, closed: Closed, tmp_path: Path
) -> None:
    session = await conn.fetchval(
        "SELECT id FROM evaluation_sessions WHERE tender_id = $1", closed.tender_id
    )
    key = await supervisor_key(conn, closed.ca, closed.supervisor.user_id)
    attachments = {
        "supervision": Attachment(attached=Attached.TENDER),
        f"opening/lot-{closed.lot}/supervision": Attachment(
            attached=Attached.OPENING, lot=closed.lot
        ),
        f"evaluation/lot-{closed.lot}-01/supervision": Attachment(
            attached=Attached.EVALUATION, lot=closed.lot, session_id=session
        ),
    }
    filed = {}
    for folder, at in attachments.items():
        data = signed(
            key, tender=closed.tender_id, attachment=at, department=closed.department_id,
            supervisor=closed.supervisor.user_id, text=f"监督记录：{folder}",
        )  # fmt: skip
        record = await records.file_record(
            conn, closed.supervisor, closed.tender_id, at, statement=data["statement"],
            signature=data["signature"], trust=closed.ca.trust_store(),
            now=await database_now(conn),
        )  # fmt: skip
        filed[f"{folder}/{record.id}.json"] = data
    data_dir = closed.template.data_dir
    ctx = service.Archiving(
        trust=closed.ca.trust_store(), platform=load_or_create(data_dir), log=LOG,
        blobs=LocalBlobStore(data_dir / "blobs"),
        platform_roots=(load_or_create(data_dir / "platform").root,),
    )  # fmt: skip
    await witness_cosigns(conn)
    await lifecycle.change_status(conn, closed.tender_id, TenderStatus.FAILED, reason="测试")
    built = await service.build(conn, closed.tender_id, ctx)
    verified = verify_package(built.package)
    kinds = {f.path: f.kind for f in verified.manifest.files}
    assert {p for p, k in kinds.items() if k == "supervision_record"} == set(filed)
    members = read_package(built.package)
    for path, data in filed.items():
        assert (members[path], members[path + ".p7s"]) == (data["statement"], data["signature"])
    checked = {s.content for s in verified.manifest.signatures if s.trust == "parties"}
    assert set(filed) <= checked
    # The records are their own files: no other member holds their text.
    texts = [f"监督记录：{folder}".encode() for folder in attachments]
    others = [body for path, body in members.items() if path not in filed]
    assert not any(text in body for text in texts for body in others)
    assert await _verify_offline(tmp_path, built.package) == 0
