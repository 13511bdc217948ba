"""Who was drawn stays secret until the result: a witness reads every entry (issue 9, item 3).

After two complete evaluation draws of one tender and the committee logging in, reading
opened bid files and logging out, a witness reading the whole log finds no drawn
expert's user id, username, name, address, expert id or id-card digest — the entries
name drawn experts, and the experts who act, only by salted commitments
(docs/audit-log.md §1.3).
"""

from __future__ import annotations

import asyncpg

from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from audit import service as audit
from evaluation.bid_files.service import list_bid_files, open_bid_file, read_chunks
from signing.log.entry import LogEntry, commit
from tests.accounts.factory import PASSWORD, actor_for
from tests.evaluation.kit import started
from tests.evaluation.scenario import expert_address
from tests.evaluation.template import Template


async def _every_entry(conn: asyncpg.Connection) -> list[bytes]:
    """Every leaf's exact bytes, as a witness fetches them (`GET /api/v1/log/entries`),
    once the sequencer has integrated the queued ones (logins, docs/audit-log.md §2.2)."""
    await audit.integrate(conn)
    size = await conn.fetchval("SELECT count(*) FROM log_entries")
    found: list[bytes] = []
    for start in range(0, size, 1000):
        found += [raw for _, raw in await audit.entries(conn, start, min(size, start + 1000))]
    return found


async def _secrets_of(conn: asyncpg.Connection, user_ids: list[str]) -> dict[str, list[str]]:
    """Per drawn expert's account: every text that would name it."""
    rows = await conn.fetch(
        "SELECT e.id, e.name, e.id_card_digest, u.id::text AS user_id, u.username"
        " FROM experts e JOIN users u ON u.id = e.user_id WHERE u.id::text = ANY($1::text[])",
        user_ids,
    )
    assert len(rows) == len(user_ids)
    return {
        r["user_id"]: [
            r["user_id"],
            r["username"],
            r["name"],
            r["id_card_digest"],
            f'"{r["id"]}"',  # the expert id, as a JSON string
            expert_address(r["id"]),
        ]
        for r in rows
    }


async def test_a_witness_reading_every_entry_finds_no_drawn_expert_before_the_award(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    s = evaluation_template.scenario  # reads only: its opened parts are not copied
    await started(conn, evaluation_template)  # the committee reads in its started session
    first_draw = await conn.fetchval(
        "SELECT min(idx) FROM log_entries WHERE kind = 'draw.requested'"
    )
    for user in s.committee:  # every member logs in, reads a file of the opened lot, logs out
        address = expert_address(await _expert_id(conn, user.id))
        issued = await sessions.login(
            conn, username=user.username, password=PASSWORD, address=address,
            kind=SessionKind.BEARER, policy=LoginPolicy(),
        )  # fmt: skip
        session = await sessions.authenticate(conn, issued.token, address=address)
        member = await actor_for(conn, user, address)
        listed = await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
        item = listed[0]
        opened = await open_bid_file(
            conn, member, s.tender.id, "1", item.bid_id, item.part, item.path,
            output_root=s.output_root,
        )  # fmt: skip
        assert b"".join([chunk async for chunk in read_chunks(opened)])
        await sessions.logout(conn, session)
    drawn = [str(u.id) for u in (*s.committee, s.other_lot_expert)]
    named = await _secrets_of(conn, drawn)
    leaves = await _every_entry(conn)
    kinds = {LogEntry.from_bytes(raw).kind for raw in leaves[first_draw:]}
    assert {
        "draw.member_confirmed",
        "evaluation.bid_file_read",
        "auth.login",
        "auth.logout",
    } <= kinds
    for user_id, texts in named.items():
        username, name, digest, expert_id, address = texts[1:]
        for raw in leaves:  # never, anywhere: these name a person
            text = raw.decode()
            for secret in (username, name, digest, address):
                assert secret not in text, (secret, text)
        for raw in leaves[first_draw:]:  # from the first draw on: nothing names the drawn
            text = raw.decode()
            assert user_id not in text, text
            assert expert_id not in text, text
    # The reads are accountable all the same: each actor opens with the member's salt.
    reads = [LogEntry.from_bytes(r) for r in leaves if b'"evaluation.bid_file_read"' in r]
    salts = dict(await conn.fetch(_SALTS, [str(u.id) for u in s.committee], str(s.tender.id)))
    assert sorted(r.data["actor"] for r in reads) == sorted(
        commit(user_id, salt) for user_id, salt in salts.items()
    )


_SALTS = """
SELECT e.user_id::text, m.salt FROM draw_members m
JOIN draws d ON d.id = m.draw_id JOIN experts e ON e.id = m.expert_id
WHERE e.user_id::text = ANY($1::text[]) AND d.tender_id = $2 AND d.lot = '1'
"""


async def _expert_id(conn: asyncpg.Connection, user_id: object) -> str:
    found: str = await conn.fetchval("SELECT id FROM experts WHERE user_id = $1", user_id)
    return found
