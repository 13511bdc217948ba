"""``etender demo``'s load: ONE transaction for the database part (issue 15, item 6).

The accounts, the expert pool, and a tender at every stage are written in one
transaction (each service's own transaction becomes a savepoint of it): an error
anywhere leaves no demo row, so the next run starts again from nothing instead of
saying "demo data already loaded" over half of it. The files are written as they are
made, each whole (web/demo/files.py), so that the next run finishes the job: a CA
already in the client folder is used again, the server's trust in it and every key file
are written over. The transaction holds the log's append lock until it commits (a
minute at most): run the demo before serving, as scripts/run does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import asyncpg

from web import logkey
from web.accounts.demo import DemoResult, load_demo
from web.cli.users import operator
from web.demo.files import demo_ca, trust_ca, write_age_keys, write_keys
from web.demo.stages import DemoStages, load_stages
from web.expert_pool.demo import load_demo as load_pool_demo
from web.services import load_id_card_key
from web.settings import Settings


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoLoad:
    """What a run did: nothing (already loaded), or the accounts and the stages."""

    accounts: DemoResult
    stages: DemoStages | None = None


async def load_everything(
    conn: asyncpg.Connection,
    settings: Settings,
    client: Path,
    *,
    deadline_in: dt.timedelta = dt.timedelta(seconds=25),
) -> DemoLoad:
    """Load the whole demo once, all or nothing; a second call changes nothing."""
    async with conn.transaction():
        accounts = await load_demo(conn, operator())
        if not accounts.created:
            return DemoLoad(accounts=accounts)
        ca = demo_ca(client)
        trust_ca(client, settings.data_dir)
        log = logkey.load_or_create(settings)
        pool = await load_pool_demo(
            conn, id_card_key=load_id_card_key(settings.key_root), ca=ca, log=log
        )
        write_keys(client, pool.identities)
        stages = await load_stages(conn, data_dir=settings.data_dir, ca=ca, log=log,
                                   experts=pool.identities, deadline_in=deadline_in)  # fmt: skip
        write_keys(client, stages.keys)
        write_age_keys(client, stages.ages)
    return DemoLoad(accounts=accounts, stages=stages)
