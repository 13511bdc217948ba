"""The session core's and the report's use cases, as the evaluation routes reach them.

Issue 11 builds the session (``evaluation.sessions.service``: schedule, load, the
listings) and the report (``evaluation.report.service``) beside this web layer. The
routes call them only through :data:`CORE` and :data:`REPORTS`, typed by the protocols
below, so the contract sits in one place; the modules are imported when first called.
Tests of the routes hand in their own sessions (tests/web/evaluation/kit.py) until
the core's test world replaces them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import asyncpg

from accounts.model import Actor
from evaluation.model import SessionState


class SessionCore(Protocol):
    """What the routes need of evaluation/sessions (EVAL_PLAN.md, "The session")."""

    async def load(
        self, conn: asyncpg.Connection, session_id: UUID, *, lock: bool = False
    ) -> SessionState:
        """The session (``lock``: under its row lock, to the transaction's end)."""

    async def for_lot(
        self, conn: asyncpg.Connection, tender_id: UUID, lot: str
    ) -> list[SessionState]:
        """Every session (attempt) of a tender's lot, first attempt first."""

    async def of_member(self, conn: asyncpg.Connection, user_id: UUID) -> list[SessionState]:
        """The sessions in which the user holds or held a seat."""

    async def schedule(
        self,
        conn: asyncpg.Connection,
        actor: Actor,
        tender_id: UUID,
        lot: str,
        *,
        main_venue_id: str,
        representatives: Sequence[UUID],
        starts_at: datetime,
    ) -> SessionState:
        """Centre staff schedule the lot's session (its draw complete, record published)."""


class Reports(Protocol):
    """What the routes need of evaluation/report: the report's bytes for a reader."""

    async def report_json(
        self, conn: asyncpg.Connection, actor: Actor, state: SessionState
    ) -> bytes:
        """The report as RFC 8785 JSON (docs/formats/evaluation-report.md)."""

    async def report_pdf(
        self, conn: asyncpg.Connection, actor: Actor, state: SessionState
    ) -> bytes:
        """The report as the Chinese PDF."""


def _module(name: str) -> Any:
    return importlib.import_module(name)


class _Core:
    """evaluation.sessions.service."""

    async def load(
        self, conn: asyncpg.Connection, session_id: UUID, *, lock: bool = False
    ) -> SessionState:
        found: SessionState = await _module("evaluation.sessions.service").load(
            conn, session_id, lock=lock
        )
        return found

    async def for_lot(
        self, conn: asyncpg.Connection, tender_id: UUID, lot: str
    ) -> list[SessionState]:
        found: list[SessionState] = await _module("evaluation.sessions.service").for_lot(
            conn, tender_id, lot
        )
        return found

    async def of_member(self, conn: asyncpg.Connection, user_id: UUID) -> list[SessionState]:
        found: list[SessionState] = await _module("evaluation.sessions.service").of_member(
            conn, user_id
        )
        return found

    async def schedule(
        self,
        conn: asyncpg.Connection,
        actor: Actor,
        tender_id: UUID,
        lot: str,
        *,
        main_venue_id: str,
        representatives: Sequence[UUID],
        starts_at: datetime,
    ) -> SessionState:
        found: SessionState = await _module("evaluation.sessions.service").schedule(
            conn, actor, tender_id, lot, main_venue_id=main_venue_id,
            representatives=list(representatives), starts_at=starts_at,
        )  # fmt: skip
        return found


class _Reports:
    """evaluation.report.service."""

    async def report_json(
        self, conn: asyncpg.Connection, actor: Actor, state: SessionState
    ) -> bytes:
        body: bytes = await _module("evaluation.report.service").report_json(conn, actor, state)
        return body

    async def report_pdf(
        self, conn: asyncpg.Connection, actor: Actor, state: SessionState
    ) -> bytes:
        body: bytes = await _module("evaluation.report.service").report_pdf(conn, actor, state)
        return body


CORE: SessionCore = _Core()
REPORTS: Reports = _Reports()
