"""The witness: cosign a growing log, refuse forks, rollbacks and foreign checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing.log.checkpoint import (
    Checkpoint,
    Cosigner,
    generate_private_key,
    sign_checkpoint,
    verify_cosignature,
)
from signing.log.errors import (
    CheckpointRollback,
    CheckpointSignatureInvalid,
    ForkDetected,
    OriginMismatch,
)
from signing.log.merkle import MemoryTree
from signing.log.note import Ed25519Signer
from signing.log.witness import WitnessState, witness_step

ORIGIN = "etender.example/log"
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def platform() -> Ed25519Signer:
    return Ed25519Signer(name=ORIGIN, private_key=generate_private_key())


@pytest.fixture
def witness() -> Cosigner:
    return Cosigner(name="supervision.example/witness", private_key=generate_private_key())


def _tree(size: int, *, fork_at: int | None = None) -> MemoryTree:
    tree = MemoryTree()
    for i in range(size):
        tree.append(f"{'forked' if i == fork_at else 'entry'} {i}".encode())
    return tree


def _note(tree: MemoryTree, size: int, signer: Ed25519Signer) -> str:
    checkpoint = Checkpoint(origin=signer.name, size=size, root_hash=tree.root(size))
    return sign_checkpoint(checkpoint, signer).to_text()


def test_the_witness_cosigns_a_growing_log(platform: Ed25519Signer, witness: Cosigner) -> None:
    """From the empty state through sizes 1, 3, 3, 8, 21, 64, each step is cosigned."""
    tree = _tree(64)
    state = WitnessState.initial(ORIGIN)
    for step, size in enumerate([1, 3, 3, 8, 21, 64]):
        proof = tree.consistency_proof(state.size, size)
        now = NOW + timedelta(minutes=step)
        note = _note(tree, size, platform)
        state, line = witness_step(state, note, proof, platform.verifier(), witness, now)
        assert (state.size, state.root_hash) == (size, tree.root(size))
        checkpoint = Checkpoint(origin=ORIGIN, size=size, root_hash=tree.root(size))
        assert verify_cosignature(checkpoint, line, witness.verifier()) == now


def test_a_fork_at_a_larger_size_is_refused(platform: Ed25519Signer, witness: Cosigner) -> None:
    """A tree that rewrote leaf 2 cannot prove it extends the cosigned tree of 5."""
    honest, forked = _tree(5), _tree(10, fork_at=2)
    state = WitnessState(origin=ORIGIN, size=5, root_hash=honest.root())
    note = _note(forked, 10, platform)
    with pytest.raises(ForkDetected) as caught:
        witness_step(
            state, note, forked.consistency_proof(5, 10), platform.verifier(), witness, NOW
        )
    assert caught.value.code == "log_fork_detected"


def test_a_different_root_at_the_same_size_is_a_fork(
    platform: Ed25519Signer, witness: Cosigner
) -> None:
    """Two signed roots for one size are a split view."""
    honest, forked = _tree(7), _tree(7, fork_at=6)
    state = WitnessState(origin=ORIGIN, size=7, root_hash=honest.root())
    with pytest.raises(ForkDetected):
        witness_step(state, _note(forked, 7, platform), [], platform.verifier(), witness, NOW)


def test_a_tampered_consistency_proof_is_refused(
    platform: Ed25519Signer, witness: Cosigner
) -> None:
    """An honest checkpoint with a broken proof is not cosigned."""
    tree = _tree(12)
    state = WitnessState(origin=ORIGIN, size=5, root_hash=tree.root(5))
    proof = tree.consistency_proof(5, 12)
    proof[0] = bytes(32)
    with pytest.raises(ForkDetected):
        witness_step(state, _note(tree, 12, platform), proof, platform.verifier(), witness, NOW)


def test_a_rollback_to_a_smaller_tree_is_refused(
    platform: Ed25519Signer, witness: Cosigner
) -> None:
    """A checkpoint smaller than the last cosigned one raises log_rollback."""
    tree = _tree(10)
    state = WitnessState(origin=ORIGIN, size=10, root_hash=tree.root())
    with pytest.raises(CheckpointRollback) as caught:
        witness_step(state, _note(tree, 6, platform), [], platform.verifier(), witness, NOW)
    assert caught.value.code == "log_rollback"


def test_a_checkpoint_not_signed_by_the_platform_is_refused(
    platform: Ed25519Signer, witness: Cosigner
) -> None:
    """Only the configured platform key's checkpoints are considered."""
    impostor = Ed25519Signer(name=ORIGIN, private_key=generate_private_key())
    tree = _tree(4)
    state = WitnessState.initial(ORIGIN)
    proof = tree.consistency_proof(0, 4)
    with pytest.raises(CheckpointSignatureInvalid) as caught:
        witness_step(state, _note(tree, 4, impostor), proof, platform.verifier(), witness, NOW)
    assert caught.value.code == "log_checkpoint_signature_invalid"


def test_a_checkpoint_for_another_log_is_refused(
    platform: Ed25519Signer, witness: Cosigner
) -> None:
    """The witness tracks one origin; another origin's checkpoint is refused."""
    tree = _tree(4)
    state = WitnessState.initial("other.example/log")
    with pytest.raises(OriginMismatch):
        witness_step(state, _note(tree, 4, platform), [], platform.verifier(), witness, NOW)


def test_state_reloads_from_the_last_cosigned_checkpoint() -> None:
    """A restarted witness rebuilds its state from the checkpoint it saved."""
    tree = _tree(9)
    checkpoint = Checkpoint(origin=ORIGIN, size=9, root_hash=tree.root())
    state = WitnessState.from_checkpoint(checkpoint)
    assert (state.origin, state.size, state.root_hash) == (ORIGIN, 9, tree.root())
