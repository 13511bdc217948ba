"""etender-draw-v1: known answers from an independent implementation, and refusals."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from signing.draw import algorithm as draw
from signing.draw import derive, rules
from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    record_declines,
    refill_places,
    reveal_seed,
    seated,
)
from signing.draw.errors import (
    DrawCategoriesInvalid,
    DrawCommitHashInvalid,
    DrawDeclineInvalid,
    DrawEntropyMalformed,
    DrawEntropyMissing,
    DrawEntropyReused,
    DrawEntropyTooShort,
    DrawIdInvalid,
    DrawPolicyInvalid,
    DrawPoolInvalid,
    DrawPoolMismatch,
    DrawPoolTooSmall,
    DrawRoundCapReached,
    DrawRoundInvalid,
    DrawSeedMismatch,
)
from signing.draw.rules import ContributorRole, DrawPolicy, EntropyContribution
from signing.draw.transcript import Category, Transcript
from tests.signing.draw.kit import (
    CATEGORIES,
    POOLS,
    ROUND_E,
    SEED,
    SUPERVISOR_E,
    TENDERER_E,
    DrawInputs,
    committed,
    supervisor,
)
from tests.signing.draw.reference import ref_digest, ref_draw, ref_key_0, ref_key_r, ref_lp

DOC = Path(__file__).resolve().parents[3] / "docs" / "formats" / "draw.md"
ROUND_0 = (
    supervisor(SUPERVISOR_E),
    EntropyContribution(role=ContributorRole.TENDERER, entropy=TENDERER_E),
)


def _as_tuples(t: Transcript) -> list[list[tuple[int, str, str]]]:
    return [[(p.i, p.label, p.expert_id) for p in rd.picks] for rd in t.rounds]


def _three_rounds(d: DrawInputs) -> Transcript:
    """Round 0, one decline per label, round 1, a decline of a round-1 pick, round 2."""
    t = draw_first_round(d.transcript, pools=d.pools, platform_seed=d.seed, contributions=ROUND_0)
    r0 = t.rounds[0].picks
    t = record_declines(t, [r0[1].expert_id, r0[4].expert_id])
    t = draw_replacement_round(
        t, pools=d.pools, platform_seed=d.seed, contribution=supervisor(ROUND_E[0])
    )
    t = record_declines(t, [t.rounds[1].picks[-1].expert_id])
    return draw_replacement_round(
        t, pools=d.pools, platform_seed=d.seed, contribution=supervisor(ROUND_E[1])
    )


def test_lp_is_four_byte_big_endian_length_then_bytes() -> None:
    """lp() matches the hand-written struct encoding, including the empty string."""
    for data in (b"", b"a", b"x" * 300):
        assert derive.lp(data) == ref_lp(data)


def test_pool_digest_is_sha256_of_newline_joined_ids() -> None:
    """Pool digest matches the reference for a pool and for the empty pool."""
    assert derive.pool_digest(POOLS["A08@local"]) == ref_digest(POOLS["A08@local"])
    assert derive.pool_digest(()) == hashlib.sha256(b"").hexdigest()


def test_key_0_and_key_r_match_the_independent_implementation() -> None:
    """key_0 and key_r agree byte for byte with the reference."""
    commit_hash = "ab" * 32
    key_0 = derive.derive_key_0(
        draw_id="D-1",
        commit_hash=commit_hash,
        platform_seed=SEED,
        entropy=[SUPERVISOR_E, TENDERER_E],
    )
    assert key_0 == ref_key_0("D-1", commit_hash, SEED, [SUPERVISOR_E, TENDERER_E])
    assert derive.derive_key_r(key_0, 2, ROUND_E[0]) == ref_key_r(key_0, 2, ROUND_E[0])


def test_three_rounds_with_declines_match_the_independent_implementation(
    fresh_draw: DrawInputs,
) -> None:
    """Every pick of round 0 and of two replacement rounds matches the reference."""
    t = _three_rounds(fresh_draw)
    declines = [t.rounds[0].declined, t.rounds[1].declined]
    expected = ref_draw(
        draw_id=t.draw_id,
        commit_hash=t.commit_hash,
        seed=SEED,
        categories=[(c.label, c.count) for c in CATEGORIES],
        pools=POOLS,
        entropy_0=[SUPERVISOR_E, TENDERER_E],
        replacement_entropy=list(ROUND_E),
        declines=declines,
    )
    assert _as_tuples(t) == expected
    assert [len(rd.picks) for rd in t.rounds] == [5, 2, 1]


def test_replacement_round_refills_the_previous_rounds_declines_per_label(
    fresh_draw: DrawInputs,
) -> None:
    """Round 1 refills one place per declined expert, under the label it was picked for."""
    t = draw_first_round(
        fresh_draw.transcript, pools=POOLS, platform_seed=SEED, contributions=ROUND_0
    )
    picks = t.rounds[0].picks
    t = record_declines(t, [picks[3].expert_id, picks[0].expert_id, picks[4].expert_id])
    assert refill_places(t.categories, t.rounds) == (("A08@local", 1), ("C01@remote", 2))


def test_seated_excludes_declined_and_keeps_the_committee_full(fresh_draw: DrawInputs) -> None:
    """After two replacement rounds every label again has its full count seated."""
    t = _three_rounds(fresh_draw)
    assert {label: len(ids) for label, ids in seated(t).items()} == {
        "A08@local": 3,
        "C01@remote": 2,
    }
    declined = {x for rd in t.rounds for x in rd.declined}
    assert declined.isdisjoint(x for ids in seated(t).values() for x in ids)


def test_worked_example_in_the_format_document_is_true(fresh_draw: DrawInputs) -> None:
    """docs/formats/draw.md shows key_0 and the picks the reference computes."""
    text = DOC.read_text(encoding="utf-8")
    t = _three_rounds(fresh_draw)
    key_0 = ref_key_0(t.draw_id, t.commit_hash, SEED, [SUPERVISOR_E, TENDERER_E])
    assert key_0.hex() in text
    assert t.commit_hash in text
    for rd in t.rounds:
        for p in rd.picks:
            row = rf"\| {rd.r} \| {p.i} \| {re.escape(p.label)} \| .* \| {p.expert_id} \|"
            assert re.search(row, text), row
    block = text.split("<!-- worked-example-transcript -->", 1)[1].split("```json", 1)[1]
    assert Transcript.from_json(block.split("```", 1)[0]) == reveal_seed(t, SEED)


def test_round_0_without_supervisor_entropy_is_refused(fresh_draw: DrawInputs) -> None:
    """Entropy from a tenderer alone cannot start a draw."""
    only_tenderer = [EntropyContribution(role=ContributorRole.TENDERER, entropy=TENDERER_E)]
    with pytest.raises(DrawEntropyMissing):
        draw_first_round(
            fresh_draw.transcript, pools=POOLS, platform_seed=SEED, contributions=only_tenderer
        )


@pytest.mark.parametrize(
    ("entropy", "error"),
    [
        ("ab" * 15, DrawEntropyTooShort),  # 120 bits
        ("", DrawEntropyTooShort),
        ("AB" * 16, DrawEntropyMalformed),  # uppercase
        ("ab" * 16 + "a", DrawEntropyMalformed),  # half a byte
        ("zz" * 16, DrawEntropyMalformed),
        ("ab" * 513, DrawEntropyMalformed),  # over the maximum
    ],
)
def test_weak_or_malformed_entropy_is_refused(
    fresh_draw: DrawInputs, entropy: str, error: type[Exception]
) -> None:
    """Entropy under 128 bits, or not lowercase hex of whole bytes, is refused."""
    with pytest.raises(error):
        draw_first_round(
            fresh_draw.transcript,
            pools=POOLS,
            platform_seed=SEED,
            contributions=[supervisor(entropy)],
        )


def test_exactly_128_bits_of_entropy_is_enough(fresh_draw: DrawInputs) -> None:
    """32 lowercase hex characters are accepted."""
    t = draw_first_round(
        fresh_draw.transcript,
        pools=POOLS,
        platform_seed=SEED,
        contributions=[supervisor("0f" * 16)],
    )
    assert t.rounds[0].entropy == ("0f" * 16,)


def test_repeated_round_0_contribution_is_refused(fresh_draw: DrawInputs) -> None:
    """Two contributors sending the same value are refused."""
    with pytest.raises(DrawEntropyReused):
        draw_first_round(
            fresh_draw.transcript,
            pools=POOLS,
            platform_seed=SEED,
            contributions=[supervisor(SUPERVISOR_E), supervisor(SUPERVISOR_E)],
        )


def _declined_once(d: DrawInputs) -> Transcript:
    t = draw_first_round(d.transcript, pools=POOLS, platform_seed=SEED, contributions=ROUND_0)
    return record_declines(t, [t.rounds[0].picks[0].expert_id])


def test_replacement_round_without_entropy_is_refused(fresh_draw: DrawInputs) -> None:
    """A replacement round needs fresh entropy: none at all is refused."""
    with pytest.raises(DrawEntropyMissing):
        draw_replacement_round(
            _declined_once(fresh_draw), pools=POOLS, platform_seed=SEED, contribution=None
        )


def test_replacement_round_entropy_from_a_non_supervisor_is_refused(fresh_draw: DrawInputs) -> None:
    """Only a supervisor's entropy drives a replacement round."""
    agency = EntropyContribution(role=ContributorRole.AGENCY, entropy=ROUND_E[0])
    with pytest.raises(DrawEntropyMissing):
        draw_replacement_round(
            _declined_once(fresh_draw), pools=POOLS, platform_seed=SEED, contribution=agency
        )


