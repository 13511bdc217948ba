"""Verification of an etender-draw-v1 transcript by anyone holding the pools.

`verify_transcript` recomputes every pick of every round from the pools, the revealed
seed (and each release round's own revealed seed) and the recorded entropy, and
returns every difference it finds as a `Discrepancy` (docs/formats/draw.md §8);
`etender draw verify` prints them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from signing.draw.algorithm import refill_places, select
from signing.draw.derive import (
    derive_key_0,
    derive_key_r,
    derive_release_key_r,
    leaf_hash,
    pool_digest,
    seed_commitment,
)
from signing.draw.errors import DrawError, DrawPoolInvalid
from signing.draw.rules import check_pool, validate_entropy
from signing.draw.transcript import ALGORITHM, HEX64, Pick, Round, Shortfall, Transcript


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


class DiscrepancyKind(enum.StrEnum):
    """What a verifier found wrong in a transcript."""

    ALGORITHM_UNKNOWN = "algorithm_unknown"
    POOL_MISSING = "pool_missing"
    POOL_UNEXPECTED = "pool_unexpected"
    POOL_NOT_CANONICAL = "pool_not_canonical"
    POOL_DIGEST_MISMATCH = "pool_digest_mismatch"
    POOL_SIZE_MISMATCH = "pool_size_mismatch"
    COMMIT_HASH_MISMATCH = "commit_hash_mismatch"
    SEED_NOT_REVEALED = "seed_not_revealed"
    SEED_COMMITMENT_MISMATCH = "seed_commitment_mismatch"
    ROUND_SEED_NOT_REVEALED = "round_seed_not_revealed"
    ROUND_SEED_COMMITMENT_MISMATCH = "round_seed_commitment_mismatch"
    ROUND_NUMBER_MISMATCH = "round_number_mismatch"
    ENTROPY_INVALID = "entropy_invalid"
    ENTROPY_REUSED = "entropy_reused"
    NOTHING_TO_REFILL = "nothing_to_refill"
    PICK_MISMATCH = "pick_mismatch"
    SHORTFALL_MISMATCH = "shortfall_mismatch"
    DECLINE_INVALID = "decline_invalid"
    LOG_ORDER_INVALID = "log_order_invalid"


@dataclass(frozen=True, kw_only=True, slots=True)
class Discrepancy:
    """One difference between a transcript and its recomputation."""

    kind: DiscrepancyKind
    message: str
    r: int | None = None
    label: str | None = None

    def __str__(self) -> str:
        where = "".join(
            [
                f" round {self.r}" if self.r is not None else "",
                f" {self.label}" if self.label else "",
            ]
        )
        return f"{self.kind}{where}: {self.message}"


Kind = DiscrepancyKind


class _Findings(list[Discrepancy]):
    def add(self, kind: Kind, message: str, r: int | None = None, label: str | None = None) -> None:
        self.append(Discrepancy(kind=kind, message=message, r=r, label=label))


def _verify_pools(
    transcript: Transcript, pools: Mapping[str, Sequence[str]], found: _Findings
) -> dict[str, tuple[str, ...]] | None:
    labels = [c.label for c in transcript.categories]
    for label in sorted(set(pools) - set(labels)):
        found.add(Kind.POOL_UNEXPECTED, "the draw has no such label", label=label)
    usable: dict[str, tuple[str, ...]] = {}
    for label in (x for x in labels if x not in pools):
        found.add(Kind.POOL_MISSING, "no pool given for this label", label=label)
    for label in (x for x in labels if x in pools):
        ids = list(pools[label])
        try:
            check_pool(ids, label)
        except DrawPoolInvalid as exc:
            found.add(Kind.POOL_NOT_CANONICAL, exc.message, label=label)
        digest, committed = pool_digest(ids), transcript.pool_digests[label]
        if digest != committed:
            found.add(Kind.POOL_DIGEST_MISMATCH, f"{digest}, committed {committed}", label=label)
        if len(ids) != transcript.pool_sizes[label]:
            size = f"{len(ids)} ids, committed {transcript.pool_sizes[label]}"
            found.add(Kind.POOL_SIZE_MISMATCH, size, label=label)
        usable[label] = tuple(sorted(set(ids), key=_utf8))
    return usable if len(usable) == len(labels) else None


def _verify_seed(transcript: Transcript, found: _Findings) -> bytes | None:
    seed_hex = transcript.platform_seed
    if seed_hex is None:
        if transcript.rounds:
            found.add(Kind.SEED_NOT_REVEALED, "platform_seed not revealed: picks not recomputed")
        return None
    seed = bytes.fromhex(seed_hex) if HEX64.fullmatch(seed_hex) else b""
    if seed_commitment(seed) != transcript.seed_commitment:
        found.add(Kind.SEED_COMMITMENT_MISMATCH, "SHA-256(platform_seed) is not the commitment")
        return None
    return seed


def _verify_declines(transcript: Transcript, found: _Findings) -> None:
    picked: set[str] = set()
    declined: set[str] = set()
    for rd in transcript.rounds:
        picked.update(p.expert_id for p in rd.picks)
        for x in rd.declined:
            if x not in picked or x in declined:
                found.add(Kind.DECLINE_INVALID, f"{x} declined but not seated then", r=rd.r)
            declined.add(x)


def _verify_entropy(rounds: Sequence[Round], index: int, found: _Findings) -> None:
    entropy = rounds[index].entropy
    if not entropy or (index > 0 and len(entropy) != 1):
        found.add(Kind.ENTROPY_INVALID, "round 0 needs entropy, a later round exactly one", index)
    seen = [e for past in rounds[:index] for e in past.entropy]
    for e in entropy:
        try:
            validate_entropy(e)
        except DrawError as exc:
            found.add(Kind.ENTROPY_INVALID, exc.message, r=index)
        if e in seen:
            found.add(Kind.ENTROPY_REUSED, f"entropy {e} was used before in this draw", r=index)
        seen.append(e)


def _compare_picks(
    index: int, want: Sequence[Pick], have: Sequence[Pick], found: _Findings
) -> None:
    for n in range(max(len(want), len(have))):
        a = want[n] if n < len(want) else None
        b = have[n] if n < len(have) else None
        if a != b:
            text = f"pick {n}: recomputed {_show(a)}, transcript has {_show(b)}"
            found.add(Kind.PICK_MISMATCH, text, r=index, label=(a or b or _NO_PICK).label)


_NO_PICK = Pick(i=0, label="", expert_id="")


def _show(pick: Pick | None) -> str:
    return "nothing" if pick is None else f"i={pick.i} {pick.label} {pick.expert_id}"


def _recompute_round(
    transcript: Transcript,
    index: int,
    key_0: bytes,
    pools: Mapping[str, tuple[str, ...]],
    found: _Findings,
) -> tuple[Shortfall, ...]:
    rounds = transcript.rounds
    rd = rounds[index]
    if rd.r != index:
        found.add(Kind.ROUND_NUMBER_MISMATCH, f"round at position {index} is numbered {rd.r}", rd.r)
    _verify_entropy(rounds, index, found)
    places = refill_places(transcript.categories, rounds[:index])
    if index and not places:
        found.add(Kind.NOTHING_TO_REFILL, "no decline before this round", r=index)
    if index and len(rd.entropy) != 1:
        return ()  # no key_r without exactly one entropy (reported above)
    if index == 0:
        key = key_0
        if rd.is_release:
            found.add(Kind.ROUND_NUMBER_MISMATCH, "round 0 is never a release round", r=0)
    elif rd.is_release:
        round_seed = _release_seed(rd, found)
        if round_seed is None:
            return ()  # no key_r without the round's own seed (reported)
        key = derive_release_key_r(key_0, index, round_seed, rd.entropy[0])
    else:
        key = derive_key_r(key_0, index, rd.entropy[0])
    taken = [p.expert_id for past in rounds[:index] for p in past.picks]
    picks, shortfalls = select(key, places, pools, taken=taken, r=index)
    _compare_picks(index, picks, rd.picks, found)
    return shortfalls


def _release_seed(rd: Round, found: _Findings) -> bytes | None:
    """The release round's own seed, checked against the commitment logged before its
    entropy existed (docs/formats/draw.md §4.2)."""
    if rd.round_seed is None:
        found.add(
            Kind.ROUND_SEED_NOT_REVEALED, "round_seed not revealed: picks not recomputed", rd.r
        )
        return None
    seed = bytes.fromhex(rd.round_seed) if HEX64.fullmatch(rd.round_seed) else b""
    if seed_commitment(seed) != rd.seed_commitment:
        text = "SHA-256(round_seed) is not the round's seed_commitment"
        found.add(Kind.ROUND_SEED_COMMITMENT_MISMATCH, text, r=rd.r)
        return None
    return seed


def _verify_rounds(
    transcript: Transcript, seed: bytes, pools: Mapping[str, tuple[str, ...]], found: _Findings
) -> None:
    key_0 = derive_key_0(
        draw_id=transcript.draw_id,
        commit_hash=transcript.commit_hash,
        platform_seed=seed,
        entropy=transcript.rounds[0].entropy,
    )
    shortfalls: list[Shortfall] = []
    for index in range(len(transcript.rounds)):
        shortfalls += _recompute_round(transcript, index, key_0, pools, found)
    if tuple(shortfalls) != transcript.shortfalls:
        have = _show_gaps(transcript.shortfalls)
        found.add(Kind.SHORTFALL_MISMATCH, f"recomputed {_show_gaps(shortfalls)}, have {have}")


def _show_gaps(shortfalls: Sequence[Shortfall]) -> str:
    return "[" + ", ".join(f"round {s.r} {s.label} -{s.missing}" for s in shortfalls) + "]"


def _verify_log_order(transcript: Transcript, found: _Findings) -> None:
    """Every contribution was logged after the commit, in transcript order (issue 9, #2).

    With ``commit_log_index`` null (a transcript kept outside a log) no round may carry
    log indexes; otherwise each round has one index per entropy value, every index is
    above the commit's and they increase through the rounds; a release round's
    ``seed_log_index`` (its draw.round_committed entry) lies above every earlier index
    and below its own contribution's, so its seed was fixed before its entropy was
    known (docs/formats/draw.md §4.2). Anyone holding a published
    transcript then checks each entry's inclusion against a checkpoint by its index.
    """
    last = transcript.commit_log_index
    for rd in transcript.rounds:
        if last is None:
            if rd.entropy_log_indexes or rd.seed_log_index is not None:
                found.add(Kind.LOG_ORDER_INVALID, "log indexes without the commit's", r=rd.r)
            continue
        if rd.is_release:
            # The round's seed was committed after everything before it, before its entropy.
            if rd.seed_log_index is None or rd.seed_log_index <= last:
                text = f"round seed committed at {rd.seed_log_index}, not after {last}"
                found.add(Kind.LOG_ORDER_INVALID, text, r=rd.r)
            else:
                last = rd.seed_log_index
        if len(rd.entropy_log_indexes) != len(rd.entropy):
            found.add(Kind.LOG_ORDER_INVALID, "one log index per entropy value", r=rd.r)
            continue
        for index in rd.entropy_log_indexes:
            if index <= last:
                found.add(
                    Kind.LOG_ORDER_INVALID,
                    f"entropy logged at {index}, not after {last} (the commit or an earlier value)",
                    r=rd.r,
                )
            last = max(last, index)


def verify_transcript(
    transcript: Transcript,
    pools: Mapping[str, Sequence[str]],
    *,
    commit_entry: bytes | None = None,
) -> list[Discrepancy]:
    """Recompute every pick of every round from the pools; return every difference."""
    found = _Findings()
    if transcript.algorithm != ALGORITHM:
        found.add(Kind.ALGORITHM_UNKNOWN, f"{transcript.algorithm!r} is not {ALGORITHM}")
        return list(found)
    usable = _verify_pools(transcript, pools, found)
    if commit_entry is not None and leaf_hash(commit_entry) != transcript.commit_hash:
        found.add(Kind.COMMIT_HASH_MISMATCH, "the commit entry's leaf hash is not commit_hash")
    _verify_log_order(transcript, found)
    seed = _verify_seed(transcript, found)
    _verify_declines(transcript, found)
    if transcript.rounds and seed is not None and usable is not None:
        _verify_rounds(transcript, seed, usable, found)
    return list(found)
