"""The demo's tenders, one at each stage a newcomer should see at once (issue 15, item 6).

Open for bids (its deadline twenty days away), opening today (its deadline later today,
Beijing time), in evaluation (web/evaluation/demo.py: opened, its committee drawn, the
session scheduled in two hours), candidates published (opened, evaluated to the signed
report, its candidates' publicity running) and awarded (the same, its publicity run out
after a second — DEMO ONLY policy — and the first-ranked candidate awarded with its
notices). Every step goes through the services, as the users' clients would (the demo
holds their demo keys); the three tenders that open share one real deadline wait.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.organisations import queries as organisation_queries
from audit.service import LogIdentity
from procurement.model import Method
from signing.age import X25519Identity
from signing.certs import Identity
from signing.demo_ca import DemoCA
from tender.award_notices.service import NoticeSigner
from tender.model import Tender
from tender.queries import database_now
from tender.results import award, publicity
from web.accounts.demo import credit_codes
from web.demo.closing import close_session
from web.demo.connection import OneConnection
from web.demo.listing import load_listing
from web.demo.procurement import DemoProject, negotiate, publish_projects
from web.evaluation.demo import (
    DemoEvaluation,
    committee_for,
    in_evaluation,
    in_two_hours,
    register_experts,
)
from web.evaluation.demo_opening import (
    DEMO_POLICIES,
    TITLE,
    Opener,
    open_after_deadline,
    opener,
    publish_demo,
    take_bids,
    wait_until,
)
from web.pdf.award_notice import render_award_notice
from web.tender.common import CENTRE_NAME
from web.tender.results.after_award import after_award_signed_by

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
# The stages in lifecycle order, each with its tender's title.
TITLES: Mapping[str, str] = {
    "open_for_bids": "宣城市宛陵湖公园景观提升工程（投标中演示）",
    "opening_today": "宣城市响山路雨污分流改造工程（今日开标演示）",
    "evaluation": TITLE,
    "candidates": "宣城市梅溪路桥梁维修加固工程（中标候选人公示演示）",
    "awarded": "宣城市鳌峰路人行道改造工程（中标结果演示）",
}
OPENED = ("evaluation", "candidates", "awarded")
# The tenders evaluated for real belong to tenderers of their own (web/accounts/demo.py:
# the pool's 30-day cool-off per tenderer).
OWNERS = {"candidates": "tenderer2", "awarded": "tenderer3"}
# DEMO ONLY: the awarded tender's publicity lasts a second, so the demo can award it.
SHORT_PUBLICITY = DEMO_POLICIES.with_values({"candidates_publicity_days": "1s"})


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Stage:
    """One stage's demo tender."""

    key: str  # a key of TITLES
    tender_id: UUID
    title: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoStages:
    """What the stages' demo created, and the demo keys to hand to the client folder."""

    stages: tuple[Stage, ...]
    evaluation: DemoEvaluation
    keys: Mapping[str, Identity] = dataclasses.field(repr=False)
    ages: Mapping[str, X25519Identity] = dataclasses.field(repr=False)  # the officials'
    listing_id: UUID | None = None  # the demo listing (web/demo/listing.py)
    # One procurement project per method, by method (web/demo/procurement.py).
    projects: tuple[DemoProject, ...] = ()


def bids_until(now: dt.datetime) -> dt.datetime:
    """Twenty days on, at 09:30 Beijing time: open for bids whenever one looks."""
    day = now.astimezone(BEIJING).date() + dt.timedelta(days=20)
    return dt.datetime.combine(day, dt.time(9, 30), BEIJING).astimezone(dt.UTC)


def opening_today(now: dt.datetime) -> dt.datetime:
    """Two hours on, but before midnight Beijing time: a demo loaded at 23:30 opens at
    23:59 (and one loaded in the day's last two minutes, just after midnight)."""
    midnight = dt.datetime.combine(
        now.astimezone(BEIJING).date() + dt.timedelta(days=1), dt.time(0), BEIJING
    )
    at = min(now + dt.timedelta(hours=2), midnight - dt.timedelta(minutes=1))
    # At least a whole minute on: the demo's bids go in before it.
    earliest = now + dt.timedelta(minutes=2)
    return max(at.replace(second=0, microsecond=0), earliest.replace(second=0, microsecond=0))


async def _owner(conn: asyncpg.Connection, key: str) -> UUID | None:
    if key not in OWNERS:
        return None
    found = await organisation_queries.organisation_by_code(conn, credit_codes()[OWNERS[key]])
    assert found is not None
    return found.id


