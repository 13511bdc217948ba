"""Reading a session's report: who may, what each sees, and re-checking every signature.

docs/formats/evaluation-report.md §5. Three views of the current version:

- ``staff`` — centre staff and supervisors of the tender's department: everything,
  with the members' signatures and the sealed name list (seat → name, certificate,
  salt), which is what lets them recompute each seat's commitment;
- ``committee`` — the session's members: the report and every signature (a signature
  embeds its signer's certificate, so it names the member: the committee's own view
  may, EVAL_PLAN.md "Audiences");
- ``public`` — the tender's agency and tenderer, once the session has closed: the
  report and how each seat answered, without signatures or names (两随机、四不知 until
  the award; the results issue reveals them).

Anyone else is told there is no report (a stranger does not learn the session has one).
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import enum
from typing import Any
from uuid import UUID

import asyncpg
from cryptography import x509

from accounts.errors import PermissionDenied
from accounts.model import Actor
from accounts.users.service import get_user
from evaluation.report import queries
from evaluation.report.errors import ReportNotFound
from evaluation.report.model import certificate_commitment, parse_report
from evaluation.report.pdf import SealedName, SeatAnswer, render_report
from evaluation.report.queries import Answer, StoredReport
from signing.certs import cert_sha256
from signing.cms import verify_detached
from signing.errors import SigningError
from signing.log.entry import format_time
from signing.trust import TrustStore
from tender.access import is_agency, is_overseer, is_tenderer
from tender.lifecycle import load


class View(enum.StrEnum):
    """What a reader of the report sees."""

    STAFF = "staff"
    COMMITTEE = "committee"
    PUBLIC = "public"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SeatCheck:
    """The re-check of one seat's answer to the current version."""

    seat: int
    status: str  # signed | refused | pending
    valid: bool | None  # signed: whether the signature holds; otherwise None
    code: str | None = None  # why it does not hold


async def _readable(
    conn: asyncpg.Connection, actor: Actor, session_id: UUID
) -> tuple[StoredReport, View]:
    report = await queries.current_report(conn, session_id)
    if report is None:
        raise ReportNotFound("the session has no report")
    tender = await load(conn, UUID(parse_report(report.body)["tender"]["id"]))
    if is_overseer(actor, tender):
        return report, View.STAFF
    if actor.user_id in await queries.member_users(conn, session_id):
        return report, View.COMMITTEE
    if is_agency(actor, tender) or is_tenderer(actor, tender):
        if await queries.result(conn, session_id) is None:
            raise PermissionDenied("the tender's agency and tenderer read the report once signed")
        return report, View.PUBLIC
    raise ReportNotFound("the session has no report")


def _answers(report: StoredReport, seats: list[int], found: list[Answer]) -> list[SeatAnswer]:
    by_seat = {a.seat: a for a in found}
    out = []
    for seat in seats:
        a = by_seat.get(seat)
        if a is None:
            out.append(SeatAnswer(seat=seat, status="pending"))
            continue
        out.append(
            SeatAnswer(
                seat=seat,
                status="signed" if a.signed else "refused",
                at=format_time(a.at),
                reason=a.reason,
                counted_as_agreement=a.counted_as_agreement,
            )
        )
    return out


async def report_body(conn: asyncpg.Connection, actor: Actor, session_id: UUID) -> bytes:
    """The exact bytes the members sign (for ``openssl cms -verify -content``)."""
    report, _ = await _readable(conn, actor, session_id)
    return report.body


async def report_json(conn: asyncpg.Connection, actor: Actor, session_id: UUID) -> dict[str, Any]:
    """The current version with its answers, as the reader's view allows (§5)."""
    report, view = await _readable(conn, actor, session_id)
    body = parse_report(report.body)
    found = await queries.answers(conn, session_id, report.version)
    seats = [m["seat"] for m in body["members"]]
    answers = []
    for seat_answer, stored in zip(
        _answers(report, seats, found), _by_seats(seats, found), strict=True
    ):
        item = dataclasses.asdict(seat_answer)
        if view is not View.PUBLIC and stored is not None and stored.signature is not None:
            item["signature"] = base64.urlsafe_b64encode(stored.signature).rstrip(b"=").decode()
        answers.append(item)
    out: dict[str, Any] = {
        "view": str(view),
        "sha256": report.sha256,
        "version": report.version,
        "closed": await queries.result(conn, session_id) is not None,
        "report": body,
        "answers": answers,
    }
    if view is View.STAFF:
        out["sealed_members"] = await _sealed_list(conn, report)
    return out


def _by_seats(seats: list[int], found: list[Answer]) -> list[Answer | None]:
    by_seat = {a.seat: a for a in found}
    return [by_seat.get(seat) for seat in seats]


async def _sealed_list(conn: asyncpg.Connection, report: StoredReport) -> list[dict[str, Any]]:
    out = []
    for m in await queries.sealed_members(conn, report.session_id, report.version):
        user = await get_user(conn, m.user_id)
        out.append(
            {
                "seat": m.seat,
                "generation": m.generation,
                "user_id": str(m.user_id),
                "name": user.display_name,
                "cert_sha256": m.cert_sha256,
                "salt": m.salt.hex(),
            }
        )
    return out


async def report_pdf(conn: asyncpg.Connection, actor: Actor, session_id: UUID) -> bytes:
    """The current version as a Chinese PDF (staff's copy with the sealed name list)."""
    report, view = await _readable(conn, actor, session_id)
    body = parse_report(report.body)
    found = await queries.answers(conn, session_id, report.version)
    answers = _answers(report, [m["seat"] for m in body["members"]], found)
    names = None
    if view is View.STAFF:
        names = [
            SealedName(seat=m["seat"], name=m["name"], cert_sha256=m["cert_sha256"])
            for m in await _sealed_list(conn, report)
        ]
    # STYLE.md 4: rendering is CPU-heavy and sans-I/O; off the event loop.
    return await asyncio.to_thread(render_report, body, report.sha256, answers, names)


async def verify_report(
    conn: asyncpg.Connection, actor: Actor, session_id: UUID, trust: TrustStore
) -> list[SeatCheck]:
    """Re-check every signature of the current version: the CMS over the exact bytes as
    of its time, the signer being the certificate the sealed list holds for the seat,
    and the report's commitment for the seat opening to that certificate."""
    report, _ = await _readable(conn, actor, session_id)
    body = parse_report(report.body)
    sealed = {m.seat: m for m in await queries.sealed_members(conn, session_id, report.version)}
    stated = {m["seat"]: m["certificate"] for m in body["members"]}
    found = {a.seat: a for a in await queries.answers(conn, session_id, report.version)}
    checks = []
    for seat in sorted(stated):
        answer = found.get(seat)
        if answer is None or answer.signature is None:
            status = "pending" if answer is None else "refused"
            checks.append(SeatCheck(seat=seat, status=status, valid=None))
            continue
        code = _check(report.body, answer, sealed[seat].cert_sha256, trust)
        if (
            code is None
            and certificate_commitment(sealed[seat].cert_sha256, sealed[seat].salt) != stated[seat]
        ):
            code = "evaluation_report_commitment_mismatch"
        checks.append(SeatCheck(seat=seat, status="signed", valid=code is None, code=code))
    return checks


def _check(body: bytes, answer: Answer, expected: str, trust: TrustStore) -> str | None:
    assert answer.signature is not None
    try:
        info = verify_detached(body, answer.signature, trust, answer.at)
    except SigningError as exc:
        return exc.code
    signer: x509.Certificate = info.certificate
    return None if cert_sha256(signer) == expected else "evaluation_report_signer_mismatch"
