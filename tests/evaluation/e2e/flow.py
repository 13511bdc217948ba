"""A session of the cross-city lot driven by its participants' real clients, step by step.

Centre staff schedule it over HTTP; seven members, the host (centre staff), the
department's supervisor, the agency and the tenderer each hold one socket of the
client library, split over the server processes; every step is commands of
docs/formats/evaluation-session.md sent the way ``etender session`` sends them (stored
with their id first, sealed and signed on the member's side, keys released only in the
reveal phase) and waits for the events the protocol promises.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import datetime as dt
import hashlib
import shutil
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
import httpx

from client.session.commands.reveal import latest_sent, reveal_purpose
from client.session.commands.sign import ReportFetcher
from client.session.entries import Findings
from client.session.records import save_report
from client.session.sealing import Signer, seal_findings
from live import queries as live_queries
from live.model import EVERYONE, LiveEvent, user_audience
from signing import sheets
from signing.cms import sign_detached
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.e2e import findings
from tests.evaluation.e2e.participants import WAIT_SECONDS, Participant, seen_seqs
from tests.evaluation.e2e.scenario import MAIN, CrossCity
from tests.evaluation.servers import Node, Servers, bearer_token
from tests.tender.opening.kit import share_releases
from tests.tender.submission.kit import make_submission

# docs/formats/evaluation-session.md §6: the audiences besides `all` and `user:<id>`.
COMMITTEE = "role:committee"
STAFF = "role:staff"
SUPERVISOR = "role:supervisor"
PANEL = "role:panel"
Homes = Callable[[str], tuple[str, ...]]  # participant name → its server URLs, home first


def member_name(seat: int) -> str:
    return f"专家{seat}"


def default_homes(nodes: Servers) -> Homes:
    """Members alternate between the nodes (odd seats on node 0); staff and the agency on
    node 0, the supervisor and the tenderer on node 1; each lists the other node second."""
    fixed = {"staff": 0, "agency": 0, "supervisor": 1, "tenderer": 1}

    def home(name: str) -> tuple[str, ...]:
        if name in fixed:
            first = nodes[fixed[name]]
        else:
            first = nodes[(int(name.removeprefix("专家")) + 1) % 2]
        return (first.url, *(n.url for n in nodes if n is not first))

    return home


@dataclasses.dataclass(eq=False, kw_only=True)
class Run:
    """One session and its participants."""

    lot: CrossCity
    pool: asyncpg.Pool
    nodes: Servers
    session: UUID
    members: tuple[Participant, ...]  # seat order
    staff: Participant
    supervisor: Participant
    agency: Participant
    tenderer: Participant
    bids: dict[int, UUID] = dataclasses.field(default_factory=dict)  # bidder index → bid

    @property
    def everyone(self) -> tuple[Participant, ...]:
        return (*self.members, self.staff, self.supervisor, self.agency, self.tenderer)

    def member(self, seat: int) -> Participant:
        return self.members[seat - 1]

    async def close(self) -> None:
        await asyncio.gather(*(p.close() for p in self.everyone))


async def http(server: str, token: str, method: str, path: str, body: Any = None) -> httpx.Response:
    """One authenticated request to a node."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server, headers=headers, timeout=WAIT_SECONDS) as c:
        return await c.request(method, path, json=body)


async def _token(pool: asyncpg.Pool, user: UUID) -> str:
    async with pool.acquire() as proxy:
        return await bearer_token(cast(asyncpg.Connection, proxy), user)


async def schedule(pool: asyncpg.Pool, lot: CrossCity, node: Node) -> UUID:
    """Centre staff schedule lot 1's session over HTTP, at the main venue, now."""
    body = {
        "tender_id": str(lot.tender.id), "lot": "1", "main_venue_id": MAIN.id,
        "representatives": [], "starts_at": dt.datetime.now(dt.UTC).isoformat(),
    }  # fmt: skip
    token = await _token(pool, lot.world.staff.user_id)
    response = await http(node.url, token, "POST", "/api/v1/evaluations", body)
    assert response.status_code == 201, response.text
    return UUID(response.json()["live_session_id"])


