"""Algorithm etender-draw-v1: the verifiable random draw (DESIGN.md, "Verifiable expert draw").

Sans-I/O: every step takes the current `Transcript` and returns a new one; the caller
stores it, appends the log entries and talks to people. The same functions draw the
assisting venues (副场) from the venue catalogue: nothing here knows what an id names.

    prepare_commit → (caller logs the commit entry, gets commit_hash) → start_transcript
    → draw_first_round → record_declines → draw_replacement_round … → reveal_seed

Byte rules (docs/formats/draw.md is the normative copy):

    lp(x)  = 4-byte big-endian length ‖ x; text is UTF-8; hex is lowercase
    key_0  = SHA-256(lp("etender-draw-v1") ‖ lp(draw_id) ‖ lp(commit_hash)
                     ‖ lp(hex(platform_seed)) ‖ lp(e_1) ‖ lp(e_2) ‖ …)
    key_r  = SHA-256(lp("etender-draw-v1/round") ‖ lp(key_0) ‖ lp(str(r)) ‖ lp(e_r))
    key_r  = SHA-256(lp("etender-draw-v1/release-round") ‖ lp(key_0) ‖ lp(str(r))
                     ‖ lp(hex(round_seed)) ‖ lp(e_r))   a release round (seed revealed)
    h      = SHA-256(key_r ‖ i as 4-byte big-endian), i from 0 in every round
    pick   = remaining[int.from_bytes(h, "big") mod len(remaining)]

A replacement round r ≥ 1 refills, per label in category order, one place for each
expert in round r−1's `declined` list, under the label that expert was picked for.

The byte rules live in `signing.draw.derive`, the policy and input checks in
`signing.draw.rules`, the transcript's data and JSON form in `signing.draw.transcript`
and verification in `signing.draw.verify`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from signing.draw.derive import (
    SEED_BYTES,
    derive_key_0,
    derive_key_r,
    derive_release_key_r,
    index_hash,
    pool_digest,
    seed_commitment,
)
from signing.draw.errors import (
    DrawDeclineInvalid,
    DrawEntropyMissing,
    DrawEntropyReused,
    DrawPoolMismatch,
    DrawPoolTooSmall,
    DrawRoundCapReached,
    DrawRoundInvalid,
    DrawSeedMismatch,
)
from signing.draw.rules import (
    DEFAULT_POLICY,
    ContributorRole,
    DrawPolicy,
    EntropyContribution,
    check_pool,
    validate_categories,
    validate_commit_hash,
    validate_draw_id,
    validate_entropy,
)
from signing.draw.transcript import (
    ALGORITHM,
    Category,
    Pick,
    Round,
    Shortfall,
    Transcript,
)

# --- selection (DESIGN.md, "Selection in round r") ---


def select(
    key: bytes,
    places: Sequence[tuple[str, int]],
    pools: Mapping[str, Sequence[str]],
    *,
    taken: Iterable[str] = (),
    r: int = 0,
) -> tuple[tuple[Pick, ...], tuple[Shortfall, ...]]:
    """One round's picks: for each (label, count), pick from what is left of the pool."""
    used = set(taken)
    picks: list[Pick] = []
    shortfalls: list[Shortfall] = []
    i = 0
    for label, count in places:
        for done in range(count):
            remaining = [x for x in pools[label] if x not in used]
            if not remaining:  # recorded, not raised: the draw goes on with other labels
                shortfalls.append(Shortfall(r=r, label=label, missing=count - done))
                break
            chosen = remaining[index_hash(key, i) % len(remaining)]
            picks.append(Pick(i=i, label=label, expert_id=chosen))
            used.add(chosen)
            i += 1
    return tuple(picks), tuple(shortfalls)


def refill_places(
    categories: Sequence[Category], rounds: Sequence[Round]
) -> tuple[tuple[str, int], ...]:
    """Places of the next round: the last round's declines, per label, in category order."""
    if not rounds:
        return tuple((c.label, c.count) for c in categories)
    label_of = {p.expert_id: p.label for rd in rounds for p in rd.picks}
    wanted = Counter(label_of.get(x) for x in rounds[-1].declined)
    return tuple((c.label, wanted[c.label]) for c in categories if wanted[c.label])


def seated(transcript: Transcript) -> dict[str, tuple[str, ...]]:
    """Ids picked and not declined, per label in category order, in pick order."""
    declined = {x for rd in transcript.rounds for x in rd.declined}
    result: dict[str, list[str]] = {c.label: [] for c in transcript.categories}
    for rd in transcript.rounds:
        for p in rd.picks:
            if p.expert_id not in declined:
                result[p.label].append(p.expert_id)
    return {label: tuple(ids) for label, ids in result.items()}