def test_replacement_round_reusing_earlier_entropy_is_refused(fresh_draw: DrawInputs) -> None:
    """Replaying round 0's entropy is not fresh entropy."""
    with pytest.raises(DrawEntropyReused):
        draw_replacement_round(
            _declined_once(fresh_draw),
            pools=POOLS,
            platform_seed=SEED,
            contribution=supervisor(SUPERVISOR_E),
        )


def test_replacement_round_with_nothing_declined_is_refused(fresh_draw: DrawInputs) -> None:
    """No decline since the last round: no replacement round may be drawn."""
    t = draw_first_round(
        fresh_draw.transcript, pools=POOLS, platform_seed=SEED, contributions=ROUND_0
    )
    with pytest.raises(DrawRoundInvalid):
        draw_replacement_round(
            t, pools=POOLS, platform_seed=SEED, contribution=supervisor(ROUND_E[0])
        )


def test_replacement_rounds_beyond_the_cap_are_refused(fresh_draw: DrawInputs) -> None:
    """With the default cap of 3, a fourth replacement round is refused."""
    t = draw_first_round(
        fresh_draw.transcript, pools=POOLS, platform_seed=SEED, contributions=ROUND_0
    )
    for r in range(1, 5):
        t = record_declines(t, [t.rounds[-1].picks[0].expert_id])
        contribution = supervisor(f"{r:02x}" * 16)
        if r == 4:
            with pytest.raises(DrawRoundCapReached):
                draw_replacement_round(
                    t, pools=POOLS, platform_seed=SEED, contribution=contribution
                )
        else:
            t = draw_replacement_round(
                t, pools=POOLS, platform_seed=SEED, contribution=contribution
            )
    assert len(t.rounds) == 4


