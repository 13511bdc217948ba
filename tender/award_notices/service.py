"""Issuing the award and result notices at the award, and reading them (Law 45).

``issue`` runs in the award's transaction (tender/results calls it when a lot gets its
current award): the winner's award notice (中标通知书) and a result notice
(中标结果通知书) to every other bidder of the lot whose bid was opened, each a PDF
rendered from stored facts, signed CMS detached by the platform's signing identity
(the one that signs receipts and the opening record), stored, and their SHA-256s
logged in one ``tender.award_notices_issued`` entry. After a drop-out (Reg. 55) the
next award issues a new set and the earlier one is marked superseded.

Reading is per object (DESIGN.md, "Interfaces"): a notice is seen by its addressee's
organisation, the tender's agency, centre staff and the supervising department;
anyone else is told it does not exist (``award_notice_not_found``, as for a wrong id).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from signing.canonical import sha256_hex
from signing.certs import Identity
from signing.cms import sign_detached
from tender import access
from tender.award_notices import queries
from tender.award_notices.errors import AwardNoticeNoCurrentAward, AwardNoticeNotFound
from tender.award_notices.model import (
    AwardNoticeData,
    CurrentAward,
    Notice,
    NoticeKind,
    OpenedBid,
    Party,
    addressees,
)
from tender.errors import TimeNotAware
from tender.events import TenderEvent
from tender.lifecycle import PLATFORM, append, load
from tender.model import Tender

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class NoticeSigner:
    """What issuing needs from the platform: its signing identity, the PDF renderer
    (web/pdf/award_notice.py: tender may not import web) and the issuing centre's name."""

    identity: Identity
    render: Callable[[AwardNoticeData], bytes]
    issuer: str


def _party(bid: OpenedBid) -> Party:
    return Party(name=bid.name, credit_code=bid.credit_code)


async def _data(
    conn: asyncpg.Connection,
    tender: Tender,
    lot: str,
    award: CurrentAward,
    decided_at: datetime,
    issuer: str,
) -> Callable[[UUID, OpenedBid, NoticeKind, OpenedBid], AwardNoticeData]:
    """A builder of each notice's data: everything but the addressee is the award's."""
    content = tender.content
    lot_title = next((x.title for x in content.lots if x.number == lot), "")
    names = await queries.organisation_names(conn, [content.tenderer_id, tender.agency_id])

    def build(
        notice_id: UUID, to: OpenedBid, kind: NoticeKind, winner: OpenedBid
    ) -> AwardNoticeData:
        return AwardNoticeData(
            notice_id=str(notice_id), kind=kind, tender_code=tender.code or "",
            tender_title=content.title, lot=lot, lot_title=lot_title,
            tenderer=names.get(content.tenderer_id, ""), agency=names.get(tender.agency_id, ""),
            centre=issuer, addressee=_party(to), winner=_party(winner), award_step=award.step,
            winner_rank=award.rank, opening_fields=content.opening_fields,
            winning_fields=winner.fields, decided_at=decided_at, reason=award.reason,
        )  # fmt: skip

    return build


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class _Made:
    """One notice rendered and signed, not yet stored."""

    id: UUID
    to: OpenedBid
    kind: NoticeKind
    pdf: bytes
    signature: bytes


def _signed(signer: NoticeSigner, data: AwardNoticeData) -> tuple[bytes, bytes]:
    pdf = signer.render(data)
    identity = signer.identity
    return pdf, sign_detached(pdf, identity.certificate, identity.key, chain=identity.chain)


async def _log(
    conn: asyncpg.Connection,
    tender_id: UUID,
    lot: str,
    award: CurrentAward,
    made: list[_Made],
    superseded: list[UUID],
) -> int:
    """One entry for the award's set: each notice by the SHA-256 of its PDF and signature."""
    notices = [
        {"id": str(m.id), "kind": str(m.kind), "bidder": m.to.credit_code,
         "pdf_sha256": sha256_hex(m.pdf), "signature_sha256": sha256_hex(m.signature)}
        for m in made
    ]  # fmt: skip
    data = {
        "lot": lot,
        "award_id": str(award.id),
        "award_step": award.step,
        "notices": notices,
        "superseded": [str(x) for x in superseded],
    }
    return await append(
        conn, TenderEvent.AWARD_NOTICES_ISSUED, tender_id, actor=PLATFORM, data=data
    )


