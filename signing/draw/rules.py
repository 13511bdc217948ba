"""The draw's policy and the checks of its inputs: ids, entropy, commit hash, categories, pools."""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from signing.draw.errors import (
    DrawCategoriesInvalid,
    DrawCommitHashInvalid,
    DrawEntropyMalformed,
    DrawEntropyTooShort,
    DrawIdInvalid,
    DrawPolicyInvalid,
    DrawPoolInvalid,
)
from signing.draw.transcript import (
    HEX64,
    ID_PATTERN,
    LABEL_PATTERN,
    Category,
)

MIN_ENTROPY_HEX = 32  # 128 bits (DESIGN.md: "≥ 128 bits of entropy")
MAX_ENTROPY_HEX = 1024
_HEX = re.compile(r"[0-9a-f]*")


# --- policy and validation ---


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawPolicy:
    """Policy of a draw; every number is data (DOMAIN.md, "Expert pool and draws")."""

    min_pool_ratio: int = 3  # pool >= ratio x count, else a supervisor must approve
    round_cap: int = 3  # replacement rounds allowed after round 0
    min_entropy_hex: int = MIN_ENTROPY_HEX

    def __post_init__(self) -> None:
        if self.min_pool_ratio < 1 or self.round_cap < 0:
            raise DrawPolicyInvalid("min_pool_ratio must be >= 1 and round_cap >= 0")
        if not MIN_ENTROPY_HEX <= self.min_entropy_hex <= MAX_ENTROPY_HEX:
            raise DrawPolicyInvalid("entropy minimum cannot go below 128 bits (DESIGN.md)")


DEFAULT_POLICY = DrawPolicy()


class ContributorRole(enum.StrEnum):
    """Who contributed an entropy value; round 0 needs a supervisor, round r only one."""

    SUPERVISOR = "supervisor"
    TENDERER = "tenderer"
    AGENCY = "agency"
    CENTRE = "centre"
    WITNESS = "witness"


@dataclass(frozen=True, kw_only=True, slots=True)
class EntropyContribution:
    """Entropy generated on a contributor's own client (never by the server)."""

    role: ContributorRole
    entropy: str


def validate_draw_id(draw_id: str) -> str:
    """Return `draw_id` if it matches [A-Za-z0-9_-]{1,64}, else raise DrawIdInvalid."""
    if not isinstance(draw_id, str) or ID_PATTERN.fullmatch(draw_id) is None:
        raise DrawIdInvalid(f"draw id {draw_id!r} does not match [A-Za-z0-9_-]{{1,64}}")
    return draw_id


def validate_entropy(entropy: str, *, minimum_hex: int = MIN_ENTROPY_HEX) -> str:
    """Return `entropy` if it is lowercase hex of whole bytes and long enough."""
    if not isinstance(entropy, str) or not _HEX.fullmatch(entropy) or len(entropy) % 2:
        raise DrawEntropyMalformed("entropy must be lowercase hex of whole bytes")
    if len(entropy) > MAX_ENTROPY_HEX:
        raise DrawEntropyMalformed(f"entropy longer than {MAX_ENTROPY_HEX} hex characters")
    if len(entropy) < minimum_hex:
        raise DrawEntropyTooShort(
            f"entropy carries {len(entropy) * 4} bits; at least {minimum_hex * 4} are required"
        )
    return entropy


def validate_commit_hash(commit_hash: str) -> str:
    """Return `commit_hash` if it is 64 lowercase hex characters."""
    if not isinstance(commit_hash, str) or HEX64.fullmatch(commit_hash) is None:
        raise DrawCommitHashInvalid("commit_hash must be 64 lowercase hex characters")
    return commit_hash


def validate_categories(categories: Iterable[Category]) -> tuple[Category, ...]:
    """Check labels are printable ASCII and distinct and counts are >= 1."""
    result = tuple(categories)
    if not result:
        raise DrawCategoriesInvalid("a draw has at least one category")
    for c in result:
        if not isinstance(c.label, str) or LABEL_PATTERN.fullmatch(c.label) is None:
            raise DrawCategoriesInvalid(f"label {c.label!r} is not printable ASCII (1-200)")
        if type(c.count) is not int or c.count < 1:
            raise DrawCategoriesInvalid(f"count of {c.label} must be an integer >= 1")
    if len({c.label for c in result}) != len(result):
        raise DrawCategoriesInvalid("each label appears once in a draw")
    return result


def canonical_pool(ids: Iterable[str]) -> tuple[str, ...]:
    """Sort ids ascending by bytes; raise DrawPoolInvalid on a bad or repeated id."""
    result = tuple(sorted(ids, key=_utf8))
    check_pool(result)
    return result


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def check_pool(ids: Sequence[str], label: str = "") -> tuple[str, ...]:
    """Return `ids` if every id is valid and they are strictly ascending by bytes."""
    for x in ids:
        if not isinstance(x, str) or ID_PATTERN.fullmatch(x) is None:
            raise DrawPoolInvalid(f"pool {label}: {x!r} is not a valid id")
    raw = [x.encode("utf-8") for x in ids]
    if any(a >= b for a, b in itertools.pairwise(raw)):
        raise DrawPoolInvalid(f"pool {label}: ids must be strictly ascending by bytes")
    return tuple(ids)