async def open_run(
    pool: asyncpg.Pool, lot: CrossCity, nodes: Servers, root: Path, homes: Homes | None = None
) -> Run:
    """Schedule the session and connect every participant to its home node."""
    session = await schedule(pool, lot, nodes[0])
    home = homes or default_homes(nodes)
    world = lot.world

    async def participant(
        name: str, user: UUID, audiences: set[str], seat: int | None = None
    ) -> Participant:
        signer = None
        if seat is not None:
            identity = lot.identities[user]
            signer = Signer(cert=identity.certificate, key=identity.key, chain=identity.chain)
        return Participant(
            name=name, user_id=user, audiences=frozenset(audiences | {EVERYONE,
            user_audience(user)}), servers=home(name), token=await _token(pool, user),
            state_dir=root / f"state-{user}", session=session, seat=seat, signer=signer,
        )  # fmt: skip

    members = [
        await participant(member_name(seat), user.id, {COMMITTEE, PANEL}, seat)
        for seat, user in enumerate(lot.committee, start=1)
    ]
    run = Run(
        lot=lot, pool=pool, nodes=nodes, session=session, members=tuple(members),
        staff=await participant("staff", world.staff.user_id, {STAFF, PANEL}),
        supervisor=await participant(
            "supervisor", world.supervisor.user_id, {STAFF, SUPERVISOR, PANEL}
        ),
        agency=await participant("agency", world.agency.user_id, set()),
        tenderer=await participant("tenderer", world.tenderer.user_id, set()),
    )  # fmt: skip
    await asyncio.gather(*(p.connect() for p in run.everyone))
    return run


# --- the steps ----------------------------------------------------------------------


def venue_plan(lot: CrossCity) -> dict[int, str]:
    """Seats 1–3 at the main venue, 4–5 and 6–7 at the two venues the draw picked."""
    first, second = lot.assisting
    return {1: MAIN.id, 2: MAIN.id, 3: MAIN.id, 4: first, 5: first, 6: second, 7: second}


async def sign_in(run: Run) -> None:
    """The host opens the sign-in; each member signs in at its venue; the centre's staff
    confirm each identity (the sign-in counts only then)."""
    await run.staff.command("open_sign_in")
    venues = venue_plan(run.lot)
    await asyncio.gather(
        *(m.command("sign_in", {"venue": venues[seat]}) for seat, m in _seats(run))
    )
    for seat, _ in _seats(run):
        await run.staff.command("confirm_identity", {"seat": seat})


async def start(run: Run) -> None:
    """The host starts; every member learns the project and the bids (bids.listed)."""
    await run.staff.command("start")
    listed = [await m.until(lambda e: e.kind == "bids.listed", "bids.listed") for m in run.members]
    assert all(e.data == listed[0].data for e in listed)
    by_code = {b.org.credit_code: i for i, b in enumerate(run.lot.bidders)}
    run.bids.update({by_code[b["bidder"]]: UUID(b["bid"]) for b in listed[0].data["bids"]})
    assert sorted(run.bids) == [0, 1, 2]


CHAIR = 3
VOTES = {1: CHAIR, 2: CHAIR, 3: 1, 4: CHAIR, 5: CHAIR, 6: CHAIR, 7: 1}  # 5 of 7 for seat 3


async def declare_and_elect(run: Run) -> None:
    """No member has a conflict; the committee elects its chair by vote (5 of 7)."""
    await asyncio.gather(*(m.command("declare", {"conflict": False}) for m in run.members))
    await asyncio.gather(*(m.command("vote_chair", {"seat": VOTES[s]}) for s, m in _seats(run)))
    elected = await run.staff.until(lambda e: e.kind == "chair.elected", "chair.elected")
    assert elected.data["seat"] == CHAIR
    await run.staff.until_phase("qualification")


def _seats(run: Run) -> list[tuple[int, Participant]]:
    return list(enumerate(run.members, start=1))


Entries = Callable[[int, Mapping[int, UUID]], Sequence[sheets.Entry]]


async def submit(
    run: Run, phase: str, entries: Entries, members: Sequence[Participant] | None = None
) -> dict[int, int]:
    """Each member seals, signs and submits its sheet (its key stays with its client);
    seat → the ack's seq."""

    async def one(member: Participant) -> tuple[int, int]:
        assert member.seat is not None
        assert member.signer is not None
        found = Findings(entries=tuple(entries(member.seat, run.bids)))
        sealed = seal_findings(
            member.store, phase, found, member.signer, seat=member.seat, generation=1
        )
        ack = await member.sock.call(sealed.command)
        assert ack.seq is not None
        return member.seat, ack.seq

    return dict(await asyncio.gather(*(one(m) for m in members or run.members)))