async def _store(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, award: CurrentAward, made: list[_Made],
    decided_at: datetime, index: int,
) -> list[Notice]:  # fmt: skip
    notices = []
    for m in made:
        notice = Notice(
            id=m.id, tender_id=tender_id, lot=lot, award_id=award.id, kind=m.kind,
            bid_id=m.to.bid_id, organisation_id=m.to.organisation_id,
            pdf_sha256=sha256_hex(m.pdf), issued_at=decided_at, log_index=index,
        )  # fmt: skip
        await queries.insert(conn, notice, m.pdf, m.signature)
        notices.append(notice)
    return notices


async def issue(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    lot: str,
    decided_at: datetime,
    signer: NoticeSigner,
) -> list[Notice]:
    """Issue the notices of the lot's current award, in the caller's transaction.

    Idempotent per award: a second call returns the notices already issued.
    """
    if decided_at.tzinfo is None or decided_at.utcoffset() is None:
        raise TimeNotAware("decided_at must carry a time zone")
    async with conn.transaction():  # the award's transaction: a savepoint within it
        award = await queries.current_award(conn, tender_id, lot)
        if award is None:
            raise AwardNoticeNoCurrentAward(f"lot {lot} has no current award")
        if done := await queries.of_award(conn, award.id):
            return done
        opened = await queries.opened_bids(conn, tender_id, lot)
        winner = next((b for b in opened if b.bid_id == award.bid_id), None)
        if winner is None:
            raise AwardNoticeNoCurrentAward("the awarded bid was not opened in this lot")
        tender = await load(conn, tender_id)
        build = await _data(conn, tender, lot, award, decided_at, signer.issuer)
        made = []
        for to, kind in addressees(award.bid_id, opened):
            notice_id = uuid.uuid4()
            # STYLE.md 4: rendering and signing are CPU work, off the event loop.
            pdf, sig = await asyncio.to_thread(_signed, signer, build(notice_id, to, kind, winner))
            made.append(_Made(id=notice_id, to=to, kind=kind, pdf=pdf, signature=sig))
        superseded = await queries.supersede(conn, tender_id, lot, decided_at, award.id)
        index = await _log(conn, tender_id, lot, award, made, superseded)
        notices = await _store(conn, tender_id, lot, award, made, decided_at, index)
    log.info("tender.award_notices_issued tender=%s lot=%s count=%d", tender_id, lot, len(notices))
    return notices


# --- reading ----------------------------------------------------------------------------


def _entitled(actor: Actor, tender: Tender, notice: Notice) -> bool:
    """The addressee's organisation, the agency, centre staff, the supervising department."""
    if notice.organisation_id in actor.acting_for(Role.BIDDER):
        return True
    return access.is_agency(actor, tender) or access.is_overseer(actor, tender)


async def notice(conn: asyncpg.Connection, actor: Actor, notice_id: UUID) -> Notice:
    """One notice, if the actor may see it; else ``award_notice_not_found`` (no oracle)."""
    found = await queries.one(conn, notice_id)
    if found is None or not _entitled(actor, await load(conn, found.tender_id), found):
        raise AwardNoticeNotFound("no award notice has this id")
    return found


async def notice_files(
    conn: asyncpg.Connection, actor: Actor, notice_id: UUID
) -> tuple[Notice, bytes, bytes]:
    """A notice with its PDF and detached signature, if the actor may see it."""
    found = await notice(conn, actor, notice_id)
    pdf, signature = await queries.files(conn, found.id)
    return found, pdf, signature


async def my_notices(conn: asyncpg.Connection, actor: Actor) -> list[Notice]:
    """Notices addressed to the organisations the actor bids for, newest first."""
    if not actor.has_role(Role.BIDDER):
        return []
    return await queries.of_organisations(conn, sorted(actor.acting_for(Role.BIDDER)))


async def tender_notices(conn: asyncpg.Connection, actor: Actor, tender_id: UUID) -> list[Notice]:
    """Every notice of a tender: its agency, centre staff and the supervising department
    see all; a bidder sees its own; anyone else none (a tender's notices are not public)."""
    tender = await load(conn, tender_id)
    access.hide_draft(actor, tender)  # a draft answers outsiders like an unknown id
    found = await queries.of_tender(conn, tender_id)
    return [n for n in found if _entitled(actor, tender, n)]
