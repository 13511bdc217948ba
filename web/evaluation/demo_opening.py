"""Demo data of the evaluation, part 1: a tender lot opened the honest way.

A one-envelope works tender of the demo agency, published with demo-short periods
(DEMO ONLY: its bid period is seconds, its policies snapshot says so); three opening
officials appointed by the centre and approved by the department; three demo bidders
seal real bids to the lot's committee, upload and submit them; the deadline passes (a
real wait: sealed parts bind it); the lot freezes and two of the three officials release
their shares, so every bid opens and the opening record is published.

``open_demo_lot`` does it all for one tender; ``etender demo`` (web/demo/stages.py)
uses the steps — ``opener`` once, ``publish_demo``, ``take_bids`` and
``open_after_deadline`` per tender — so that the tenders it opens share one deadline
wait, and tenders it does not open stay at their stage.

Everything goes through the services, so each step has its log entry. The loader plays
the users' own clients (it holds their demo keys, as the pool's demo does); their keys
are handed back to go to the client folder, never the data dir.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.keys import service as keys
from accounts.model import Actor, Role
from accounts.organisations import service as organisations
from accounts.users import service as users
from audit.service import LogIdentity
from signing.age import X25519Identity, parse_header
from signing.certs import Identity, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, issue_identity
from signing.manifest import BidInfo
from signing.sealed_bid import BidFile, seal_part
from signing.shares import SHARE_TYPE, unwrap_share
from signing.statements.bid import PartHash, SubmitStatement
from signing.statements.recipient import RecipientStatement
from tender import queries as tender_queries
from tender import service as tender_service
from tender.blobs.store import LocalBlobStore
from tender.calendar import HOLIDAY_DIR, load_calendar
from tender.committee import service as committees
from tender.committee.service import OfficialInput
from tender.model import (
    Category,
    Criterion,
    Evaluation,
    EvaluationMethod,
    Lot,
    PriceFormula,
    PriceScore,
    Procedure,
    Schedule,
    Tender,
    TenderDraft,
)
from tender.opening.lot import Opening
from tender.opening.release import ShareRelease, release_shares
from tender.policy import Policies
from tender.setup import Setup
from tender.submission import freeze
from tender.submission.context import Submission
from tender.submission.receipts import load_or_create
from tender.submission.service import submit_bid
from tender.submission.uploads import create_upload, write_chunk

# DEMO ONLY: periods in seconds, so the demo's tender reaches its deadline while the
# command runs (every other tender keeps the platform's policies).
DEMO_POLICIES = Policies().with_values(
    {
        "documents_window": "1s",
        "bid_period": "1s",
        "clarification_notice": "1s",
        "objection_notice": "1s",
        "objection_answer": "1h",
        "bond_refund": "1h",
        "opening_on_working_day": "false",
    }
)
TITLE = "宣城市敬亭山路拓宽改造工程（远程异地评标演示）"
PRICES = (4_350_000_00, 4_420_000_00, 4_280_000_00)  # fen, under the 4,800,000 CNY ceiling


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpenedLot:
    """The opened demo lot and the demo keys the loader used."""

    tender: Tender
    keys: Mapping[str, Identity] = dataclasses.field(repr=False)  # username → identity
    ages: Mapping[str, X25519Identity] = dataclasses.field(repr=False)


async def actor(conn: asyncpg.Connection, username: str) -> Actor:
    """A demo user as the actor of its own requests."""
    user = await users.user_by_username(conn, username)
    grants = await users.user_roles(conn, user.id)
    return Actor(
        user_id=user.id,
        organisation_id=user.organisation_id,
        username=user.username,
        display_name=user.display_name,
        grants=frozenset(grants),
        address="127.0.0.1",
    )


async def register(conn: asyncpg.Connection, who: Actor, identity: Identity, ca: DemoCA) -> None:
    """The user's client registers its certificate by signing a fresh challenge."""
    challenge = await keys.issue_challenge(conn, origin="etender-demo")
    proof = sign_detached(challenge.to_bytes(), identity.certificate, identity.key,
                          chain=identity.chain)  # fmt: skip
    await keys.register_certificate(
        conn, who, certificate_pem=dump_pem_certificate(identity.certificate),
        nonce=challenge.nonce, signature=proof, trust=ca.trust_store(),
    )  # fmt: skip


def _identity(ca: DemoCA, who: Actor, credit_code: str | None = None) -> Identity:
    return issue_identity(ca, name=who.display_name, org_credit_code=credit_code,
                          now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))  # fmt: skip


