"""Gather a tender's records into an archive's :class:`Contents` (docs/formats/archive.md).

Each function adds one stage's files, each signed file with its CMS signature and the
time it is checked as of (DESIGN.md, "Signatures": a signature counts as of its time,
so a certificate revoked later does not undo it):

- the notice: the published draft as canonical JSON (its SHA-256 is the
  ``notice_sha256`` the ``tender.published`` entry logged);
- every published version of every tender document;
- bid submit and withdraw statements (as of their receipt time) and the platform's
  receipts; the opening officials' recipient statements (as of publication) and the
  recipient statements of everyone who signed;
- the opening records (platform, as of their publication);
- per evaluation session: every report version, each member's signature (as of its
  signing), who signed, refusals, dissents, the hand-over, supervisors' notes — what
  identifies the committee only once the award published the session's draw;
- supervision records, each in the folder of the tender, opening or session it is
  attached to (docs/api-supervision-records.md);
- clarifications, objections and the later stages' tables that exist
  (queries.STAGE_TABLES), as rows;
- the trust: the platform's CA roots, intermediates and CRLs, and the platform's own CA.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from uuid import UUID

import asyncpg
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.canonical import canonical_json, sha256_hex
from signing.certs import cert_sha256, dump_pem_certificate
from signing.log.entry import format_time
from signing.trust import TrustStore
from tender.archive import queries, session_queries
from tender.archive.errors import ArchiveReceiptsPending
from tender.archive.model import Contents
from tender.blobs.store import LocalBlobStore
from tender.model import Tender
from tender.service import draft_json

# The bytes a supervisor signs for a note (evaluation/notes/model.py ``note_form``,
# docs/formats/evaluation-session.md): rebuilt here, checked against the stored hash.
NOTE_FORMAT = "etender-supervision-note-v1"


async def add_notice(conn: asyncpg.Connection, contents: Contents, tender: Tender) -> None:
    """The notice as published: canonical JSON of the draft (tender/service.draft_json),
    with the deadline it had then if a clarification has moved it since (Reg. 21)."""
    draft = tender.content
    published = await queries.published_deadline(conn, tender.id)
    if published is not None:
        schedule = dataclasses.replace(draft.schedule, deadline=published)
        draft = dataclasses.replace(draft, schedule=schedule)
    contents.add_json("notice/notice.json", draft_json(draft), "notice",
                      "the published tender notice (canonical JSON; its SHA-256 is the "
                      "notice_sha256 of the tender.published log entry)")  # fmt: skip
    contents.add_json("notice/tender.json", {
        "id": str(tender.id), "code": tender.code, "status": str(tender.status),
        "lots": {number: str(lot_id) for number, lot_id in sorted(tender.lot_ids.items())},
    }, "tender", "the tender's identity, status before archiving and lot ids")  # fmt: skip


async def _blob(store: LocalBlobStore, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(sha256)])


async def add_documents(
    conn: asyncpg.Connection, contents: Contents, tender_id: UUID, store: LocalBlobStore
) -> None:
    """Every published document version (bytes from the blob store) and an index."""
    listing = []
    for row in await queries.documents(conn, tender_id):
        path = f"documents/{row['document_id']}/v{row['version']:03d}"
        contents.add(path, await _blob(store, row["sha256"]), "document",
                     f"tender document {row['name']!r} version {row['version']} "
                     f"({row['media_type']})")  # fmt: skip
        listing.append({"path": path, "name": row["name"], "version": row["version"],
                        "media_type": row["media_type"], "sha256": row["sha256"]})  # fmt: skip
    if listing:
        contents.add_json("documents/index.json", listing, "document_index",
                          "which document and version each file is")  # fmt: skip


async def add_statements(conn: asyncpg.Connection, contents: Contents, tender: Tender) -> None:
    """Bid statements with receipts, officials' statements, signers' recipient statements."""
    signers: set[UUID] = set()
    versions = await queries.bid_versions(conn, tender.id)
    pending = [r for r in versions if r["receipt"] is None]
    if pending:  # signed after the entry's integration (upload.md §3.3): not yet
        raise ArchiveReceiptsPending(
            "a bid version's receipt is still being issued: build again in a moment",
            details={"pending": len(pending)},
        )
    for row in versions:
        base = f"bids/lot-{row['lot']}/{row['bid_id']}/v{row['version']:03d}"
        signers.add(row["submitted_by"])
        contents.add_signed(f"{base}.{row['kind']}.json", bytes(row["statement"]),
                            bytes(row["signature"]), kind=f"{row['kind']}_statement",
                            about=f"the bidder's signed {row['kind']} statement",
                            at=row["received_at"])  # fmt: skip
        contents.add_signed(f"{base}.receipt.json", bytes(row["receipt"]),
                            bytes(row["receipt_signature"]), kind="receipt",
                            about=f"the platform's receipt (log entry {row['log_index']})",
                            at=row["received_at"], platform=True)  # fmt: skip
    assert tender.published_at is not None  # only ended tenders are archived
    for row in await queries.officials(conn, tender.id):
        signers.add(row["user_id"])
        contents.add_signed(f"opening/lot-{row['lot']}/officials/x{row['x']:02d}.json",
                            bytes(row["statement_body"]), bytes(row["statement_signature"]),
                            kind="official_statement",
                            about=f"opening official x={row['x']}'s signed recipient statement",
                            at=tender.published_at)  # fmt: skip
    for row in await queries.recipients(conn, sorted(signers)):
        contents.add_signed(f"keys/recipients/{row['id']}.json", bytes(row["statement"]),
                            bytes(row["signature"]), kind="recipient_statement",
                            about="a signer's registered recipient statement (accounts/keys)",
                            at=row["registered_at"])  # fmt: skip


async def add_opening(conn: asyncpg.Connection, contents: Contents, tender_id: UUID) -> None:
    """The opening records the platform signed, the bidders' signed confirmations of
    them (as of their time) and their objections with the answers."""
    for row in await queries.opening_records(conn, tender_id):
        contents.add_signed(f"opening/lot-{row['lot']}/record-{row['part']}.json",
                            bytes(row["body"]), bytes(row["signature"]), kind="opening_record",
                            about=f"opening record of lot {row['lot']}, {row['part']} part",
                            at=row["published_at"], platform=True)  # fmt: skip
    listed: dict[str, list[dict[str, object]]] = {}
    for row in await queries.opening_responses(conn, tender_id):
        record = f"opening/lot-{row['lot']}/record-{row['part']}.json"
        signature = None
        if row["signature"] is not None:
            signature = f"{record}.confirm-{row['id']}.p7s"
            contents.add_signature(signature, record, bytes(row["signature"]),
                                   at=row["created_at"])  # fmt: skip
        listed.setdefault(f"opening/lot-{row['lot']}/responses-{row['part']}.json", []).append({
            "id": str(row["id"]), "bidder_id": str(row["bidder_id"]), "kind": row["kind"],
            "signature": signature, "objection": row["objection"], "answer": row["answer"],
            "created_at": format_time(row["created_at"]),
            "answered_at": row["answered_at"] and format_time(row["answered_at"]),
        })  # fmt: skip
    for path, responses in listed.items():
        contents.add_json(path, responses, "opening_responses",
                          "bidders' confirmations (signature files) and objections")  # fmt: skip


async def add_evaluation(
    conn: asyncpg.Connection, contents: Contents, tender_id: UUID
) -> list[str]:
    """Each session's report versions, signatures, records and notes; returns session ids."""
    ids = []
    for session in await queries.sessions(conn, tender_id):
        sid = session["id"]
        ids.append(str(sid))
        base = f"evaluation/lot-{session['lot']}-{session['attempt']:02d}"
        for report in await queries.reports(conn, sid):
            version = report["version"]
            contents.add(f"{base}/report-v{version:03d}.json", bytes(report["body"]),
                         "evaluation_report", f"evaluation report version {version}")  # fmt: skip
        # Until the award publishes the draw its committee is secret (docs/formats/
        # draw.md §13) and the agency reads the package: a member's signature carries
        # the certificate that names the expert, so the seats' signatures wait for it.
        sealed = not await session_queries.draw_published(conn, session["draw_id"])
        for sig in [] if sealed else await queries.report_signatures(conn, sid):
            content = f"{base}/report-v{sig['version']:03d}.json"
            contents.add_signature(f"{content}.seat-{sig['seat']:02d}.p7s", content,
                                   bytes(sig["signature"]), at=sig["signed_at"])  # fmt: skip
        rows = await session_queries.session_rows(conn, sid, sealed=sealed)
        contents.add_json(f"{base}/session.json",
                          {"session": str(sid), "draw": session["draw_id"], **rows},
                          "evaluation_records", "who signed each report version, refusals, "
                          "dissents and the hand-over, as rows")  # fmt: skip
        for note in await queries.notes(conn, sid):
            body = canonical_json({"format": NOTE_FORMAT, "session": str(sid),
                                   "note": str(note["id"]), "text": note["text"]})  # fmt: skip
            contents.add_signed(f"{base}/notes/{note['id']}.json", body, bytes(note["signature"]),
                                kind="supervisor_note", about="a supervisor's signed note",
                                at=note["noted_at"])  # fmt: skip
    return ids


