"""An independent, hand-written etender-draw-v1 for known-answer tests.

Written from DESIGN.md's text alone, without importing signing.draw, so that a
mistake in the module under test cannot hide in a shared helper.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence


def ref_lp(data: bytes) -> bytes:
    """4-byte big-endian length prefix."""
    return struct.pack(">I", len(data)) + data


def ref_key_0(draw_id: str, commit_hash: str, seed: bytes, entropy: Sequence[str]) -> bytes:
    """key_0 per DESIGN.md."""
    h = hashlib.sha256()
    for text in ("etender-draw-v1", draw_id, commit_hash, seed.hex(), *entropy):
        h.update(ref_lp(text.encode("utf-8")))
    return h.digest()


def ref_key_r(key_0: bytes, r: int, entropy: str) -> bytes:
    """key_r per DESIGN.md."""
    h = hashlib.sha256()
    h.update(ref_lp(b"etender-draw-v1/round"))
    h.update(ref_lp(key_0))
    h.update(ref_lp(format(r, "d").encode("ascii")))
    h.update(ref_lp(entropy.encode("utf-8")))
    return h.digest()


def ref_digest(ids: Sequence[str]) -> str:
    """Pool digest per DESIGN.md."""
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


def ref_round(
    key: bytes,
    places: Sequence[tuple[str, int]],
    pools: Mapping[str, Sequence[str]],
    already: Sequence[str],
) -> tuple[list[tuple[int, str, str]], list[tuple[str, int]]]:
    """One round's (i, label, id) picks and (label, missing) shortfalls."""
    gone = list(already)
    picks: list[tuple[int, str, str]] = []
    gaps: list[tuple[str, int]] = []
    i = 0
    for label, count in places:
        for n in range(count):
            remaining = [x for x in sorted(pools[label], key=str.encode) if x not in gone]
            if len(remaining) == 0:
                gaps.append((label, count - n))
                break
            digest = hashlib.sha256(key + struct.pack(">I", i)).digest()
            choice = remaining[int(digest.hex(), 16) % len(remaining)]
            picks.append((i, label, choice))
            gone.append(choice)
            i += 1
    return picks, gaps


def ref_draw(
    *,
    draw_id: str,
    commit_hash: str,
    seed: bytes,
    categories: Sequence[tuple[str, int]],
    pools: Mapping[str, Sequence[str]],
    entropy_0: Sequence[str],
    replacement_entropy: Sequence[str],
    declines: Sequence[Sequence[str]],
) -> list[list[tuple[int, str, str]]]:
    """All rounds' picks: declines[r] are declined after round r, refilled by round r+1."""
    key_0 = ref_key_0(draw_id, commit_hash, seed, entropy_0)
    rounds = [ref_round(key_0, categories, pools, [])[0]]
    for r, entropy in enumerate(replacement_entropy, start=1):
        label_of = {x: label for rd in rounds for _, label, x in rd}
        wanted = [
            (label, sum(label_of[x] == label for x in declines[r - 1])) for label, _ in categories
        ]
        places = [(label, n) for label, n in wanted if n > 0]
        taken = [x for rd in rounds for _, _, x in rd]
        rounds.append(ref_round(ref_key_r(key_0, r, entropy), places, pools, taken)[0])
    return rounds
