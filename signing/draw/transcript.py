"""The draw transcript of etender-draw-v1: its data and its strict JSON form.

The transcript is the public record of a draw (GET /api/v1/draws/{id}/transcript,
docs/formats/draw.md §7). `Transcript.to_json` writes the members in documented order;
`Transcript.from_json` and `pools_from_json` read strictly: no member missing or extra,
no repeated key, integers are JSON integers, hashes are lowercase hex.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from signing.draw.errors import DrawError, DrawPoolInvalid, DrawTranscriptInvalid

ALGORITHM = "etender-draw-v1"
# DESIGN.md, "Verifiable expert draw": ids are hashed into pool digests, so their
# alphabet is fixed (ASCII, no separator characters).
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
HEX64 = re.compile(r"[0-9a-f]{64}")
LABEL_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no blank

# --- transcript data ---


@dataclass(frozen=True, kw_only=True, slots=True)
class Category:
    """A label and how many places to fill from its pool in round 0."""

    label: str
    count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Pick:
    """One pick: the index i that chose it, the label, the id (expert or venue)."""

    i: int
    label: str
    expert_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Shortfall:
    """Places of a label a round could not fill because its pool ran out."""

    r: int
    label: str
    missing: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Round:
    """A round: its entropy, its picks, and the declines recorded before the next."""

    r: int
    entropy: tuple[str, ...]
    picks: tuple[Pick, ...]
    declined: tuple[str, ...] = ()
    # Log index of each contribution's draw.entropy_contributed entry, in entropy order;
    # empty for a transcript kept outside a log (docs/formats/draw.md §7).
    entropy_log_indexes: tuple[int, ...] = ()
    # A release round (docs/formats/draw.md §4.2) — opened after platform_seed was
    # revealed — carries its own seed's commitment, where that was logged (null outside
    # a log) and, once its result is known, the seed itself; all None in other rounds.
    seed_commitment: str | None = None
    seed_log_index: int | None = None
    round_seed: str | None = None

    @property
    def is_release(self) -> bool:
        """Whether the round's key is the release-round key (it has its own seed)."""
        return self.seed_commitment is not None


@dataclass(frozen=True, kw_only=True, slots=True)
class Transcript:
    """The public record of a draw (GET /api/v1/draws/{id}/transcript)."""

    algorithm: str = ALGORITHM
    draw_id: str
    categories: tuple[Category, ...]
    pool_digests: Mapping[str, str]
    pool_sizes: Mapping[str, int]
    seed_commitment: str
    commit_hash: str
    commit_log_index: int | None = None  # where the commit entry is in the log
    rounds: tuple[Round, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    platform_seed: str | None = None

    def __post_init__(self) -> None:
        labels = [c.label for c in self.categories]
        if set(self.pool_digests) != set(labels) or set(self.pool_sizes) != set(labels):
            raise DrawTranscriptInvalid("pool_digests and pool_sizes must have one entry per label")
        object.__setattr__(self, "pool_digests", MappingProxyType(dict(self.pool_digests)))
        object.__setattr__(self, "pool_sizes", MappingProxyType(dict(self.pool_sizes)))

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as plain data (docs/formats/draw.md, "Transcript")."""
        labels = [c.label for c in self.categories]
        return {
            "algorithm": self.algorithm,
            "draw_id": self.draw_id,
            "categories": [[c.label, c.count] for c in self.categories],
            "pool_digests": {label: self.pool_digests[label] for label in labels},
            "pool_sizes": {label: self.pool_sizes[label] for label in labels},
            "seed_commitment": self.seed_commitment,
            "commit_hash": self.commit_hash,
            "commit_log_index": self.commit_log_index,
            "rounds": [_round_to_dict(rd) for rd in self.rounds],
            "shortfalls": [
                {"r": s.r, "label": s.label, "missing": s.missing} for s in self.shortfalls
            ],
            "platform_seed": self.platform_seed,
        }

    def to_json(self) -> str:
        """The JSON document as compact text, keys in documented order."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Transcript:
        """Parse a transcript strictly; raise DrawTranscriptInvalid on any deviation."""
        return _transcript_from_doc(_load_json(text, DrawTranscriptInvalid))


def _round_to_dict(rd: Round) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "r": rd.r,
        "entropy": list(rd.entropy),
        "entropy_log_indexes": list(rd.entropy_log_indexes),
        "picks": [{"i": p.i, "label": p.label, "expert_id": p.expert_id} for p in rd.picks],
        "declined": list(rd.declined),
    }
    if rd.is_release:  # ordinary rounds keep their five members: old transcripts unchanged
        doc["seed_commitment"] = rd.seed_commitment
        doc["seed_log_index"] = rd.seed_log_index
        doc["round_seed"] = rd.round_seed
    return doc


# --- strict JSON reading ---


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in a JSON object")
    return dict(pairs)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _load_json(text: str | bytes, error: type[DrawError]) -> Any:
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(f"not valid JSON: {exc}") from None


