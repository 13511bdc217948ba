"""The transcript document (strict JSON) and its verification by outsiders."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    record_declines,
    reveal_seed,
)
from signing.draw.errors import DrawPoolInvalid, DrawTranscriptInvalid
from signing.draw.transcript import Pick, Shortfall, Transcript, pools_from_json
from signing.draw.verify import DiscrepancyKind, verify_transcript
from tests.signing.draw.kit import POOLS, ROUND_E, SEED, SUPERVISOR_E, DrawInputs, supervisor


def _finished(d: DrawInputs) -> Transcript:
    """A draw with one replacement round and the seed revealed."""
    t = draw_first_round(
        d.transcript, pools=POOLS, platform_seed=SEED, contributions=[supervisor(SUPERVISOR_E)]
    )
    t = record_declines(t, [t.rounds[0].picks[2].expert_id])
    t = draw_replacement_round(
        t, pools=POOLS, platform_seed=SEED, contribution=supervisor(ROUND_E[0])
    )
    return reveal_seed(t, SEED)


def _kinds(t: Transcript, pools: Any = POOLS, **kw: Any) -> list[DiscrepancyKind]:
    return [d.kind for d in verify_transcript(t, pools, **kw)]


def _doc(t: Transcript) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(t.to_json())
    return doc


def test_transcript_round_trips_through_json(fresh_draw: DrawInputs) -> None:
    """from_json(to_json(t)) == t, and the keys are the documented ones in order."""
    t = _finished(fresh_draw)
    assert Transcript.from_json(t.to_json()) == t
    assert list(_doc(t)) == [
        "algorithm",
        "draw_id",
        "categories",
        "pool_digests",
        "pool_sizes",
        "seed_commitment",
        "commit_hash",
        "commit_log_index",
        "rounds",
        "shortfalls",
        "platform_seed",
    ]
    assert list(_doc(t)["rounds"][1]) == [
        "r",
        "entropy",
        "entropy_log_indexes",
        "picks",
        "declined",
    ]
    assert list(_doc(t)["rounds"][1]["picks"][0]) == ["i", "label", "expert_id"]


def test_unrevealed_seed_is_null_in_json(fresh_draw: DrawInputs) -> None:
    """Before the reveal the document says platform_seed: null."""
    assert _doc(fresh_draw.transcript)["platform_seed"] is None
    assert _doc(fresh_draw.transcript)["rounds"] == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(extra=1),
        lambda d: d.pop("shortfalls"),
        lambda d: d.update(algorithm="etender-draw-v2"),
        lambda d: d.update(commit_hash=d["commit_hash"].upper()),
        lambda d: d.update(platform_seed="00"),
        lambda d: d["pool_sizes"].update({"A08@local": True}),
        lambda d: d["pool_sizes"].update({"A08@local": 12.0}),
        lambda d: d["pool_digests"].pop("A08@local"),
        lambda d: d["categories"].append(["B01@local"]),
        lambda d: d["categories"][0].__setitem__(1, 0),
        lambda d: d["rounds"][0].update(note="x"),
        lambda d: d["rounds"][0]["picks"][0].update(expert_id="E 1"),
        lambda d: d["rounds"][0]["picks"][0].update(i=-1),
        lambda d: d["rounds"][0].update(entropy=[1]),
        lambda d: d["shortfalls"].append({"r": 0, "label": "A08@local"}),
    ],
)
def test_malformed_transcript_is_refused(fresh_draw: DrawInputs, mutate: Any) -> None:
    """Any deviation from the schema raises DrawTranscriptInvalid."""
    doc = _doc(_finished(fresh_draw))
    mutate(doc)
    with pytest.raises(DrawTranscriptInvalid):
        Transcript.from_json(json.dumps(doc))


@pytest.mark.parametrize("text", ["", "[]", "{", '{"a":1,"a":2}', "NaN", b"\xff\xfe"])
def test_non_json_or_duplicate_keys_are_refused(text: str | bytes) -> None:
    """Text that is not one JSON object, or repeats a key, is refused."""
    with pytest.raises(DrawTranscriptInvalid):
        Transcript.from_json(text)


def test_honest_transcript_verifies(fresh_draw: DrawInputs) -> None:
    """A transcript the functions produced verifies with no discrepancy."""
    assert verify_transcript(_finished(fresh_draw), POOLS) == []


def test_operator_swapping_a_pick_is_detected(fresh_draw: DrawInputs) -> None:
    """Replacing a pick with a favourite from the pool is a pick mismatch."""
    t = _finished(fresh_draw)
    picked = {p.expert_id for rd in t.rounds for p in rd.picks}
    favourite = next(x for x in POOLS["A08@local"] if x not in picked)
    first = t.rounds[0]
    forged = replace(first, picks=(replace(first.picks[0], expert_id=favourite), *first.picks[1:]))
    kinds = _kinds(replace(t, rounds=(forged, *t.rounds[1:])))
    assert DiscrepancyKind.PICK_MISMATCH in kinds


def test_dropping_a_pick_is_detected(fresh_draw: DrawInputs) -> None:
    """A round with a pick missing does not verify."""
    t = _finished(fresh_draw)
    last = t.rounds[-1]
    short = replace(last, picks=last.picks[:-1])
    assert _kinds(replace(t, rounds=(*t.rounds[:-1], short))) == [DiscrepancyKind.PICK_MISMATCH]


def test_pools_other_than_committed_are_detected(fresh_draw: DrawInputs) -> None:
    """A pool with one id changed fails its digest and size checks."""
    t = _finished(fresh_draw)
    pools = {**POOLS, "C01@remote": POOLS["C01@remote"][:-1]}
    kinds = _kinds(t, pools)
    assert DiscrepancyKind.POOL_DIGEST_MISMATCH in kinds
    assert DiscrepancyKind.POOL_SIZE_MISMATCH in kinds


def test_missing_and_unexpected_pools_are_reported(fresh_draw: DrawInputs) -> None:
    """A label without a pool and a pool without a label are each reported."""
    pools = {"A08@local": POOLS["A08@local"], "Z@local": ["x"]}
    kinds = _kinds(_finished(fresh_draw), pools)
    assert DiscrepancyKind.POOL_MISSING in kinds
    assert DiscrepancyKind.POOL_UNEXPECTED in kinds


def test_unsorted_pool_is_reported(fresh_draw: DrawInputs) -> None:
    """A pool not ascending by bytes is not the committed list."""
    pools = {**POOLS, "A08@local": tuple(reversed(POOLS["A08@local"]))}
    assert DiscrepancyKind.POOL_NOT_CANONICAL in _kinds(_finished(fresh_draw), pools)


def test_wrong_revealed_seed_is_detected(fresh_draw: DrawInputs) -> None:
    """A revealed seed that does not hash to the commitment is reported."""
    t = replace(_finished(fresh_draw), platform_seed="11" * 32)
    assert _kinds(t) == [DiscrepancyKind.SEED_COMMITMENT_MISMATCH]


def test_unrevealed_seed_means_not_verified(fresh_draw: DrawInputs) -> None:
    """Without the seed the picks cannot be recomputed, and the verifier says so."""
    t = replace(_finished(fresh_draw), platform_seed=None)
    assert _kinds(t) == [DiscrepancyKind.SEED_NOT_REVEALED]


def test_commit_entry_must_hash_to_commit_hash(fresh_draw: DrawInputs) -> None:
    """An entry given to the verifier is checked against commit_hash."""
    assert _kinds(_finished(fresh_draw), commit_entry=b"another entry") == [
        DiscrepancyKind.COMMIT_HASH_MISMATCH
    ]


def test_changed_entropy_is_detected(fresh_draw: DrawInputs) -> None:
    """Editing round 0's recorded entropy changes every recomputed pick."""
    t = _finished(fresh_draw)
    forged = replace(t.rounds[0], entropy=("77" * 16,))
    assert DiscrepancyKind.PICK_MISMATCH in _kinds(replace(t, rounds=(forged, *t.rounds[1:])))


