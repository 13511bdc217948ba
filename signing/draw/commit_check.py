"""The contributor's own check, before any entropy leaves its machine (issue 9, item 2).

``GET /api/v1/draws/{id}/commit`` answers the commit entry, the signed checkpoint that
covers it (with its witnesses' cosignatures) and the RFC 9162 inclusion proof. The
contributor's client checks, with keys it holds itself:

1. the checkpoint note carries the log's signature (the pinned log key);
2. the entry is the draw's `draw.committed` entry and its leaf hash is `commit_hash`;
3. the inclusion proof places that leaf at `log_index` under the checkpoint's root;
4. every witness the contributor names cosigned that checkpoint.

Only then does it send its entropy naming `commit_hash` and `checkpoint_size`: an
operator rewriting the commit entry afterwards would have to fork a witnessed log.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from signing.draw.errors import DrawCommitProofInvalid as CommitProofInvalid
from signing.log.checkpoint import CosignatureVerifier, open_checkpoint, verify_cosignature
from signing.log.entry import LogEntry
from signing.log.errors import AuditError
from signing.log.merkle import leaf_hash, verify_inclusion
from signing.log.note import Ed25519Verifier

# The kind of the draw's commit entry: expert_pool.events.PoolEvent.DRAW_COMMITTED
# writes it (a test pins the two equal; the format is docs/formats/draw.md).
COMMIT_KIND = "draw.committed"


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckedCommit:
    """What the contribution names once the proof held."""

    commit_hash: str
    checkpoint_size: int
    log_index: int


def _b64(value: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise CommitProofInvalid(f"{what} is not base64") from None


def check_commit_proof(
    doc: Mapping[str, Any],
    *,
    draw_id: str,
    log_vkey: str,
    witness_vkeys: Sequence[str] = (),
) -> CheckedCommit:
    """Check a ``GET …/commit`` answer; CommitProofInvalid says what does not hold."""
    try:
        checkpoint, note = open_checkpoint(
            str(doc["checkpoint"]), Ed25519Verifier.from_vkey(log_vkey)
        )
        entry = _b64(doc["entry"], "entry")
        leaf = leaf_hash(entry)
        size, index = int(doc["checkpoint_size"]), int(doc["log_index"])
        proof = [_b64(x, "an inclusion hash") for x in doc["inclusion"]]
        parsed = LogEntry.from_bytes(entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise CommitProofInvalid(f"the commit proof is malformed: {exc}") from None
    except AuditError as exc:
        raise CommitProofInvalid(f"the checkpoint or entry does not verify: {exc}") from None
    if parsed.kind != COMMIT_KIND or parsed.data.get("draw_id") != draw_id:
        raise CommitProofInvalid(f"the entry is not the commit of draw {draw_id}")
    if leaf.hex() != doc.get("commit_hash"):
        raise CommitProofInvalid("commit_hash is not the leaf hash of the entry")
    if checkpoint.size != size or not 0 <= index < size:
        raise CommitProofInvalid(f"the checkpoint of size {checkpoint.size} does not cover it")
    if not verify_inclusion(leaf, index, size, proof, checkpoint.root_hash):
        raise CommitProofInvalid("the inclusion proof does not lead to the checkpoint's root")
    for vkey in witness_vkeys:
        try:
            witness = CosignatureVerifier.from_vkey(vkey)
            line = next(
                (
                    s
                    for s in note.signatures
                    if (s.name, s.key_id) == (witness.name, witness.key_id)
                ),
                None,
            )
            if line is None:
                raise CommitProofInvalid(f"witness {witness.name} did not cosign the checkpoint")
            verify_cosignature(checkpoint, line, witness)
        except AuditError as exc:
            raise CommitProofInvalid(f"a witness cosignature does not verify: {exc}") from None
    return CheckedCommit(commit_hash=leaf.hex(), checkpoint_size=size, log_index=index)
