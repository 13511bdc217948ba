"""The pure core of a witness: verify a new checkpoint against the last cosigned one, cosign.

A witness (run by a party the operator does not control, DESIGN.md "Transparency log")
remembers one tree head per log: the origin, the size and root it last cosigned. Given
a new signed checkpoint and a consistency proof from that size, it cosigns only if the
log's signature verifies and the new tree extends the old one; otherwise it refuses and
keeps its state, so a fork or a rollback is reported rather than endorsed. The polling
process, its HTTP client and its state file live elsewhere; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from signing.log.checkpoint import Checkpoint, Cosigner, open_checkpoint
from signing.log.errors import CheckpointMalformed, CheckpointRollback, ForkDetected, OriginMismatch
from signing.log.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from signing.log.note import NoteVerifier


@dataclass(frozen=True, kw_only=True, slots=True)
class WitnessState:
    """What a witness remembers about one log: the tree head it last cosigned."""

    origin: str
    size: int
    root_hash: bytes

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.root_hash) != HASH_SIZE:
            raise CheckpointMalformed("a witness state has a size ≥ 0 and a 32-byte root")

    @classmethod
    def initial(cls, origin: str) -> WitnessState:
        """The state before the first cosignature: the empty tree, a prefix of every tree."""
        return cls(origin=origin, size=0, root_hash=EMPTY_ROOT)

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint) -> WitnessState:
        """The state after cosigning ``checkpoint`` (e.g. reloaded from the saved note)."""
        return cls(origin=checkpoint.origin, size=checkpoint.size, root_hash=checkpoint.root_hash)


def check_extends(state: WitnessState, checkpoint: Checkpoint, proof: Sequence[bytes]) -> None:
    """Refuse unless ``checkpoint`` is the same log as ``state`` and extends its tree."""
    if checkpoint.origin != state.origin:
        raise OriginMismatch(f"checkpoint is for {checkpoint.origin!r}, not {state.origin!r}")
    if checkpoint.size < state.size:
        raise CheckpointRollback(
            f"checkpoint size {checkpoint.size} is below the cosigned size {state.size}"
        )
    # RFC 9162 2.1.4.2; equal sizes need equal roots and an empty proof.
    if not verify_consistency(
        state.size, checkpoint.size, state.root_hash, checkpoint.root_hash, proof
    ):
        raise ForkDetected(
            f"checkpoint of size {checkpoint.size} is not consistent with the cosigned "
            f"tree of size {state.size}"
        )


def witness_step(
    state: WitnessState,
    checkpoint_note: bytes | str,
    consistency_proof: Sequence[bytes],
    platform_verifier: NoteVerifier,
    witness_key: Cosigner,
    now: datetime,
) -> tuple[WitnessState, str]:
    """Verify and cosign a new checkpoint; return the new state and the cosignature line.

    Raises CheckpointMalformed or CheckpointSignatureInvalid (bad note or log signature),
    OriginMismatch, CheckpointRollback (smaller tree) or ForkDetected (same size with
    another root, or a failing consistency proof); the caller keeps ``state`` then.
    The line has no trailing newline (it is what POST /api/v1/log/cosignatures takes).
    """
    checkpoint, _ = open_checkpoint(checkpoint_note, platform_verifier)
    check_extends(state, checkpoint, consistency_proof)
    signature = witness_key.cosign(checkpoint, now)
    return WitnessState.from_checkpoint(checkpoint), signature.to_line()