def test_replacement_round_with_two_entropies_is_reported(fresh_draw: DrawInputs) -> None:
    """A round r >= 1 has exactly one entropy."""
    t = _finished(fresh_draw)
    forged = replace(t.rounds[1], entropy=(ROUND_E[0], ROUND_E[1]))
    assert DiscrepancyKind.ENTROPY_INVALID in _kinds(replace(t, rounds=(t.rounds[0], forged)))


def test_reused_entropy_in_transcript_is_reported(fresh_draw: DrawInputs) -> None:
    """A replacement round that replays round 0's entropy is reported."""
    t = _finished(fresh_draw)
    forged = replace(t.rounds[1], entropy=(SUPERVISOR_E,))
    assert DiscrepancyKind.ENTROPY_REUSED in _kinds(replace(t, rounds=(t.rounds[0], forged)))


def test_invented_decline_is_reported(fresh_draw: DrawInputs) -> None:
    """A declined id that was never picked is reported."""
    t = _finished(fresh_draw)
    forged = replace(t.rounds[1], declined=("E9999",))
    assert DiscrepancyKind.DECLINE_INVALID in _kinds(replace(t, rounds=(t.rounds[0], forged)))


def test_replacement_round_without_declines_is_reported(fresh_draw: DrawInputs) -> None:
    """Removing the decline that justified round 1 is reported."""
    t = _finished(fresh_draw)
    forged = replace(t.rounds[0], declined=())
    kinds = _kinds(replace(t, rounds=(forged, t.rounds[1])))
    assert DiscrepancyKind.NOTHING_TO_REFILL in kinds