async def _publish_and_award(
    conn: asyncpg.Connection, o: Opener, tender: Tender, *, award_it: bool
) -> None:
    """The agency publishes the lot's candidates; for ``award_it``, once the (short)
    publicity ran out, awards the first-ranked candidate (a state-funded project's)."""
    agency = o.actors["agency"]
    shown = await publicity.publish_candidates(conn, agency, tender.id, "1", setup=o.setup)
    if not award_it:
        return
    await wait_until(conn, shown.ends_at)
    first = shown.body["candidates"][0]
    signer = NoticeSigner(identity=o.sub.signer.identity, render=render_award_notice,
                          issuer=CENTRE_NAME)  # fmt: skip
    await award.award(
        conn, agency, tender.id, "1", bid_id=UUID(first["bid"]),
        reason="排名第一的中标候选人，公示期内无异议。", setup=o.setup,
        after=after_award_signed_by(signer),
    )  # fmt: skip


async def load_stages(
    conn: asyncpg.Connection,
    *,
    data_dir: Path,
    ca: DemoCA,
    log: LogIdentity,
    experts: Mapping[str, Identity],
    deadline_in: dt.timedelta = dt.timedelta(seconds=25),
) -> DemoStages:
    """A tender at every stage and a listing in its listing period (call it inside the
    demo's one transaction)."""
    pool = OneConnection(conn).as_pool()
    o = await opener(conn, data_dir=data_dir, ca=ca, log=log)
    tenders: dict[str, Tender] = {}
    now = (await database_now(conn)).replace(microsecond=0)
    soon = now + deadline_in
    # First: older than the stage tenders, the home page's stages stay theirs.
    projects = await publish_projects(conn, o, soon=soon, later=bids_until(now))
    for key in OPENED:  # first: their bids must be in before the shared deadline
        policies = SHORT_PUBLICITY if key == "awarded" else DEMO_POLICIES
        owner = await _owner(conn, key)
        tenders[key] = await publish_demo(conn, o, title=TITLES[key], deadline=soon,
                                          policies=policies, tenderer=owner)  # fmt: skip
        await take_bids(conn, pool, o, tenders[key])
    now = await database_now(conn)
    tenders["open_for_bids"] = await publish_demo(
        conn, o, title=TITLES["open_for_bids"], deadline=bids_until(now)
    )
    tenders["opening_today"] = await publish_demo(
        conn, o, title=TITLES["opening_today"], deadline=opening_today(now)
    )
    await take_bids(conn, pool, o, tenders["opening_today"])
    for key in OPENED:
        await open_after_deadline(conn, o, tenders[key])
    await negotiate(conn, o, projects[Method.NEGOTIATION])  # its deadline passed with theirs
    await register_experts(conn, experts, ca)
    now = await database_now(conn)
    scheduled = await committee_for(
        conn, tenders["evaluation"], in_two_hours(now), ca=ca, log=log, experts=experts,
        project_id="XCP-DEMO-002",
    )  # fmt: skip
    # A draw is for a future session: each closed session's draw names a window of its
    # own starting in a couple of minutes and ending before the scheduled session's (so
    # no expert's bookings overlap); the session itself is held at once.
    for n, key in enumerate(("candidates", "awarded")):
        window = (now + dt.timedelta(minutes=2 + 55 * n)).replace(second=0, microsecond=0)
        done = await committee_for(
            conn, tenders[key], window, ca=ca, log=log, experts=experts,
            project_id=f"XCP-DEMO-00{n + 3}", scheduled_at=now,
            length=dt.timedelta(minutes=50),
        )  # fmt: skip
        await close_session(conn, done.session_id, ca=ca, committee=done.committee,
                            identities=[experts[x] for x in done.expert_ids])  # fmt: skip
        await _publish_and_award(conn, o, tenders[key], award_it=key == "awarded")
    stages = tuple(Stage(key=key, tender_id=tenders[key].id, title=title)
                   for key, title in TITLES.items())  # fmt: skip
    evaluation = in_evaluation(tenders["evaluation"], scheduled, o.keys)
    listing_id = await load_listing(conn, o)
    return DemoStages(stages=stages, evaluation=evaluation, keys=o.keys, ages=o.ages,
                      listing_id=listing_id, projects=tuple(projects.values()))  # fmt: skip