async def add_supervision(conn: asyncpg.Connection, contents: Contents, tender_id: UUID) -> None:
    """Each supervision record (监督记录) as its supervisor signed it, in the folder of
    what it is attached to: its own file, never inside another party's signed one."""
    for row in await queries.supervision_records(conn, tender_id):
        attached, lot = row["attached"], row["lot"]
        if attached == "evaluation":
            folder = f"evaluation/lot-{lot}-{row['attempt']:02d}/supervision"
        elif attached == "opening":
            folder = f"opening/lot-{lot}/supervision"
        else:
            folder = "supervision"
        contents.add_signed(f"{folder}/{row['id']}.json", bytes(row["statement"]),
                            bytes(row["signature"]), kind="supervision_record",
                            about=f"a supervisor's signed record on the {row['attached']}",
                            at=row["recorded_at"])  # fmt: skip


async def add_stages(conn: asyncpg.Connection, contents: Contents, tender_id: UUID) -> None:
    """The later stages' records (publicity, objections, award, notices, contract) as
    rows, and each award or result notice's PDF with the platform's signature."""
    for row in await queries.award_notices(conn, tender_id):
        contents.add_signed(f"notices/lot-{row['lot']}/{row['kind']}-{row['id']}.pdf",
                            bytes(row["pdf"]), bytes(row["signature"]), kind="award_notice",
                            about=f"the {row['kind']} notice of lot {row['lot']} (PDF)",
                            at=row["issued_at"], platform=True)  # fmt: skip
    for table, rows in (await queries.stage_rows(conn, tender_id)).items():
        contents.add_json(f"records/{table.replace('_', '-')}.json", rows, "table_rows",
                          f"the tender's rows of table {table}")  # fmt: skip


def add_trust(
    contents: Contents, trust: TrustStore | None, platform_roots: Sequence[x509.Certificate]
) -> None:
    """The CA certificates and CRLs signatures are checked against, and the platform's CA."""
    for cert in (*trust.roots, *trust.intermediates) if trust else ():
        contents.add(f"trust/{cert_sha256(cert)[:16]}.pem", dump_pem_certificate(cert),
                     "ca_certificate", "a CA certificate of the trust store")  # fmt: skip
    for crl in trust.crls if trust else ():
        der = crl.public_bytes(serialization.Encoding.DER)
        contents.add(f"trust/{sha256_hex(der)[:16]}.crl", der, "crl",
                     "a CRL of the platform's trust store (DER)")  # fmt: skip
    for cert in platform_roots:
        pem = dump_pem_certificate(cert)
        contents.add(f"platform/{sha256_hex(pem)[:16]}.pem", pem, "platform_ca",
                     "the CA of the platform's own signing identity")  # fmt: skip
