"""A release round (docs/formats/draw.md §4.2): a round opened after platform_seed was
revealed mixes in its own seed, committed before its entropy and revealed with its
result, so a supervisor who knows key_0 cannot grind e_r to choose the pick."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    record_declines,
    reveal_round_seed,
    reveal_seed,
)
from signing.draw.derive import derive_key_0, derive_key_r, derive_release_key_r, lp
from signing.draw.errors import DrawRoundInvalid, DrawSeedMismatch
from signing.draw.transcript import Transcript
from signing.draw.verify import DiscrepancyKind, verify_transcript
from tests.signing.draw.kit import (
    POOLS,
    ROUND_E,
    SEED,
    SUPERVISOR_E,
    TENDERER_E,
    committed,
    supervisor,
)

ROUND_SEED = bytes(range(32, 64))
OTHER_ROUND_SEED = bytes(range(64, 96))


def _complete() -> Transcript:
    """Round 0 drawn and the platform seed revealed (the committee is complete)."""
    t = draw_first_round(
        committed(),
        pools=POOLS,
        platform_seed=SEED,
        contributions=[supervisor(TENDERER_E), supervisor(SUPERVISOR_E)],
    )
    return reveal_seed(t, SEED)


def _released(round_seed: bytes = ROUND_SEED, entropy: str = ROUND_E[0]) -> Transcript:
    t = record_declines(_complete(), [_complete().rounds[0].picks[0].expert_id])
    return draw_replacement_round(
        replace(t, platform_seed=None),
        pools=POOLS,
        platform_seed=SEED,
        contribution=supervisor(entropy),
        round_seed=round_seed,
    )


def test_release_key_is_the_documented_bytes() -> None:
    key_0 = hashlib.sha256(b"k").digest()
    data = (
        lp(b"etender-draw-v1/release-round")
        + lp(key_0)
        + lp(b"1")
        + lp(ROUND_SEED.hex().encode())
        + lp(ROUND_E[0].encode())
    )
    assert derive_release_key_r(key_0, 1, ROUND_SEED, ROUND_E[0]) == hashlib.sha256(data).digest()


def test_release_key_depends_on_the_round_seed_so_known_key_0_and_entropy_do_not_fix_it() -> None:
    # What a supervisor knows before the reveal: key_0 (platform_seed is revealed), r, e_r.
    key_0 = derive_key_0(
        draw_id="XC-2025-0042", commit_hash="0" * 64, platform_seed=SEED, entropy=[SUPERVISOR_E]
    )
    one = derive_release_key_r(key_0, 1, ROUND_SEED, ROUND_E[0])
    other = derive_release_key_r(key_0, 1, OTHER_ROUND_SEED, ROUND_E[0])
    assert one != other
    assert derive_key_r(key_0, 1, ROUND_E[0]) not in (one, other)


def test_release_round_records_the_seed_commitment_not_the_seed() -> None:
    rd = _released().rounds[1]
    assert rd.seed_commitment == hashlib.sha256(ROUND_SEED).hexdigest()
    assert rd.round_seed is None
    assert 'round_seed":null' in _released().to_json()


def test_release_round_picks_follow_the_round_seed() -> None:
    keys = {_released(seed).rounds[1].picks for seed in (bytes([n]) * 32 for n in range(8))}
    assert len(keys) > 1


def test_revealed_release_round_verifies() -> None:
    t = reveal_round_seed(reveal_seed(_released(), SEED), 1, ROUND_SEED)
    assert verify_transcript(Transcript.from_json(t.to_json()), POOLS) == []


def test_release_round_without_its_seed_is_reported_not_recomputed() -> None:
    found = verify_transcript(reveal_seed(_released(), SEED), POOLS)
    assert [d.kind for d in found] == [DiscrepancyKind.ROUND_SEED_NOT_REVEALED]


def test_tampered_round_seed_fails_verification() -> None:
    t = reveal_round_seed(reveal_seed(_released(), SEED), 1, ROUND_SEED)
    forged = replace(t.rounds[1], round_seed=OTHER_ROUND_SEED.hex())
    found = verify_transcript(replace(t, rounds=(t.rounds[0], forged)), POOLS)
    assert [d.kind for d in found] == [DiscrepancyKind.ROUND_SEED_COMMITMENT_MISMATCH]


def test_release_round_recomputed_with_the_ordinary_key_fails() -> None:
    # Dropping the seed fields turns it into an ordinary round: its picks no longer match.
    t = reveal_round_seed(reveal_seed(_released(), SEED), 1, ROUND_SEED)
    plain = replace(t.rounds[1], seed_commitment=None, round_seed=None)
    found = verify_transcript(replace(t, rounds=(t.rounds[0], plain)), POOLS)
    assert DiscrepancyKind.PICK_MISMATCH in {d.kind for d in found}


def test_revealing_a_wrong_round_seed_is_refused() -> None:
    with pytest.raises(DrawSeedMismatch):
        reveal_round_seed(_released(), 1, OTHER_ROUND_SEED)
    with pytest.raises(DrawRoundInvalid):
        reveal_round_seed(_released(), 0, ROUND_SEED)


def test_release_seed_log_index_must_lie_between_earlier_entries_and_its_entropy() -> None:
    t = reveal_round_seed(reveal_seed(_released(), SEED), 1, ROUND_SEED)
    logged = replace(
        t,
        commit_log_index=10,
        rounds=(
            replace(t.rounds[0], entropy_log_indexes=(11, 12)),
            replace(t.rounds[1], seed_log_index=14, entropy_log_indexes=(15,)),
        ),
    )
    assert verify_transcript(logged, POOLS) == []
    late = replace(logged.rounds[1], seed_log_index=16)
    found = verify_transcript(replace(logged, rounds=(logged.rounds[0], late)), POOLS)
    assert [d.kind for d in found] == [DiscrepancyKind.LOG_ORDER_INVALID]


def test_ordinary_round_json_keeps_its_five_members() -> None:
    t = record_declines(_complete(), [_complete().rounds[0].picks[0].expert_id])
    t = draw_replacement_round(
        replace(t, platform_seed=None),
        pools=POOLS,
        platform_seed=SEED,
        contribution=supervisor(ROUND_E[0]),
    )
    doc = Transcript.from_json(t.to_json()).to_dict()
    assert list(doc["rounds"][1]) == ["r", "entropy", "entropy_log_indexes", "picks", "declined"]