async def reveal(run: Run, phase: str, members: Sequence[Participant] | None = None) -> None:
    """Each member's client releases the key of its latest sheet of the phase."""

    async def one(member: Participant) -> None:
        record, _ = latest_sent(member.store, phase)
        data = sheets.reveal_data(phase, record.key)
        await member.sock.call(member.store.command(reveal_purpose(record), "reveal", data))

    await asyncio.gather(*(one(m) for m in members or run.members))


async def to_scoring(run: Run) -> None:
    """From the scheduled session to its scoring phase: sign-in at three venues, start,
    declarations, the chair's election, qualification sealed, revealed and decided."""
    await sign_in(run)
    await start(run)
    await declare_and_elect(run)
    await submit(run, "qualification", findings.qualification)
    await run.staff.until_phase("qualification_reveal")
    await reveal(run, "qualification")
    await run.staff.until_phase("scoring")


async def open_commercial_parts(run: Run, passed: frozenset[UUID]) -> dict[str, Any]:
    """Two envelopes: the host opens the commercial stage through the opening hall's
    route (it opens only the bids that passed); the two officials release their shares
    of those bids' commercial parts over HTTP; the commercial record (returned) is out."""
    lot, world = run.lot, run.lot.world
    path = f"/api/v1/tenders/{lot.tender.id}"
    opened = await http(
        run.nodes[0].url, run.staff.token, "POST", f"{path}/lots/1/opening/commercial"
    )
    assert opened.status_code == 200, opened.text
    assert {UUID(s["bid_id"]) for s in opened.json()["statuses"]} == passed
    sub = make_submission(world, lot.data_dir)  # the officials' clients read the sealed parts
    record = None
    for x in (1, 2):
        async with run.pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            shares = await share_releases(conn, lot.tender, world, sub, x, "commercial")
            token = await bearer_token(conn, world.officials[x - 1].user)
        releases = [
            {"part_id": f"1.{s.bid_id}.commercial", "share": base64.b64encode(s.share).decode()}
            for s in shares
            if s.bid_id in passed and s.share is not None
        ]
        node = run.nodes[x - 1]
        done = await http(node.url, token, "POST", f"{path}/opening/shares",
                          {"lot": "1", "releases": releases})  # fmt: skip
        assert done.status_code == 200, done.text
        record = done.json()["record"]
    assert record is not None
    return cast(dict[str, Any], record)


@contextlib.asynccontextmanager
async def cluster(
    database: CloneDatabase, lot: CrossCity, root: Path, ca: DemoCA, **env: str
) -> AsyncIterator[Servers]:
    """Two `etender serve` processes on the test's database (tests/evaluation/servers.py),
    their shared storage holding the sealed parts' blobs (the commercial opening reads
    them)."""
    servers = Servers(database.app_dsn, root / "nodes", count=2, ca=ca, env=env)
    shutil.copytree(lot.data_dir / "blobs", servers.seed / "blobs", dirs_exist_ok=True)
    async with servers:
        yield servers


async def stored_events(run: Run) -> list[LiveEvent]:
    """Every event of the session the database holds, in seq order."""
    async with run.pool.acquire() as proxy:
        return await live_queries.events_after(cast(asyncpg.Connection, proxy), run.session, 0)


async def check_deliveries(run: Run) -> None:
    """Every participant received every event of its audiences exactly once and in seq
    order — on the wire (every event frame of every connection it had) and as the
    client delivered them — and nothing else."""
    stored = await stored_events(run)
    for p in run.everyone:
        entitled = [e.seq for e in stored if e.audience in p.audiences]
        await p.until_seq(entitled[-1])
        assert seen_seqs(p.frames) == entitled, p.name
        assert [e.seq for e in p.events] == entitled, p.name


async def sign_report(run: Run, sha256: str) -> None:
    """Each member's client fetches the report's bytes from its server, signs them only
    if they hash to the announced SHA-256 (CMS detached, its own key), keeps bytes and
    signature (client/session/records.py) and sends sign_report."""

    async def one(member: Participant) -> None:
        assert member.signer is not None
        body = await ReportFetcher(list(member.servers), member.token)(run.session)
        assert hashlib.sha256(body).hexdigest() == sha256, member.name
        signer = member.signer
        signature = sign_detached(body, signer.cert, signer.key, chain=signer.chain)
        save_report(member.store, sha256, body, signature)
        data = {"sha256": sha256, "signature": sheets.b64url_encode(signature)}
        await member.command("sign_report", data, purpose=f"sign_report:{sha256}")

    await asyncio.gather(*(one(m) for m in run.members))
