"""The byte rules of algorithm etender-draw-v1 (docs/formats/draw.md, the normative copy).

lp(x)  = 4-byte big-endian length ‖ x; text is UTF-8; hex is lowercase
key_0  = SHA-256(lp("etender-draw-v1") ‖ lp(draw_id) ‖ lp(commit_hash)
                 ‖ lp(hex(platform_seed)) ‖ lp(e_1) ‖ lp(e_2) ‖ …)
key_r  = SHA-256(lp("etender-draw-v1/round") ‖ lp(key_0) ‖ lp(str(r)) ‖ lp(e_r))
key_r  = SHA-256(lp("etender-draw-v1/release-round") ‖ lp(key_0) ‖ lp(str(r))
                 ‖ lp(hex(round_seed)) ‖ lp(e_r))     a release round (§4.2)
h      = SHA-256(key_r ‖ i as 4-byte big-endian), i from 0 in every round
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from signing.draw.transcript import (
    ALGORITHM,
)

ROUND_DOMAIN = "etender-draw-v1/round"
RELEASE_ROUND_DOMAIN = "etender-draw-v1/release-round"
SEED_BYTES = 32


# --- the byte rules ---


def lp(data: bytes) -> bytes:
    """4-byte big-endian length, then the bytes."""
    return len(data).to_bytes(4, "big") + data


def lp_text(text: str) -> bytes:
    """lp() of UTF-8 text."""
    return lp(text.encode("utf-8"))


def pool_digest(ids: Sequence[str]) -> str:
    """hex(SHA-256("\\n".join(ids))) of a pool sorted ascending by bytes."""
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


def seed_commitment(platform_seed: bytes) -> str:
    """hex(SHA-256(platform_seed))."""
    return hashlib.sha256(platform_seed).hexdigest()


def leaf_hash(entry: bytes) -> str:
    """hex RFC 9162 leaf hash SHA-256(0x00 ‖ entry) of a log entry."""
    return hashlib.sha256(b"\x00" + entry).hexdigest()


def derive_key_0(
    *, draw_id: str, commit_hash: str, platform_seed: bytes, entropy: Sequence[str]
) -> bytes:
    """key_0 from the commit, the platform seed and round 0's entropy, in order."""
    parts = [ALGORITHM, draw_id, commit_hash, platform_seed.hex(), *entropy]
    return hashlib.sha256(b"".join(lp_text(p) for p in parts)).digest()


def derive_key_r(key_0: bytes, r: int, entropy: str) -> bytes:
    """key_r of replacement round r >= 1 from key_0 and that round's fresh entropy."""
    data = lp_text(ROUND_DOMAIN) + lp(key_0) + lp_text(str(r)) + lp_text(entropy)
    return hashlib.sha256(data).digest()


def derive_release_key_r(key_0: bytes, r: int, round_seed: bytes, entropy: str) -> bytes:
    """key_r of a release round: a round opened after platform_seed was revealed.

    Supervisors know key_0 then, so key_0 and e_r alone would let the one who supplies
    e_r grind it offline and choose the pick; the round's own seed, committed before any
    entropy for it exists and revealed only with its result, closes that (§4.2).
    """
    data = (
        lp_text(RELEASE_ROUND_DOMAIN)
        + lp(key_0)
        + lp_text(str(r))
        + lp_text(round_seed.hex())
        + lp_text(entropy)
    )
    return hashlib.sha256(data).digest()


def index_hash(key: bytes, i: int) -> int:
    """int.from_bytes(SHA-256(key ‖ i as 4-byte big-endian), "big")."""
    return int.from_bytes(hashlib.sha256(key + i.to_bytes(4, "big")).digest(), "big")