def _obj(value: Any, keys: Sequence[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != set(keys):
        raise DrawTranscriptInvalid(f"{where} must be an object with exactly {list(keys)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise DrawTranscriptInvalid(f"{where} must be a list")
    return value


def _int(value: Any, where: str, minimum: int = 0) -> int:
    if type(value) is not int or value < minimum:
        raise DrawTranscriptInvalid(f"{where} must be an integer >= {minimum}")
    return value


def _str(value: Any, where: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        raise DrawTranscriptInvalid(f"{where} is not a valid string")
    return value


_TOP_KEYS = (
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
)


def _transcript_from_doc(doc: Any) -> Transcript:
    top = _obj(doc, _TOP_KEYS, "transcript")
    if top["algorithm"] != ALGORITHM:
        raise DrawTranscriptInvalid(f"algorithm must be {ALGORITHM!r}")
    categories = tuple(_category_from_doc(c) for c in _list(top["categories"], "categories"))
    digests = _obj(top["pool_digests"], [c.label for c in categories], "pool_digests")
    sizes = _obj(top["pool_sizes"], [c.label for c in categories], "pool_sizes")
    seed = top["platform_seed"]
    index = top["commit_log_index"]
    return Transcript(
        draw_id=_str(top["draw_id"], "draw_id", ID_PATTERN),
        categories=categories,
        pool_digests={k: _str(v, f"pool_digests[{k}]", HEX64) for k, v in digests.items()},
        pool_sizes={k: _int(v, f"pool_sizes[{k}]") for k, v in sizes.items()},
        seed_commitment=_str(top["seed_commitment"], "seed_commitment", HEX64),
        commit_hash=_str(top["commit_hash"], "commit_hash", HEX64),
        commit_log_index=None if index is None else _int(index, "commit_log_index"),
        rounds=tuple(_round_from_doc(rd) for rd in _list(top["rounds"], "rounds")),
        shortfalls=tuple(_shortfall_from_doc(s) for s in _list(top["shortfalls"], "shortfalls")),
        platform_seed=None if seed is None else _str(seed, "platform_seed", HEX64),
    )


def _category_from_doc(value: Any) -> Category:
    pair = _list(value, "a category")
    if len(pair) != 2:
        raise DrawTranscriptInvalid("a category is [label, count]")
    label = _str(pair[0], "a category label", LABEL_PATTERN)
    return Category(label=label, count=_int(pair[1], f"count of {label}", 1))


_ROUND_KEYS = ("r", "entropy", "entropy_log_indexes", "picks", "declined")
_RELEASE_KEYS = (*_ROUND_KEYS, "seed_commitment", "seed_log_index", "round_seed")


def _release_fields(rd: dict[str, Any], r: int) -> dict[str, Any]:
    if set(rd) == set(_ROUND_KEYS):
        return {}
    index, seed = rd["seed_log_index"], rd["round_seed"]
    return {
        "seed_commitment": _str(rd["seed_commitment"], f"round {r} seed_commitment", HEX64),
        "seed_log_index": None if index is None else _int(index, f"round {r} seed_log_index"),
        "round_seed": None if seed is None else _str(seed, f"round {r} round_seed", HEX64),
    }


def _round_from_doc(value: Any) -> Round:
    release = isinstance(value, dict) and set(value) == set(_RELEASE_KEYS)
    rd = _obj(value, _RELEASE_KEYS if release else _ROUND_KEYS, "a round")
    r = _int(rd["r"], "round r")
    indexes = _list(rd["entropy_log_indexes"], f"round {r} entropy_log_indexes")
    picks = tuple(_pick_from_doc(p, r) for p in _list(rd["picks"], f"round {r} picks"))
    return Round(
        r=r,
        entropy=tuple(_str(e, f"round {r} entropy") for e in _list(rd["entropy"], "entropy")),
        entropy_log_indexes=tuple(_int(x, f"round {r} entropy log index") for x in indexes),
        picks=picks,
        declined=tuple(
            _str(e, f"round {r} declined id", ID_PATTERN)
            for e in _list(rd["declined"], f"round {r} declined")
        ),
        **_release_fields(rd, r),
    )


def _pick_from_doc(value: Any, r: int) -> Pick:
    pick = _obj(value, ("i", "label", "expert_id"), f"a pick of round {r}")
    return Pick(
        i=_int(pick["i"], "pick i"),
        label=_str(pick["label"], "pick label", LABEL_PATTERN),
        expert_id=_str(pick["expert_id"], "pick expert_id", ID_PATTERN),
    )


def _shortfall_from_doc(value: Any) -> Shortfall:
    s = _obj(value, ("r", "label", "missing"), "a shortfall")
    return Shortfall(
        r=_int(s["r"], "shortfall r"),
        label=_str(s["label"], "shortfall label", LABEL_PATTERN),
        missing=_int(s["missing"], "shortfall missing", 1),
    )


def pools_from_json(text: str | bytes) -> dict[str, list[str]]:
    """Parse a pools document; raise DrawPoolInvalid if malformed.

    Accepts ``{label: [id, …]}`` and, unchanged, the API's and page's
    ``{"pools": {label: [id, …]}}`` (docs/formats/draw.md §8): no label is ``pools``,
    since every label holds an ``@`` (§9), so the two never read alike.
    """
    doc = _load_json(text, DrawPoolInvalid)
    if isinstance(doc, dict) and set(doc) == {"pools"} and isinstance(doc["pools"], dict):
        doc = doc["pools"]
    if not isinstance(doc, dict):
        raise DrawPoolInvalid("a pools document is an object {label: [id, ...]}")
    for label, ids in doc.items():
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise DrawPoolInvalid(f"pool {label!r} must be a list of id strings")
    return doc
