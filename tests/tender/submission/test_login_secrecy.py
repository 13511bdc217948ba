"""A bidder's own account entries name it no more than its bid does before the deadline
(docs/audit-log.md §1.3; the outside tester's finding F1, session 16).

The attack, as the tester ran it: a witness reads the log and knows every organisation's
id and credit code (GET /api/v1/organisations) and, from `account.user_created`, every
user id's organisation. A bidder logs in, registers its certificate and recipient, bids
and logs out: its `auth.login` named its user id and address less than a second before
the anonymous `tender.bid_submitted`, so timing alone named the bidder 20 days before
the deadline. Now every entry of that account's own acts is written as an expert's
login is — actor `{"user_id": null, "role": "bidder"}`, no address, no subject — while
the session and key tables, which the log's readers never see, keep who it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import asyncpg

from accounts.keys import service as keys
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from accounts.users import service as users
from audit import service as audit
from signing.certs import dump_pem_certificate
from signing.cms import sign_detached
from signing.log.entry import LogEntry
from signing.statements.recipient import RecipientStatement
from tests.tender.submission.kit import bidder, make_submission, submit_sealed
from tests.tender.world import World, published_tender

ADDRESS = "203.0.113.41"  # the bidder's office: an address names it as well as an id
OWN_ENTRIES = (
    "auth.login",
    "account.certificate_registered",
    "account.recipient_registered",
    "auth.logout",
    "account.password_changed",
)


async def _log(conn: asyncpg.Connection) -> list[bytes]:
    await audit.integrate(conn)  # the accounts' entries are queued (audit-log.md §2.2)
    return [
        bytes(r["entry"]) for r in await conn.fetch("SELECT entry FROM log_entries ORDER BY idx")
    ]


async def test_a_log_reader_names_no_bidder_by_its_login_keys_or_password_before_the_deadline(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    fresh = bidder(world, 0, world.ca)  # a new certificate, registered right before bidding
    start = len(await _log(conn))

    user = await users.get_user(conn, fresh.actor.user_id)
    policy = LoginPolicy()
    issued = await sessions.open_session(
        conn, user, address=ADDRESS, kind=SessionKind.BEARER, policy=policy
    )
    me = await sessions.authenticate(conn, issued.token, address=ADDRESS)
    trust = world.ca.trust_store()
    challenge = await keys.issue_challenge(conn, origin="https://etender.test")
    who = fresh.identity
    await keys.register_certificate(
        conn, me, certificate_pem=dump_pem_certificate(who.certificate), nonce=challenge.nonce,
        signature=sign_detached(challenge.to_bytes(), who.certificate, who.key, chain=who.chain),
        trust=trust,
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    recipient = RecipientStatement.for_certificate(
        fresh.age.recipient().encode(), who.certificate, now
    ).sign(who.certificate, who.key, chain=who.chain)
    await keys.register_recipient(
        conn, me, statement=recipient.body, signature=recipient.signature, trust=trust
    )
    await submit_sealed(conn, pool, sub, world, tender, dataclasses.replace(fresh, actor=me))
    await sessions.logout(conn, me)
    await users.set_password(conn, me, user_id=me.user_id, password="Another-horse-43")

    log = await _log(conn)
    logged = [LogEntry.from_bytes(raw) for raw in log[start:]]
    assert [e.kind for e in logged if e.kind in OWN_ENTRIES] == list(OWN_ENTRIES)
    assert "tender.bid_submitted" in {e.kind for e in logged}
    # What the reader knows: every organisation's id and code, every user's organisation.
    public = {
        str(r["id"]): r["credit_code"]
        for r in await conn.fetch("SELECT id, credit_code FROM organisations")
    }
    created = [LogEntry.from_bytes(raw) for raw in log if b'"account.user_created"' in raw]
    users_of = {e.subject.id: e.data["organisation_id"] for e in created if e.subject}
    org = str(fresh.org.id)
    assert users_of[str(me.user_id)] == org  # the reader maps the user to its organisation
    assert public[org] == fresh.org.credit_code
    names = {str(me.user_id), org, fresh.org.credit_code, ADDRESS}
    for raw in log[start:]:  # nothing from the login on names the bidder
        text = raw.decode()
        for name in names:
            assert name not in text, (name, text)
    for entry in logged:
        if entry.kind in OWN_ENTRIES:
            assert (entry.actor.user_id, entry.actor.role) == (None, "bidder")
            assert entry.address is None
            # A session's id is random and shown to nobody; a user's would name it.
            assert entry.subject is None or entry.subject.type == "session"

    # The platform's private records, which the security administrator reads, keep it.
    kept = await conn.fetchrow(
        "SELECT user_id, address FROM sessions WHERE id = $1", issued.session.id
    )
    assert (kept["user_id"], kept["address"]) == (me.user_id, ADDRESS)
