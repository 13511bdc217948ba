"""What a contribution must name before its entropy is taken (issue 9, item 2).

A signed checkpoint of the log (cosigned by the policy's ``commit_witnesses``) covers
the draw's commit entry, the contribution names that ``commit_hash`` and checkpoint,
and — when the contributor signs — its statement verifies against a certificate
registered for it (signing.draw.entropy_statement). Used by expert_pool.rounds.service.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import asyncpg

from accounts.keys import queries as key_queries
from accounts.model import Actor
from expert_pool import queries
from expert_pool.draws.access import not_checkpointed
from expert_pool.draws.model import StoredDraw
from expert_pool.errors import DrawCommitHashMismatch, DrawCommitNotCheckpointed
from expert_pool.rounds import queries as queries_rounds
from expert_pool.rounds.queries import RoundSeed
from signing.draw.entropy_statement import EntropyStatement, VerifiedStatement, verify_statement
from signing.draw.errors import DrawEntropyStatementInvalid
from signing.draw.transcript import Transcript
from signing.trust import TrustStore


@dataclass(frozen=True, kw_only=True, slots=True)
class FixedCommit:
    """What a contribution names: the commit it builds on and the checkpoint fixing it.

    Issue 9, item 2: the contributor's client checked that the signed checkpoint of
    ``checkpoint_size`` (cosigned by the policy's ``commit_witnesses``) includes the
    commit entry whose leaf hash is ``commit_hash``; the entropy entry records both.
    """

    commit_hash: str
    checkpoint_size: int
    checkpoint_root: str = ""  # base64, filled in from the stored checkpoint
    verified: VerifiedStatement | None = None  # the contributor's signed statement


async def fixed_commit(
    conn: asyncpg.Connection,
    draw: StoredDraw,
    transcript: Transcript,
    named: FixedCommit,
    *,
    round_seed: RoundSeed | None = None,
) -> FixedCommit:
    """Refuse entropy unless a signed (and witnessed) checkpoint covers the commit —
    and, for a release round, its own seed's ``draw.round_committed`` entry too
    (docs/formats/draw.md §4.2: the seed is fixed before the entropy is taken)."""
    if named.commit_hash != transcript.commit_hash:
        raise DrawCommitHashMismatch(
            f"the contribution names commit {named.commit_hash[:64]!r}; this draw's commit "
            f"is {transcript.commit_hash}"
        )
    assert draw.commit_log_index is not None
    index = draw.commit_log_index if round_seed is None else round_seed.log_index
    found = await queries_rounds.covering_checkpoint(
        conn, index, draw.policy.commit_witnesses, size=named.checkpoint_size
    )
    if found is None and round_seed is not None:
        raise DrawCommitNotCheckpointed(
            f"no signed checkpoint covers round {round_seed.r}'s seed commitment (log index "
            f"{index}) yet: wait for the next checkpoint and try again"
        )
    if found is None:
        raise not_checkpointed(draw)
    root = base64.b64encode(found[1]).decode()
    return FixedCommit(
        commit_hash=named.commit_hash, checkpoint_size=found[0], checkpoint_root=root
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class SignedStatement:
    """The contributor's entropy statement and its CMS signature (optional, item 2)."""

    statement: bytes
    signature: bytes
    trust: TrustStore


async def verified_statement(
    conn: asyncpg.Connection,
    actor: Actor,
    expected: EntropyStatement,
    signed: SignedStatement,
) -> VerifiedStatement:
    """The signature holds, by the contributor's current certificate, over exactly this."""
    mine = await key_queries.certificates(conn, actor.user_id)
    registered = {c.cert_sha256 for c in mine if c.retired_at is None}
    verified = verify_statement(
        signed.statement,
        signed.signature,
        trust=signed.trust,
        at=await queries.database_now(conn),
        registered=registered,
    )
    if verified.statement != expected:
        raise DrawEntropyStatementInvalid(
            "the signed statement names another draw, round, value, commit or checkpoint"
        )
    return verified