def _draft(tenderer: UUID, department: UUID, now: dt.datetime, deadline: dt.datetime,
           title: str) -> TenderDraft:  # fmt: skip
    scoring = Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=(Criterion(name="技术", max_points=30), Criterion(name="商务", max_points=10)),
        price=PriceScore(points=60, formula=PriceFormula.LOWEST_PRICE_BASE),
    )
    return TenderDraft(
        title=title,
        description="道路拓宽、排水和照明改造。",
        category=Category.WORKS,
        procedure=Procedure.OPEN,
        tenderer_id=tenderer,
        department_id=department,
        schedule=Schedule(
            documents_from=now - dt.timedelta(minutes=1),
            documents_until=deadline,
            clarification_cutoff=deadline - dt.timedelta(seconds=1),
            deadline=deadline,
        ),
        lots=(
            Lot(number="1", title="第1标段", estimated_price_fen=500_000_000,
                price_ceiling_fen=480_000_000, bond_fen=0, evaluation=scoring),
        ),
    )  # fmt: skip


async def _officials(
    conn: asyncpg.Connection, ca: DemoCA, now: dt.datetime
) -> tuple[list[OfficialInput], dict[str, Identity], dict[str, X25519Identity]]:
    inputs, identities, ages = [], {}, {}
    for name in ("official1", "official2", "official3"):
        who = await actor(conn, name)
        identity, age = _identity(ca, who), X25519Identity.generate()
        await register(conn, who, identity, ca)
        recipient = age.recipient().encode()
        statement = RecipientStatement.for_certificate(recipient, identity.certificate, now)
        signed = statement.sign(identity.certificate, identity.key, chain=identity.chain)
        # Registered as /me/keys would: only officials with a certificate AND a
        # recipient are offered on the staff's committee form (official_queries.py).
        await keys.register_recipient(
            conn, who, statement=signed.body, signature=signed.signature, trust=ca.trust_store()
        )
        inputs.append(OfficialInput(
            user_id=who.user_id, recipient=recipient,
            certificate_pem=dump_pem_certificate(identity.certificate), statement=signed,
        ))  # fmt: skip
        identities[name], ages[name] = identity, age
    return inputs, identities, ages


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Opener:
    """What every demo tender's publication, bids and opening share: the users (as
    actors), the officials' committee inputs, the demo keys the loader plays with."""

    actors: Mapping[str, Actor]
    setup: Setup
    sub: Submission
    opening: Opening
    ca: DemoCA
    officials: tuple[OfficialInput, ...]
    keys: Mapping[str, Identity] = dataclasses.field(repr=False)  # username → identity
    ages: Mapping[str, X25519Identity] = dataclasses.field(repr=False)


async def opener(
    conn: asyncpg.Connection, *, data_dir: Path, ca: DemoCA, log: LogIdentity
) -> Opener:
    """The officials' and the bidders' certificates registered (once for every tender)."""
    names = {"centre": "centre.staff", "agency": "agency", "tenderer": "tenderer",
             "supervisor": "supervisor1"}  # fmt: skip
    actors = {key: await actor(conn, name) for key, name in names.items()}
    calendar = load_calendar([HOLIDAY_DIR, data_dir / "holidays"])
    setup = Setup(policies=DEMO_POLICIES, calendar=calendar, trust=ca.trust_store())
    now = (await tender_queries.database_now(conn)).replace(microsecond=0)
    inputs, identities, ages = await _officials(conn, ca, now)
    for n in range(1, len(PRICES) + 1):
        who = await actor(conn, f"bidder{n}")
        identity = _identity(ca, who, await _credit_code(conn, who))
        await register(conn, who, identity, ca)
        identities[who.username] = identity
    signer = load_or_create(data_dir)
    sub = Submission(setup=setup, store=LocalBlobStore(data_dir / "blobs"), signer=signer,
                     log_identity=log)  # fmt: skip
    opening = Opening(store=sub.store, trust=ca.trust_store(), signer=signer.identity,
                      output_root=data_dir / "opened")  # fmt: skip
    return Opener(actors=actors, setup=setup, sub=sub, opening=opening, ca=ca,
                  officials=tuple(inputs), keys=identities, ages=ages)  # fmt: skip


