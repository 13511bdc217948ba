"""Shared inputs of the draw tests: a committed draw, its pools, its seed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785

from signing.draw.algorithm import prepare_commit, start_transcript
from signing.draw.derive import leaf_hash
from signing.draw.rules import ContributorRole, EntropyContribution
from signing.draw.transcript import Category, Transcript

SEED = bytes(range(32))
SUPERVISOR_E = "5f2b8c1e9a7d4630b1e2f3a4c5d6e7f8"
TENDERER_E = "0123456789abcdef0123456789abcdef"
ROUND_E = ("a1b2c3d4e5f60718293a4b5c6d7e8f90", "ffeeddccbbaa99887766554433221100")
CATEGORIES = (Category(label="A08@local", count=3), Category(label="C01@remote", count=2))
POOLS: Mapping[str, tuple[str, ...]] = {
    "A08@local": tuple(f"E{n}" for n in range(1001, 1013)),
    "C01@remote": tuple(f"R{n}" for n in range(2001, 2008)),
}


def supervisor(entropy: str) -> EntropyContribution:
    """An entropy contribution from a supervisor's client."""
    return EntropyContribution(role=ContributorRole.SUPERVISOR, entropy=entropy)


def commit_hash_of(fields: Mapping[str, Any]) -> str:
    """A stand-in commit entry (RFC 8785 JSON of the commit fields) and its leaf hash."""
    return leaf_hash(rfc8785.dumps(dict(fields)))


def committed(
    *,
    draw_id: str = "XC-2025-0042",
    categories: Sequence[Category] = CATEGORIES,
    pools: Mapping[str, Sequence[str]] = POOLS,
    seed: bytes = SEED,
    approved: bool = False,
) -> Transcript:
    """A transcript right after the commit entry was logged."""
    commit = prepare_commit(
        draw_id=draw_id,
        categories=categories,
        pools=pools,
        platform_seed=seed,
        supervisor_approved=approved,
    )
    return start_transcript(commit, commit_hash_of(commit.entry_fields()))


@dataclass(frozen=True)
class DrawInputs:
    """The standard draw of these tests."""

    transcript: Transcript
    pools: Mapping[str, Sequence[str]]
    seed: bytes


def standard_draw() -> DrawInputs:
    """The standard draw, committed, before round 0."""
    return DrawInputs(committed(), POOLS, SEED)
