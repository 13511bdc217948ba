"""Demo data of the evaluation: one tender in evaluation with its committee.

Call it after the accounts' and the expert pool's demos (web/cli/demo.py does)::

    result = await load_demo(conn, pool, data_dir=…, ca=demo_ca, log=log_identity,
                             experts=pool_result.identities)

It opens a lot the honest way (web/evaluation/demo_opening.py: sealed bids, a real
deadline, the officials' shares), has the agency request an evaluation draw for it —
three local construction experts, two remote cost engineers and one assisting venue,
drawn with ``etender-draw-v1`` like every draw — which the supervisor's entropy runs and
every drawn expert confirms with its signature, and has the centre schedule the
session (the session core's ``schedule``: the confirmed experts take seats 1…5 in draw
order, the tender moves to evaluation). Each demo expert's certificate is registered to
its account too (accounts/keys, by a signed challenge), as a member's own client does
before a session: sheets and the report are checked against the member's current
registered certificate, so the demo's members can score, reveal and sign with
``etender session`` and the files ``etender demo`` writes. DEMO ONLY: the loader plays
the users' own clients with their demo keys, as the pool's demo does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.organisations import service as organisations
from accounts.users import service as users
from audit import service as audit
from audit.service import LogIdentity
from evaluation.model import seat_label
from expert_pool.answers import service as answers
from expert_pool.draws import access as draws
from expert_pool.draws.model import DrawSpec, Purpose, seated_experts
from expert_pool.experts import queries as experts
from expert_pool.pools import service as pools
from expert_pool.requests import service as requests
from expert_pool.rounds import service as rounds
from expert_pool.views import service as views
from signing.certs import Identity
from signing.demo_ca import DemoCA
from signing.draw.response import Decision, DrawResponse
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category
from tender import queries as tender_queries
from tender.model import Tender
from web.evaluation import core
from web.evaluation.demo_opening import actor, open_demo_lot, register

CATEGORIES = (("A08@local", 3), ("C01@remote", 2), ("venue@remote", 1))
MAIN_VENUE = "V-XC-MAIN"  # web/expert_pool/demo.py's main venue (主场)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoEvaluation:
    """What the evaluation's demo created."""

    tender_id: UUID
    title: str
    draw_id: str
    committee: tuple[str, ...]  # the confirmed experts' usernames, seat 1 first
    expert_ids: tuple[str, ...]  # their pool ids (their key files' names), seat 1 first
    session_id: UUID
    keys: Mapping[str, Identity] = dataclasses.field(repr=False)  # bidders', officials'


async def _contribute(
    conn: asyncpg.Connection, supervisor: Actor, draw_id: str, log: LogIdentity
) -> None:
    """The supervisor's client: a checkpoint covers the commit; entropy names both."""
    async with conn.transaction():
        await audit.sign_new_checkpoint(conn, log)
    proof = await views.commit_proof(conn, supervisor, draw_id, log.signer.verifier())
    fixed = rounds.FixedCommit(commit_hash=proof.commit_hash, checkpoint_size=proof.checkpoint_size)
    await rounds.contribute_entropy(conn, supervisor, draw_id, 0, secrets.token_hex(32),
                                    fixed=fixed)  # fmt: skip


async def _confirm(
    conn: asyncpg.Connection, draw_id: str, expert_id: str, identity: Identity, ca: DemoCA
) -> str:
    """The drawn expert's client signs its confirmation; the expert's username."""
    profile = await experts.expert(conn, expert_id)
    assert profile is not None
    assert profile.user_id is not None
    who = await actor(conn, (await users.get_user(conn, profile.user_id)).username)
    statement = DrawResponse(draw_id=draw_id, expert_id=expert_id, decision=Decision.CONFIRM,
                             issued_at=dt.datetime.now(dt.UTC), reason="")  # fmt: skip
    signature = statement.sign(identity.certificate, identity.key, identity.chain)
    await answers.respond(conn, who, draw_id, statement.to_bytes(), signature,
                          trust=ca.trust_store())  # fmt: skip
    return who.username


async def register_experts(
    conn: asyncpg.Connection, identities: Mapping[str, Identity], ca: DemoCA
) -> None:
    """Each demo expert's client registers its certificate to its account."""
    for expert_id, identity in identities.items():
        profile = await experts.expert(conn, expert_id)
        assert profile is not None
        assert profile.user_id is not None
        who = await actor(conn, (await users.get_user(conn, profile.user_id)).username)
        await register(conn, who, identity, ca)