def test_misnumbered_round_is_reported(fresh_draw: DrawInputs) -> None:
    """Rounds are numbered 0, 1, 2, … in order."""
    t = _finished(fresh_draw)
    forged = replace(t.rounds[1], r=5)
    assert DiscrepancyKind.ROUND_NUMBER_MISMATCH in _kinds(replace(t, rounds=(t.rounds[0], forged)))


def test_invented_or_hidden_shortfall_is_reported(fresh_draw: DrawInputs) -> None:
    """Shortfalls are recomputed too."""
    t = _finished(fresh_draw)
    forged = replace(t, shortfalls=(Shortfall(r=0, label="A08@local", missing=1),))
    assert _kinds(forged) == [DiscrepancyKind.SHORTFALL_MISMATCH]


def test_unknown_algorithm_is_reported(fresh_draw: DrawInputs) -> None:
    """A transcript of another algorithm is not verified as this one."""
    assert _kinds(replace(_finished(fresh_draw), algorithm="x")) == [
        DiscrepancyKind.ALGORITHM_UNKNOWN
    ]


def test_discrepancy_text_names_round_label_and_both_picks(fresh_draw: DrawInputs) -> None:
    """The printed form says where and what differs."""
    t = _finished(fresh_draw)
    last = t.rounds[-1]
    forged = replace(last, picks=(Pick(i=0, label=last.picks[0].label, expert_id="E0000"),))
    (found,) = verify_transcript(replace(t, rounds=(t.rounds[0], forged)), POOLS)
    assert str(found).startswith(f"pick_mismatch round 1 {last.picks[0].label}: pick 0:")
    assert "E0000" in str(found)
    assert last.picks[0].expert_id in str(found)


def test_pools_document_must_map_labels_to_id_lists() -> None:
    """pools.json is {label: [id, …]}; anything else is refused."""
    assert pools_from_json('{"A@local": ["E1"]}') == {"A@local": ["E1"]}
    for text in ("[]", '{"A": "E1"}', '{"A": [1]}', "{"):
        with pytest.raises(DrawPoolInvalid):
            pools_from_json(text)
