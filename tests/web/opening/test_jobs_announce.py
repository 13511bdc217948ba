"""The opening settle job's announcement (web/opening/jobs.py): a record published by
a process that stopped before telling the hall is announced by the next run, once.

It runs on a clone of the opened evaluation lot (tests/evaluation/template.py): its
officials released through the service, as a route would before its announcement."""

from __future__ import annotations

from typing import cast

import asyncpg

from tender.opening.publication import opening_record
from tests.evaluation.kit import scenario_database
from tests.evaluation.template import Template
from tests.web.opening.test_jobs import hall_events
from web.opening.jobs import announce_missed

__all__ = ["scenario_database"]


async def test_a_record_the_hall_never_heard_of_is_announced_once(
    pool: asyncpg.Pool, evaluation_template: Template
) -> None:
    """A process that stops between publishing a record and announcing it (唱标): the next
    run of the job announces it, once; the runs after change nothing."""
    done = evaluation_template.scenario
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        record = await opening_record(conn, done.tender.id, "1", "technical")
        assert await hall_events(conn, done.tender) == []
        assert await announce_missed(conn) == [f"{done.tender.id}/1"]
        events = await hall_events(conn, done.tender)
        assert [(e.kind, e.data["record"]) for e in events] == [
            ("record.announced", record.body.decode())
        ]
        assert await announce_missed(conn) == []
        assert len(await hall_events(conn, done.tender)) == 1