async def _draw(
    conn: asyncpg.Connection,
    tender: Tender,
    starts_at: dt.datetime,
    *,
    ca: DemoCA,
    log: LogIdentity,
    identities: Mapping[str, Identity],
    project_id: str,
    length: dt.timedelta,
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The lot's evaluation draw, run and confirmed: its id, the committee's usernames
    and expert ids."""
    agency, centre = await actor(conn, "agency"), await actor(conn, "centre.staff")
    supervisor = await actor(conn, "supervisor1")
    tenderer = await organisations.get_organisation(conn, tender.content.tenderer_id)
    bidders = [await actor(conn, f"bidder{n}") for n in (1, 2, 3)]
    codes = [(await organisations.get_organisation(conn, b.organisation_id)).credit_code
             for b in bidders]  # fmt: skip
    spec = DrawSpec(
        session_start=starts_at,
        session_end=starts_at + length,
        categories=tuple(Category(label=label, count=n) for label, n in CATEGORIES),
        entropy_roles=(ContributorRole.SUPERVISOR,),
    )
    draw = await requests.request_draw(conn, agency, requests.DrawRequestInput(
        tender_id=str(tender.id), lot="1", purpose=Purpose.EVALUATION,
        project_id=project_id, agency_id=agency.organisation_id,
        department_id=tender.content.department_id, tenderer=tenderer.credit_code,
        bidders=tuple(sorted(codes)), spec=spec,
    ))  # fmt: skip
    await pools.prepare_draw(conn, centre, draw.id)
    await requests.commit_draw(conn, centre, draw.id)
    await _contribute(conn, supervisor, draw.id, log)
    done = await draws.get_draw(conn, draw.id)
    assert done.transcript is not None
    seated = tuple(seated_experts(done.transcript))
    committee = tuple([await _confirm(conn, draw.id, expert_id, identities[expert_id], ca)
                       for expert_id in seated])  # fmt: skip
    return draw.id, committee, seated


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Committee:
    """A lot's completed evaluation draw and the session the centre scheduled."""

    draw_id: str
    committee: tuple[str, ...]  # the confirmed experts' usernames, seat 1 first
    expert_ids: tuple[str, ...]  # their pool ids, seat 1 first
    session_id: UUID


async def committee_for(
    conn: asyncpg.Connection,
    tender: Tender,
    starts_at: dt.datetime,
    *,
    ca: DemoCA,
    log: LogIdentity,
    experts: Mapping[str, Identity],
    project_id: str,
    scheduled_at: dt.datetime | None = None,
    length: dt.timedelta = dt.timedelta(hours=8),
) -> Committee:
    """The opened lot's evaluation draw (for a session at ``starts_at``: the draw wants
    it in the future), run and confirmed; its session scheduled at ``scheduled_at``
    (default ``starts_at``; the experts' certificates registered first: register_experts)."""
    draw_id, committee, expert_ids = await _draw(
        conn,
        tender,
        starts_at,
        ca=ca,
        log=log,
        identities=experts,
        project_id=project_id,
        length=length,
    )
    state = await core.schedule(
        conn, await actor(conn, "centre.staff"), tender.id, "1",
        main_venue_id=MAIN_VENUE, representatives=[], starts_at=scheduled_at or starts_at,
    )  # fmt: skip
    return Committee(draw_id=draw_id, committee=committee, expert_ids=expert_ids,
                     session_id=state.id)  # fmt: skip


def in_two_hours(now: dt.datetime) -> dt.datetime:
    """The in-evaluation demo session's start: visible as scheduled, not yet begun."""
    return (now + dt.timedelta(hours=2)).replace(second=0, microsecond=0)


def in_evaluation(tender: Tender, done: Committee, keys: Mapping[str, Identity]) -> DemoEvaluation:
    """What ``etender demo`` reports about the tender in evaluation."""
    return DemoEvaluation(
        tender_id=tender.id, title=tender.content.title, draw_id=done.draw_id,
        committee=done.committee, expert_ids=done.expert_ids, session_id=done.session_id,
        keys=keys,
    )  # fmt: skip


async def load_demo(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    *,
    data_dir: Path,
    ca: DemoCA,
    log: LogIdentity,
    experts: Mapping[str, Identity],
    deadline_in: dt.timedelta = dt.timedelta(seconds=25),
) -> DemoEvaluation:
    """An opened lot, its completed evaluation draw and its scheduled session."""
    opened = await open_demo_lot(conn, pool, data_dir=data_dir, ca=ca, log=log,
                                 deadline_in=deadline_in)  # fmt: skip
    now = await tender_queries.database_now(conn)
    await register_experts(conn, experts, ca)
    done = await committee_for(conn, opened.tender, in_two_hours(now), ca=ca, log=log,
                               experts=experts, project_id="XCP-DEMO-002")  # fmt: skip
    return in_evaluation(opened.tender, done, opened.keys)


def summary(result: DemoEvaluation, public_url: str, client_dir: Path) -> list[str]:
    """The lines ``etender demo`` prints about the tender in evaluation."""
    seats = ", ".join(f"{seat_label(n)} {name}" for n, name in enumerate(result.committee, 1))
    files = ", ".join(
        f"{name} {expert}" for name, expert in zip(result.committee, result.expert_ids, strict=True)
    )
    return [
        f"tender in evaluation: {result.title} (lot 1, {public_url}/tenders/{result.tender_id})",
        f"  session {result.session_id} — the experts see it at {public_url}/expert/evaluations",
        f"  committee (seat, login): {seats}",
        f"  their certificates are registered; each member's key files: "
        f"{client_dir}/keys/<pool id>.crt|.key ({files})",
        f"  a member scores, reveals and signs with: etender session join|score|reveal|sign "
        f"--server {public_url} --session {result.session_id} --cert …crt --key …key",
    ]
