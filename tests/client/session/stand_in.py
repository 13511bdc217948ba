"""A stand-in of the ``evaluation`` live session kind: only what the member's client
speaks to (snapshot, session.phase, submit_sheet, reveal, report.drafted, sign_report,
refuse_report, dissent), checking what the real kind checks of the client's bytes with
the same functions (signing.sheets, signing.cms), so that ``etender session score``,
``reveal`` and ``sign`` are tested end to end over a real server before the real kind
(evaluation/room, CORE) lands. ``advance`` {phase} and ``draft_report`` {report} are the
test's own levers. State is in memory: one server process per test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts.model import Actor
from live.model import EVERYONE, Command, Emit, LiveSession, user_audience
from signing import cms, sheets
from signing.errors import EtenderError
from signing.trust import TrustStore


class StandInRefused(EtenderError):
    """What the stand-in refuses, with the code a real kind would use."""

    code = "stand_in_refused"


class StandInEvaluation:
    """``evaluation``: everyone signed in takes part; the test moves the phases."""

    name = "evaluation"
    commands = frozenset(
        {"snapshot", "advance", "submit_sheet", "reveal", "draft_report", "sign_report",
         "refuse_report", "dissent"}
    )  # fmt: skip
    events = frozenset(
        {"snapshot", "session.phase", "sheet.submitted", "sheet.revealed", "report.drafted",
         "report.signed", "report.refused", "report.dissent"}
    )  # fmt: skip
    audiences_named: frozenset[str] = frozenset()
    regroup_on: frozenset[str] = frozenset()

    def __init__(self, trust: TrustStore, at: dt.datetime) -> None:
        self.trust, self.at = trust, at
        self.phase = "scoring"
        self.sealed: dict[tuple[str, str], list[dict[str, bytes]]] = {}
        self.revealed: dict[tuple[str, str], bytes] = {}
        self.report = b""
        self.signatures: dict[str, bytes] = {}
        self.version = 0
        self.seats: dict[str, int] = {}  # user → seat, in the order they first asked

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        return frozenset({EVERYONE, user_audience(actor.user_id)})

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        handler = getattr(self, f"_{command.type}")
        emits: list[Emit] = handler(str(actor.user_id), command.data)
        return emits

    def _snapshot(self, user: str, data: dict[str, Any]) -> list[Emit]:
        seat = self.seats.setdefault(user, len(self.seats) + 1)
        view = {"phase": self.phase, "you": {"seat": seat, "generation": 1}}
        return [Emit(kind="snapshot", data=view, audience=f"user:{user}", reply=True)]

    def _advance(self, user: str, data: dict[str, Any]) -> list[Emit]:
        self.phase = str(data["phase"])
        return [Emit(kind="session.phase", data={"phase": self.phase})]

    def _submit_sheet(self, user: str, data: dict[str, Any]) -> list[Emit]:
        phase = data["phase"]
        if self.phase != phase:
            raise StandInRefused(f"not the {phase} phase")
        raw = {
            name: sheets.b64url_decode(data[name], field=name, limit=sheets.MAX_CIPHERTEXT)
            for name in ("commitment", "nonce", "ciphertext", "signature")
        }
        sheets.verify_commitment_signature(raw["commitment"], raw["signature"], self.trust, self.at)
        self.sealed.setdefault((user, phase), []).append(raw)
        return [
            Emit(kind="sheet.submitted", data={"phase": phase, "commitment": data["commitment"]})
        ]

    def _reveal(self, user: str, data: dict[str, Any]) -> list[Emit]:
        phase = data["phase"]
        if self.phase != f"{phase}_reveal":
            raise StandInRefused(f"not the {phase} reveal")
        latest = self.sealed[(user, phase)][-1]
        key = sheets.b64url_decode(data["key"], field="key", size=32, limit=32)
        sheet = sheets.open_sheet(latest["ciphertext"], key, latest["nonce"], latest["commitment"])
        cms.verify_detached(sheet, latest["signature"], self.trust, self.at)
        self.revealed[(user, phase)] = sheet
        return [
            Emit(kind="sheet.revealed", data={"phase": phase, "sheet": sheets.b64url_encode(sheet)})
        ]

    def _draft_report(self, user: str, data: dict[str, Any]) -> list[Emit]:
        self.report, self.version = str(data["report"]).encode(), self.version + 1
        self.phase = "signing"
        sha256 = hashlib.sha256(self.report).hexdigest()
        body = {"sha256": sha256, "version": self.version, "cause": "drafted"}
        return [Emit(kind="report.drafted", data=body)]

    def _sign_report(self, user: str, data: dict[str, Any]) -> list[Emit]:
        if data["sha256"] != hashlib.sha256(self.report).hexdigest():
            raise StandInRefused("not the current report")
        signature = sheets.b64url_decode(data["signature"], field="signature", limit=1 << 16)
        cms.verify_detached(self.report, signature, self.trust, self.at)
        self.signatures[user] = signature
        return [Emit(kind="report.signed", data={"sha256": data["sha256"]})]

    def _refuse_report(self, user: str, data: dict[str, Any]) -> list[Emit]:
        return [Emit(kind="report.refused", data={"reason": data.get("reason")})]

    def _dissent(self, user: str, data: dict[str, Any]) -> list[Emit]:
        return [Emit(kind="report.dissent", data={"text": data["text"]})]

    def route(self) -> Route:
        """``GET /api/v1/evaluations/{id}/report``: the report's exact bytes (WEB's route)."""

        async def report(request: Request) -> Response:
            return Response(self.report, media_type="application/json")

        return Route("/api/v1/evaluations/{session_id}/report", report)
