"""Before the freeze no bid entry lets a log reader test a guess of who bid
(docs/formats/upload.md §5, docs/audit-log.md §1.2; the outside tester's finding 1,
session 15).

The attack, as the tester ran it: a witness reads the `tender.bid_submitted` entries,
knows the tender's code, and lists every organisation's credit code (GET
/api/v1/organisations). Every field of a submit statement but the bidder is in the entry
or public, so it rebuilds each candidate's statement — `previous` from the candidates of
the version before — hashes it, and looks for that hash in the log. Entries of format 2
carry the hash only as `commit` under the version's secret salt: the rebuilt hashes are
right, and nothing in the log confirms one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncpg

from signing.log.entry import LogEntry
from signing.statements.bid import PartHash, SubmitStatement
from tests.tender.submission.kit import bidder, make_submission, submit_sealed
from tests.tender.world import World, entries, published_tender

HEX64 = re.compile(rb"[0-9a-f]{64}")


def _rebuilt(code: str, tender: str, data: Mapping[str, Any], previous: str | None) -> str:
    """The statement hash a reader computes for one guess of the bidder."""
    parts = data["parts"]
    assert isinstance(parts, list)
    statement = SubmitStatement(
        tender=tender, lot=str(data["lot"]), bidder=code, consortium=(),
        bid_version=int(str(data["version"])),
        parts=tuple(PartHash(label=p["label"], sha256=p["sha256"]) for p in parts),
        previous=previous,
    )  # fmt: skip
    return statement.sha256


def _attack(
    logged: list[LogEntry], log: bytes, tender: str, codes: list[str]
) -> dict[str, set[str]]:
    """Each entry (by position) → the guesses the log confirms; "*" → every hash rebuilt."""
    rebuilt: dict[int, dict[str, str]] = {}  # version → hash → the code guessed
    named: dict[str, set[str]] = {}
    for i, entry in enumerate(logged):
        version = int(entry.data["version"])
        chains = [None] if version == 1 else list(rebuilt.get(version - 1, {}))
        guesses = {
            _rebuilt(code, tender, entry.data, prev): code for code in codes for prev in chains
        }
        rebuilt.setdefault(version, {}).update(guesses)
        named[f"entry {i}"] = {code for h, code in guesses.items() if h.encode() in log}
    named["*"] = {h for by_version in rebuilt.values() for h in by_version}
    return named


async def test_a_log_reader_with_every_credit_code_names_no_bidder_before_the_freeze(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    assert tender.code is not None
    first, second = bidder(world, 0), bidder(world, 1)
    v1 = (await submit_sealed(conn, pool, sub, world, tender, first)).version
    v2 = await submit_sealed(
        conn, pool, sub, world, tender, first, version=2, previous=v1.statement_sha256
    )
    other = (await submit_sealed(conn, pool, sub, world, tender, second)).version
    codes = [r["credit_code"] for r in await conn.fetch("SELECT credit_code FROM organisations")]
    logged = await entries(conn, "tender.bid_submitted")
    log = b"\n".join(r["entry"] for r in await conn.fetch("SELECT entry FROM log_entries"))

    named = _attack(logged, log, tender.code, codes)
    # The rebuilt statements are right — the attack only lacks something to compare to.
    truth = {v1.statement_sha256, v2.version.statement_sha256, other.statement_sha256}
    assert truth <= named.pop("*")
    assert named == {f"entry {i}": set() for i in range(len(logged))}
    for entry in logged:  # every hash an entry holds is a ciphertext's or a commitment
        parts = {p["sha256"].encode() for p in entry.data["parts"]}
        commitments = {entry.data[k].encode() for k in entry.commitments}
        assert set(HEX64.findall(entry.to_bytes())) <= parts | commitments
        assert set(entry.commitments) == {"bidder", "statement"}

    # The same attack on the entries as format 1 wrote them (the plain hash) names
    # both bidders — what the tester did: the test would see the hole.
    plain = b"\n".join(v.statement_sha256.encode() for v in (v1, v2.version, other))
    named = _attack(logged, plain, tender.code, codes)
    named.pop("*")
    assert sorted(map(sorted, named.values())) == sorted(
        [[first.org.credit_code], [first.org.credit_code], [second.org.credit_code]]
    )
