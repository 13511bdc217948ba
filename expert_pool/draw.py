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
    h      = SHA-256(key_r ‖ i as 4-byte big-endian), i from 0 in every round
    pick   = remaining[int.from_bytes(h, "big") mod len(remaining)]

A replacement round r ≥ 1 refills, per label in category order, one place for each
expert in round r−1's `declined` list, under the label that expert was picked for.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from expert_pool.errors import (
    DrawCategoriesInvalid,
    DrawCommitHashInvalid,
    DrawDeclineInvalid,
    DrawEntropyMalformed,
    DrawEntropyMissing,
    DrawEntropyReused,
    DrawEntropyTooShort,
    DrawError,
    DrawIdInvalid,
    DrawPoolInvalid,
    DrawPoolMismatch,
    DrawPoolTooSmall,
    DrawRoundCapReached,
    DrawRoundInvalid,
    DrawSeedMismatch,
    DrawTranscriptInvalid,
    ExpertIdInvalid,
    PolicyInvalid,
)
from expert_pool.model import ID_PATTERN, validate_id

ALGORITHM = "etender-draw-v1"
ROUND_DOMAIN = "etender-draw-v1/round"
SEED_BYTES = 32
MIN_ENTROPY_HEX = 32  # 128 bits (DESIGN.md: "≥ 128 bits of entropy")
MAX_ENTROPY_HEX = 1024
HEX64 = re.compile(r"[0-9a-f]{64}")
LABEL_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no blank
_HEX = re.compile(r"[0-9a-f]*")


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


def index_hash(key: bytes, i: int) -> int:
    """int.from_bytes(SHA-256(key ‖ i as 4-byte big-endian), "big")."""
    return int.from_bytes(hashlib.sha256(key + i.to_bytes(4, "big")).digest(), "big")


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
    return {
        "r": rd.r,
        "entropy": list(rd.entropy),
        "picks": [{"i": p.i, "label": p.label, "expert_id": p.expert_id} for p in rd.picks],
        "declined": list(rd.declined),
    }


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
    return Transcript(
        draw_id=_str(top["draw_id"], "draw_id", ID_PATTERN),
        categories=categories,
        pool_digests={k: _str(v, f"pool_digests[{k}]", HEX64) for k, v in digests.items()},
        pool_sizes={k: _int(v, f"pool_sizes[{k}]") for k, v in sizes.items()},
        seed_commitment=_str(top["seed_commitment"], "seed_commitment", HEX64),
        commit_hash=_str(top["commit_hash"], "commit_hash", HEX64),
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


def _round_from_doc(value: Any) -> Round:
    rd = _obj(value, ("r", "entropy", "picks", "declined"), "a round")
    r = _int(rd["r"], "round r")
    picks = tuple(_pick_from_doc(p, r) for p in _list(rd["picks"], f"round {r} picks"))
    return Round(
        r=r,
        entropy=tuple(_str(e, f"round {r} entropy") for e in _list(rd["entropy"], "entropy")),
        picks=picks,
        declined=tuple(
            _str(e, f"round {r} declined id", ID_PATTERN)
            for e in _list(rd["declined"], f"round {r} declined")
        ),
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
    """Parse a pools document ``{label: [id, …]}``; raise DrawPoolInvalid if malformed."""
    doc = _load_json(text, DrawPoolInvalid)
    if not isinstance(doc, dict):
        raise DrawPoolInvalid("a pools document is an object {label: [id, ...]}")
    for label, ids in doc.items():
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise DrawPoolInvalid(f"pool {label!r} must be a list of id strings")
    return doc


# --- policy and validation ---


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawPolicy:
    """Policy of a draw; every number is data (DOMAIN.md, "Expert pool and draws")."""

    min_pool_ratio: int = 3  # pool >= ratio x count, else a supervisor must approve
    round_cap: int = 3  # replacement rounds allowed after round 0
    min_entropy_hex: int = MIN_ENTROPY_HEX

    def __post_init__(self) -> None:
        if self.min_pool_ratio < 1 or self.round_cap < 0:
            raise PolicyInvalid("min_pool_ratio must be >= 1 and round_cap >= 0")
        if not MIN_ENTROPY_HEX <= self.min_entropy_hex <= MAX_ENTROPY_HEX:
            raise PolicyInvalid("entropy minimum cannot go below 128 bits (DESIGN.md)")


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
    try:
        return validate_id(draw_id, what="draw id")
    except ExpertIdInvalid as exc:
        raise DrawIdInvalid(exc.message) from None


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
) -> Transcript:
    """Round r >= 1: refill the last round's declines with key_r from fresh entropy."""
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
    picks, shortfalls = select(derive_key_r(key_0, r, entropy), places, checked, taken=taken, r=r)
    new_round = Round(r=r, entropy=(entropy,), picks=picks)
    return replace(
        transcript,
        rounds=(*transcript.rounds, new_round),
        shortfalls=transcript.shortfalls + shortfalls,
    )


def reveal_seed(transcript: Transcript, platform_seed: bytes) -> Transcript:
    """Publish the platform seed in the transcript (when the committee is complete)."""
    _check_seed(transcript, platform_seed)
    return replace(transcript, platform_seed=platform_seed.hex())


# --- verification by anyone holding the pools ---


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
    ROUND_NUMBER_MISMATCH = "round_number_mismatch"
    ENTROPY_INVALID = "entropy_invalid"
    ENTROPY_REUSED = "entropy_reused"
    NOTHING_TO_REFILL = "nothing_to_refill"
    PICK_MISMATCH = "pick_mismatch"
    SHORTFALL_MISMATCH = "shortfall_mismatch"
    DECLINE_INVALID = "decline_invalid"


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
    key = key_0 if index == 0 else derive_key_r(key_0, index, rd.entropy[0])
    taken = [p.expert_id for past in rounds[:index] for p in past.picks]
    picks, shortfalls = select(key, places, pools, taken=taken, r=index)
    _compare_picks(index, picks, rd.picks, found)
    return shortfalls


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
    seed = _verify_seed(transcript, found)
    _verify_declines(transcript, found)
    if transcript.rounds and seed is not None and usable is not None:
        _verify_rounds(transcript, seed, usable, found)
    return list(found)
