"""No entropy before a signed checkpoint fixes the commit (issue 9, item 2).

Checkpoints are signed by driving the checkpoint job's function directly
(`sign_checkpoint`), never by waiting for the clock.
"""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from audit import service as audit
from expert_pool import service
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawStatus
from expert_pool.errors import DrawCommitHashMismatch, DrawCommitNotCheckpointed
from expert_pool.rounds import queries as queries_rounds
from expert_pool.rounds import service as service_rounds
from expert_pool.views import service as service_views
from signing.log.checkpoint import Cosigner, generate_private_key, open_checkpoint
from signing.log.entry import LogEntry
from signing.log.merkle import leaf_hash, verify_inclusion
from tests.expert_pool.world import (
    TEST_LOG,
    World,
    add_experts,
    committed_draw,
    fresh_entropy,
    sign_checkpoint,
)

CATEGORIES = [("A08@local", 5)]


async def _committed(world: World) -> str:
    await add_experts(world, [f"L{n:03d}" for n in range(16)])
    await sign_checkpoint(world.conn)  # an older checkpoint exists; it does not cover the commit
    return (await committed_draw(world, CATEGORIES)).id


def _fixed(commit_hash: str, size: int) -> service_rounds.FixedCommit:
    return service_rounds.FixedCommit(commit_hash=commit_hash, checkpoint_size=size)


async def test_entropy_before_a_checkpoint_covers_the_commit_is_refused(world: World) -> None:
    """Until a signed checkpoint covers the commit entry: no proof, no entropy taken."""
    draw_id = await _committed(world)
    c = world.conn
    draw = await service_common.get_draw(c, draw_id)
    assert draw.transcript is not None
    assert draw.commit_log_index is not None
    older = await c.fetchval("SELECT max(size) FROM log_checkpoints")
    assert older <= draw.commit_log_index
    verifier = TEST_LOG.signer.verifier()
    with pytest.raises(DrawCommitNotCheckpointed):
        await service_views.commit_proof(c, world.supervisor, draw_id, verifier)
    with pytest.raises(DrawCommitNotCheckpointed) as early:
        await service_rounds.contribute_entropy(
            c, world.supervisor, draw_id, 0, fresh_entropy(),
            fixed=_fixed(draw.transcript.commit_hash, older),
        )  # fmt: skip
    assert early.value.code == "draw_commit_not_checkpointed"
    assert await queries_rounds.entropy(c, draw_id) == []
    await sign_checkpoint(c)
    proof = await service_views.commit_proof(c, world.supervisor, draw_id, verifier)
    checkpoint, _ = open_checkpoint(proof.checkpoint, verifier)
    assert proof.inclusion  # never `inclusion: []`
    assert leaf_hash(proof.entry).hex() == proof.commit_hash == draw.transcript.commit_hash
    assert verify_inclusion(
        leaf_hash(proof.entry), proof.log_index, checkpoint.size, proof.inclusion,
        checkpoint.root_hash,
    )  # fmt: skip
    after = await service_rounds.contribute_entropy(
        c, world.supervisor, draw_id, 0, fresh_entropy(),
        fixed=_fixed(proof.commit_hash, proof.checkpoint_size),
    )  # fmt: skip
    assert after.status is DrawStatus.DRAWING
    raw = await c.fetchval("SELECT entry FROM log_entries WHERE kind = 'draw.entropy_contributed'")
    data = LogEntry.from_bytes(raw).data
    assert (data["commit_hash"], data["checkpoint_size"]) == (
        proof.commit_hash,
        proof.checkpoint_size,
    )
    root = await audit.root_at(c, proof.checkpoint_size)
    assert data["checkpoint_root"] == base64.b64encode(root).decode()


async def test_entropy_naming_another_commit_is_refused(world: World) -> None:
    """A contribution built on any other commit_hash is refused, and nothing is stored."""
    draw_id = await _committed(world)
    await sign_checkpoint(world.conn)
    size = await world.conn.fetchval("SELECT max(size) FROM log_checkpoints")
    with pytest.raises(DrawCommitHashMismatch) as other:
        await service_rounds.contribute_entropy(
            world.conn, world.supervisor, draw_id, 0, fresh_entropy(), fixed=_fixed("ab" * 32, size)
        )
    assert other.value.code == "draw_commit_hash_mismatch"
    assert await queries_rounds.entropy(world.conn, draw_id) == []


async def test_with_policy_witnesses_the_checkpoint_must_carry_their_cosignature(
    world: World,
) -> None:
    """The policy names a witness: a checkpoint only the log signed does not fix the commit."""
    c = world.conn
    witness = Cosigner(name="witness.example/county-1", private_key=generate_private_key())
    async with c.transaction():
        await audit.add_witness(c, witness.verifier().to_vkey())
    await service.set_policy(c, world.admin, {"commit_witnesses": [witness.name]})
    draw_id = await _committed(world)
    await sign_checkpoint(c)
    draw = await service_common.get_draw(c, draw_id)
    assert draw.transcript is not None
    size = await c.fetchval("SELECT max(size) FROM log_checkpoints")
    with pytest.raises(DrawCommitNotCheckpointed):
        await service_rounds.contribute_entropy(
            c, world.supervisor, draw_id, 0, fresh_entropy(),
            fixed=_fixed(draw.transcript.commit_hash, size),
        )  # fmt: skip
    stored = await c.fetchval("SELECT note FROM log_checkpoints WHERE size = $1", size)
    checkpoint, _ = open_checkpoint(stored, TEST_LOG.signer.verifier())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    line = witness.cosign(checkpoint, now).to_line()
    await audit.accept_cosignature(c, size=size, line=line, log_identity=TEST_LOG, now=now)
    proof = await service_views.commit_proof(
        c, world.supervisor, draw_id, TEST_LOG.signer.verifier()
    )
    assert proof.cosigners == (witness.name,)
    done = await service_rounds.contribute_entropy(
        c, world.supervisor, draw_id, 0, fresh_entropy(),
        fixed=_fixed(proof.commit_hash, proof.checkpoint_size),
    )  # fmt: skip
    assert done.status is DrawStatus.DRAWING