def test_round_cap_is_policy(fresh_draw: DrawInputs) -> None:
    """A cap of 0 refuses the first replacement round."""
    with pytest.raises(DrawRoundCapReached):
        draw_replacement_round(
            _declined_once(fresh_draw),
            pools=POOLS,
            platform_seed=SEED,
            contribution=supervisor(ROUND_E[0]),
            policy=DrawPolicy(round_cap=0),
        )


def test_round_0_twice_is_refused(fresh_draw: DrawInputs) -> None:
    """Round 0 cannot be redrawn to get other picks."""
    t = draw_first_round(
        fresh_draw.transcript, pools=POOLS, platform_seed=SEED, contributions=ROUND_0
    )
    with pytest.raises(DrawRoundInvalid):
        draw_first_round(t, pools=POOLS, platform_seed=SEED, contributions=[supervisor(ROUND_E[0])])


def test_pool_smaller_than_three_times_the_count_is_refused() -> None:
    """8 experts for 3 places breaks the default ratio of 3."""
    small = {"A08@local": POOLS["A08@local"][:8], "C01@remote": POOLS["C01@remote"]}
    with pytest.raises(DrawPoolTooSmall):
        committed(pools=small)


def test_small_pool_is_allowed_with_supervisor_approval() -> None:
    """The same small pool commits when a supervisor approves."""
    small = {"A08@local": POOLS["A08@local"][:8], "C01@remote": POOLS["C01@remote"]}
    assert committed(pools=small, approved=True).pool_sizes["A08@local"] == 8