async def publish_demo(
    conn: asyncpg.Connection, o: Opener, *, title: str, deadline: dt.datetime,
    policies: Policies = DEMO_POLICIES,
    tenderer: UUID | None = None,
) -> Tender:  # fmt: skip
    """A demo tender published with its committee appointed and approved (the demo
    tenderer's, or ``tenderer``'s)."""
    now = (await tender_queries.database_now(conn)).replace(microsecond=0)
    supervisor = o.actors["supervisor"]
    (department,) = supervisor.acting_for(Role.SUPERVISOR)
    owner = tenderer or o.actors["tenderer"].organisation_id
    draft = _draft(owner, department, now, deadline, title)
    tender = await tender_service.create_draft(conn, o.actors["agency"], draft)
    setup = dataclasses.replace(o.setup, policies=policies)
    roster = await committees.appoint_committee(
        conn, o.actors["centre"], tender.id, "1", k=2, officials=list(o.officials), setup=setup
    )
    await committees.approve_committee(conn, supervisor, tender.id, "1",
                                       roster_sha256=roster.sha256)  # fmt: skip
    return await tender_service.publish(conn, o.actors["agency"], tender.id, setup)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _bid(
    conn: asyncpg.Connection, pool: asyncpg.Pool, o: Opener, tender: Tender, who: Actor,
    price: int,
) -> None:  # fmt: skip
    """The bidder's client seals, uploads and submits one bid (main part)."""
    identity, ca, sub = o.keys[who.username], o.ca, o.sub
    assert tender.code is not None
    committee = await committees.lot_committee(conn, tender.id, "1")
    org = await _credit_code(conn, who)
    info = BidInfo(tender=committee.tender, lot="1", part="main", bidder=org,
                   fields={"price": price, "duration": 180})  # fmt: skip
    text = f"{who.display_name}的投标文件：施工组织设计、工期180日历天。".encode()
    out = io.BytesIO()
    seal_part(
        out, committee=committee, trust=ca.trust_store(), at=dt.datetime.now(dt.UTC),
        bidder_recipient=X25519Identity.generate().recipient(), info=info,
        files=[BidFile(name="技术标.txt", size=len(text), source=io.BytesIO(text))],
        sign=lambda data: sign_detached(data, identity.certificate, identity.key,
                                        chain=identity.chain),
    )  # fmt: skip
    data = out.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    upload = await create_upload(conn, who, tender.id, "1", part="main", size=len(data),
                                 sha256=digest, sub=sub)  # fmt: skip
    await write_chunk(pool, who, upload.id, offset=0, chunks=_chunks(data), sub=sub)
    statement = SubmitStatement(tender=tender.code, lot="1", bidder=org, consortium=(),
                                bid_version=1, parts=(PartHash(label="main", sha256=digest),),
                                previous=None)  # fmt: skip
    signed = statement.sign(identity.certificate, identity.key, chain=identity.chain)
    await submit_bid(conn, who, tender.id, "1", signed, sub=sub)


async def _credit_code(conn: asyncpg.Connection, who: Actor) -> str:
    return (await organisations.get_organisation(conn, who.organisation_id)).credit_code


async def wait_until(conn: asyncpg.Connection, moment: dt.datetime) -> None:
    """Really wait until the database clock has passed ``moment`` (sealed bids bind it)."""
    remaining = (moment - await tender_queries.database_now(conn)).total_seconds()
    if remaining >= 0:
        await asyncio.sleep(remaining + 0.05)


async def _open(conn: asyncpg.Connection, tender: Tender, o: Opener) -> None:
    """Officials 1 and 2 (k = 2) release their shares of every frozen part."""
    committee = await committees.lot_committee(conn, tender.id, "1")
    (frozen,) = await freeze.freeze_tender(conn, tender.id)
    for x, name in ((1, "official1"), (2, "official2")):
        releases = []
        for entry in frozen.entries:
            part = next(p for p in entry.parts if p.label == "main")
            header = parse_header(o.opening.store.path_of(part.sha256).read_bytes())
            stanza = header.stanzas_of_type(SHARE_TYPE)[x - 1]
            share = unwrap_share(o.ages[name], stanza, committee.fingerprint, "main")
            releases.append(ShareRelease(bid_id=entry.bid_id, part="main", share=share.value))
        await release_shares(conn, await actor(conn, name), tender.id, "1", releases,
                             opening=o.opening)  # fmt: skip


async def take_bids(
    conn: asyncpg.Connection, pool: asyncpg.Pool, o: Opener, tender: Tender
) -> None:
    """Each demo bidder seals, uploads and submits its bid to the lot."""
    for n, price in enumerate(PRICES, start=1):
        await _bid(conn, pool, o, tender, await actor(conn, f"bidder{n}"), price)


async def open_after_deadline(conn: asyncpg.Connection, o: Opener, tender: Tender) -> None:
    """Wait for the lot's deadline (a real wait: sealed parts bind it), then open it."""
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    await _open(conn, tender, o)


async def open_demo_lot(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    *,
    data_dir: Path,
    ca: DemoCA,
    log: LogIdentity,
    deadline_in: dt.timedelta = dt.timedelta(seconds=25),
    title: str = TITLE,
) -> OpenedLot:
    """Publish the demo tender, take three sealed bids, pass the deadline, open the lot."""
    o = await opener(conn, data_dir=data_dir, ca=ca, log=log)
    now = (await tender_queries.database_now(conn)).replace(microsecond=0)
    tender = await publish_demo(conn, o, title=title, deadline=now + deadline_in)
    await take_bids(conn, pool, o, tender)
    await open_after_deadline(conn, o, tender)
    return OpenedLot(tender=tender, keys=o.keys, ages=o.ages)