# --- the steps of a draw ---


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawCommit:
    """What the commit log entry records, before any entropy exists."""

    draw_id: str
    categories: tuple[Category, ...]
    pool_digests: Mapping[str, str]
    pool_sizes: Mapping[str, int]
    seed_commitment: str

    def entry_fields(self) -> dict[str, Any]:
        """The fields the caller puts in the commit log entry (JSON-ready)."""
        return {
            "algorithm": ALGORITHM,
            "draw_id": self.draw_id,
            "categories": [[c.label, c.count] for c in self.categories],
            "pool_digests": {c.label: self.pool_digests[c.label] for c in self.categories},
            "pool_sizes": {c.label: self.pool_sizes[c.label] for c in self.categories},
            "seed_commitment": self.seed_commitment,
        }


def _checked_pools(
    categories: Sequence[Category], pools: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    labels = [c.label for c in categories]
    if set(pools) != set(labels):
        raise DrawPoolMismatch(f"pools must be given for exactly the labels {labels}")
    return {label: check_pool(pools[label], label) for label in labels}


def _check_seed_bytes(platform_seed: bytes) -> None:
    if not isinstance(platform_seed, bytes) or len(platform_seed) != SEED_BYTES:
        raise DrawSeedMismatch(f"platform_seed must be {SEED_BYTES} random bytes")


def prepare_commit(
    *,
    draw_id: str,
    categories: Sequence[Category],
    pools: Mapping[str, Sequence[str]],
    platform_seed: bytes,
    policy: DrawPolicy = DEFAULT_POLICY,
    supervisor_approved: bool = False,
) -> DrawCommit:
    """Check a draw's inputs and compute its commitment (pool digests, seed commitment)."""
    validate_draw_id(draw_id)
    cats = validate_categories(categories)
    checked = _checked_pools(cats, pools)
    _check_seed_bytes(platform_seed)
    for c in cats:
        size = len(checked[c.label])
        if size < policy.min_pool_ratio * c.count and not supervisor_approved:
            raise DrawPoolTooSmall(
                f"pool {c.label} has {size} ids; {policy.min_pool_ratio} x {c.count} = "
                f"{policy.min_pool_ratio * c.count} needed unless a supervisor approves"
            )
    return DrawCommit(
        draw_id=draw_id,
        categories=cats,
        pool_digests={label: pool_digest(ids) for label, ids in checked.items()},
        pool_sizes={label: len(ids) for label, ids in checked.items()},
        seed_commitment=seed_commitment(platform_seed),
    )


def start_transcript(commit: DrawCommit, commit_hash: str) -> Transcript:
    """The transcript of a committed draw, once the commit entry's leaf hash is known."""
    return Transcript(
        draw_id=commit.draw_id,
        categories=commit.categories,
        pool_digests=commit.pool_digests,
        pool_sizes=commit.pool_sizes,
        seed_commitment=commit.seed_commitment,
        commit_hash=validate_commit_hash(commit_hash),
    )


def _committed_pools(
    transcript: Transcript, pools: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    checked = _checked_pools(transcript.categories, pools)
    for label, ids in checked.items():
        if pool_digest(ids) != transcript.pool_digests[label]:
            raise DrawPoolMismatch(f"pool {label} is not the committed pool")
    return checked


def _check_seed(transcript: Transcript, platform_seed: bytes) -> None:
    _check_seed_bytes(platform_seed)
    if seed_commitment(platform_seed) != transcript.seed_commitment:
        raise DrawSeedMismatch("platform_seed does not match the seed commitment")


def _round_zero_entropy(
    contributions: Sequence[EntropyContribution], policy: DrawPolicy
) -> tuple[str, ...]:
    # DESIGN.md, trust model 4: no supervisor entropy, no draw; the server adds none.
    if not any(c.role is ContributorRole.SUPERVISOR for c in contributions):
        raise DrawEntropyMissing("round 0 needs entropy from at least one supervisor")
    values = tuple(
        validate_entropy(c.entropy, minimum_hex=policy.min_entropy_hex) for c in contributions
    )
    if len(set(values)) != len(values):
        raise DrawEntropyReused("two contributions of round 0 are the same value")
    return values


def draw_first_round(
    transcript: Transcript,
    *,
    pools: Mapping[str, Sequence[str]],
    platform_seed: bytes,
    contributions: Sequence[EntropyContribution],
    policy: DrawPolicy = DEFAULT_POLICY,
) -> Transcript:
    """Round 0: key_0 from every contribution in the order given, then the picks."""
    if transcript.rounds:
        raise DrawRoundInvalid("round 0 has already been drawn")
    checked = _committed_pools(transcript, pools)
    _check_seed(transcript, platform_seed)
    entropy = _round_zero_entropy(contributions, policy)
    key = derive_key_0(
        draw_id=transcript.draw_id,
        commit_hash=transcript.commit_hash,
        platform_seed=platform_seed,
        entropy=entropy,
    )
    places = refill_places(transcript.categories, ())
    picks, shortfalls = select(key, places, checked, r=0)
    return replace(
        transcript, rounds=(Round(r=0, entropy=entropy, picks=picks),), shortfalls=shortfalls
    )


def record_declines(transcript: Transcript, expert_ids: Sequence[str]) -> Transcript:
    """Add declines and timeouts to the latest round; they are refilled by the next one."""
    if not transcript.rounds:
        raise DrawDeclineInvalid("nothing has been drawn yet")
    still = {x for ids in seated(transcript).values() for x in ids}
    if len(set(expert_ids)) != len(expert_ids):
        raise DrawDeclineInvalid("an id is declined twice")
    for x in expert_ids:
        if x not in still:
            raise DrawDeclineInvalid(f"{x!r} is not a seated pick of this draw")
    last = transcript.rounds[-1]
    updated = replace(last, declined=last.declined + tuple(expert_ids))
    return replace(transcript, rounds=(*transcript.rounds[:-1], updated))


def _fresh_entropy(
    transcript: Transcript, contribution: EntropyContribution | None, policy: DrawPolicy
) -> str:
    # DESIGN.md: a replacement round needs fresh supervisor entropy e_r.
    if contribution is None or contribution.role is not ContributorRole.SUPERVISOR:
        raise DrawEntropyMissing("a replacement round needs fresh supervisor entropy")
    value = validate_entropy(contribution.entropy, minimum_hex=policy.min_entropy_hex)
    if any(value in rd.entropy for rd in transcript.rounds):
        raise DrawEntropyReused("this entropy was already used in this draw")
    return value


def draw_replacement_round(
    transcript: Transcript,
    *,
    pools: Mapping[str, Sequence[str]],
    platform_seed: bytes,
    contribution: EntropyContribution | None,
    policy: DrawPolicy = DEFAULT_POLICY,
    round_seed: bytes | None = None,
    seed_log_index: int | None = None,
) -> Transcript:
    """Round r >= 1: refill the last round's declines with key_r from fresh entropy.

    With ``round_seed`` it is a release round (docs/formats/draw.md §4.2): the caller
    committed that seed before any entropy for the round existed, because platform_seed
    is already revealed; the key mixes it in and the round records its commitment.
    """
    if not transcript.rounds:
        raise DrawRoundInvalid("round 0 comes first")
    r = len(transcript.rounds)
    places = refill_places(transcript.categories, transcript.rounds)
    if not places:
        raise DrawRoundInvalid("no decline recorded since the last round: nothing to refill")
    if r > policy.round_cap:
        raise DrawRoundCapReached(f"{policy.round_cap} replacement round(s) already drawn")
    entropy = _fresh_entropy(transcript, contribution, policy)
    checked = _committed_pools(transcript, pools)
    _check_seed(transcript, platform_seed)
    key_0 = derive_key_0(
        draw_id=transcript.draw_id,
        commit_hash=transcript.commit_hash,
        platform_seed=platform_seed,
        entropy=transcript.rounds[0].entropy,
    )
    taken = [p.expert_id for rd in transcript.rounds for p in rd.picks]
    if round_seed is None:
        key, new_round = derive_key_r(key_0, r, entropy), Round(r=r, entropy=(entropy,), picks=())
    else:
        _check_seed_bytes(round_seed)
        key = derive_release_key_r(key_0, r, round_seed, entropy)
        new_round = Round(
            r=r,
            entropy=(entropy,),
            picks=(),
            seed_commitment=seed_commitment(round_seed),
            seed_log_index=seed_log_index,
        )
    picks, shortfalls = select(key, places, checked, taken=taken, r=r)
    new_round = replace(new_round, picks=picks)
    return replace(
        transcript,
        rounds=(*transcript.rounds, new_round),
        shortfalls=transcript.shortfalls + shortfalls,
    )


def reveal_round_seed(transcript: Transcript, r: int, round_seed: bytes) -> Transcript:
    """Publish release round r's own seed in the transcript (with the round's result)."""
    rounds = list(transcript.rounds)
    if not 1 <= r < len(rounds) or not rounds[r].is_release:
        raise DrawRoundInvalid(f"round {r} is not a release round of this draw")
    _check_seed_bytes(round_seed)
    if seed_commitment(round_seed) != rounds[r].seed_commitment:
        raise DrawSeedMismatch(f"round_seed does not match round {r}'s seed commitment")
    rounds[r] = replace(rounds[r], round_seed=round_seed.hex())
    return replace(transcript, rounds=tuple(rounds))


def reveal_seed(transcript: Transcript, platform_seed: bytes) -> Transcript:
    """Publish the platform seed in the transcript (when the committee is complete)."""
    _check_seed(transcript, platform_seed)
    return replace(transcript, platform_seed=platform_seed.hex())