def test_pool_ratio_is_policy() -> None:
    """A ratio of 1 accepts a pool exactly the size of the count."""
    commit = draw.prepare_commit(
        draw_id="D",
        categories=[Category(label="V@x", count=2)],
        pools={"V@x": ["v1", "v2"]},
        platform_seed=SEED,
        policy=DrawPolicy(min_pool_ratio=1),
    )
    assert commit.pool_sizes == {"V@x": 2}


@pytest.mark.parametrize("draw_id", ["", "a" * 65, "D 1", "D/1", "抽取1", "D\n"])
def test_bad_draw_id_is_refused(draw_id: str) -> None:
    """A draw id outside [A-Za-z0-9_-]{1,64} is refused."""
    with pytest.raises(DrawIdInvalid):
        committed(draw_id=draw_id)


@pytest.mark.parametrize("bad", ["", "E 1", "a" * 65, "E,1", "专家"])
def test_bad_expert_id_in_a_pool_is_refused(bad: str) -> None:
    """A pool with an id outside [A-Za-z0-9_-]{1,64} is refused."""
    pools = {"A08@local": (*POOLS["A08@local"], bad), "C01@remote": POOLS["C01@remote"]}
    with pytest.raises(DrawPoolInvalid):
        committed(pools=pools)


def test_unsorted_or_repeated_pool_is_refused() -> None:
    """Pools must be strictly ascending by bytes."""
    for ids in (tuple(reversed(POOLS["A08@local"])), (*POOLS["A08@local"], "E1012")):
        with pytest.raises(DrawPoolInvalid):
            committed(pools={"A08@local": ids, "C01@remote": POOLS["C01@remote"]})


def test_canonical_pool_sorts_by_bytes() -> None:
    """Uppercase sorts before lowercase and digits before letters, as bytes do."""
    assert rules.canonical_pool(["b", "B", "a", "1", "_", "-"]) == ("-", "1", "B", "_", "a", "b")


@pytest.mark.parametrize(
    "categories",
    [
        [],
        [Category(label="A@x", count=0)],
        [Category(label="A@x", count=1)] * 2,
        [Category(label="A x", count=1)],
    ],
)
def test_bad_categories_are_refused(categories: list[Category]) -> None:
    """Empty categories, zero counts, repeated or blank-containing labels are refused."""
    with pytest.raises(DrawCategoriesInvalid):
        rules.validate_categories(categories)


def test_pools_other_than_the_committed_ones_are_refused(fresh_draw: DrawInputs) -> None:
    """Swapping a pool after the commit is refused at the draw."""
    swapped = {**POOLS, "C01@remote": (*POOLS["C01@remote"], "R9999")}
    with pytest.raises(DrawPoolMismatch):
        draw_first_round(
            fresh_draw.transcript, pools=swapped, platform_seed=SEED, contributions=ROUND_0
        )


def test_a_seed_other_than_the_committed_one_is_refused(fresh_draw: DrawInputs) -> None:
    """The platform cannot change its seed after the commit."""
    with pytest.raises(DrawSeedMismatch):
        draw_first_round(
            fresh_draw.transcript, pools=POOLS, platform_seed=bytes(32), contributions=ROUND_0
        )


def test_commit_hash_must_be_lowercase_hex() -> None:
    """start_transcript refuses a commit hash that is not 64 lowercase hex characters."""
    commit = draw.prepare_commit(
        draw_id="D", categories=CATEGORIES, pools=POOLS, platform_seed=SEED
    )
    with pytest.raises(DrawCommitHashInvalid):
        draw.start_transcript(commit, "AB" * 32)


def test_declining_someone_not_seated_is_refused(fresh_draw: DrawInputs) -> None:
    """Only a seated pick can decline, and only once."""
    t = _declined_once(fresh_draw)
    with pytest.raises(DrawDeclineInvalid):
        record_declines(t, [t.rounds[0].picks[0].expert_id])
    with pytest.raises(DrawDeclineInvalid):
        record_declines(t, ["E9999"])


def test_policy_cannot_lower_entropy_below_128_bits() -> None:
    """The entropy minimum is a floor, not a knob."""
    with pytest.raises(DrawPolicyInvalid):
        DrawPolicy(min_entropy_hex=16)
