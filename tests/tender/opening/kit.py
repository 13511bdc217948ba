"""What the opening tests share: a two-envelope tender, two-part bids, and the share
releases an official's client would send (tests/tender/opening/test_flow.py and the
evaluation scenario)."""

from __future__ import annotations

import datetime as dt

import asyncpg

from signing.age import parse_header
from signing.shares import SHARE_TYPE, unwrap_share
from tender import service
from tender.model import Tender
from tender.opening.release import ShareRelease
from tender.submission import freeze
from tender.submission.context import Submission
from tender.submission.service import submit_bid
from tests.tender.kit import replace
from tests.tender.submission.kit import Bidder, seal_for, sealed_committee, sign_submit, upload
from tests.tender.world import SOON, World, appoint, fast_draft


async def two_envelope_tender(
    conn: asyncpg.Connection, world: World, *, deadline_in: dt.timedelta
) -> Tender:
    """A published two-envelope tender whose deadline is ``deadline_in`` away."""
    setup = world.setup(SOON)
    # The cutoff as late as SOON's 1 s clarification notice allows: publication must
    # come before it, and a loaded machine may take seconds to get there (issue 9, 19).
    draft = await fast_draft(
        conn, world, deadline_in=deadline_in, cutoff_in=deadline_in - dt.timedelta(seconds=1)
    )
    tender = await service.create_draft(conn, world.agency, replace(draft, envelopes=2))
    await appoint(conn, world, tender)
    return await service.publish(conn, world.agency, tender.id, setup)


async def submit_two_parts(
    conn: asyncpg.Connection, pool: asyncpg.Pool, sub: Submission, world: World,
    tender: Tender, who: Bidder, price: int,
) -> None:  # fmt: skip
    """Seal, upload and submit a technical and a commercial part for lot 1."""
    committee = await sealed_committee(conn, tender)
    hashes = {}
    for label in ("technical", "commercial"):
        data = seal_for(world, committee, who, price=price, part=label)
        done = await upload(conn, pool, sub, tender, who, data, part=label)
        hashes[label] = done.declared_sha256
    signed = sign_submit(tender, who, hashes)
    await submit_bid(conn, who.actor, tender.id, "1", signed, sub=sub)


async def share_releases(
    conn: asyncpg.Connection,
    tender: Tender,
    world: World,
    sub: Submission,
    x: int,
    label: str = "main",
) -> list[ShareRelease]:
    """What official x's client releases: its share of every frozen ``label`` part."""
    committee = await sealed_committee(conn, tender)
    out = []
    for entry in (await freeze.freeze_tender(conn, tender.id))[0].entries:
        part = next(p for p in entry.parts if p.label == label)
        header = parse_header(sub.store.path_of(part.sha256).read_bytes())
        stanza = header.stanzas_of_type(SHARE_TYPE)[x - 1]
        share = unwrap_share(world.officials[x - 1].age, stanza, committee.fingerprint, label)
        out.append(ShareRelease(bid_id=entry.bid_id, part=label, share=share.value))
    return out
