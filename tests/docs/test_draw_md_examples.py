"""docs/formats/draw.md's worked example (§2.1, §10) is true to the bytes.

Every number of the example is read from the doc and recomputed with signing.draw:
the seed commitment, the pool digests, the commit entry and its hash, key_0, key_1,
key_2, every row of the selection table (h, len(remaining), h mod len, the pick), the
shell recipe's inputs, and the transcript. A changed input fails here until the
numbers follow.
"""

from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess

from expert_pool import errors
from signing.canonical import canonical_json
from signing.draw import algorithm as draw
from signing.draw import derive, rules, transcript
from signing.draw import errors as draw_errors
from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    prepare_commit,
    record_declines,
    reveal_seed,
    start_transcript,
)
from signing.draw.derive import derive_key_0, derive_key_r, index_hash
from signing.draw.rules import ContributorRole, EntropyContribution
from signing.draw.transcript import Category, Transcript
from tests.docs.markdown import code_blocks, found, read, section

DOC = read("formats/draw.md")
EXAMPLE = section(DOC, "## 10. Worked example")


def _value(name: str) -> str:
    """The value shown as `name` = `value` in the example's inputs."""
    return found(rf"`{re.escape(name)}` = `([^`]+)`", EXAMPLE)[1]


def _seed() -> bytes:
    stated = found(
        r"`platform_seed` = bytes `([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) … ([0-9a-f]{2})`",
        EXAMPLE,
    )
    first, second, third, last = (int(b, 16) for b in stated.groups())
    assert (second, third) == (first + 1, first + 2)
    return bytes(range(first, last + 1))


def _pools() -> dict[str, list[str]]:
    """`label` = `X1`, `X2`, …, `Xn` (n ids): the ids from X1 to Xn, n of them."""
    line = found(r"- pools: (.*?)\n- ", EXAMPLE)[1]
    pools: dict[str, list[str]] = {}
    for label, first, last, count in re.findall(
        r"`([^`]+)` = `([A-Z]\d+)`, (?:`[A-Z]\d+`, )?…, `([A-Z]\d+)` \((\d+) ids\)", line
    ):
        prefix = first[0]
        ids = [f"{prefix}{n}" for n in range(int(first[1:]), int(last[1:]) + 1)]
        assert len(ids) == int(count), label
        pools[label] = ids
    return pools


def _categories() -> list[Category]:
    return [Category(label=label, count=n) for label, n in json.loads(_value("categories"))]


def _round_entropy() -> tuple[list[str], list[str]]:
    """Round 0's contributions (supervisor first), then e_1 of round 1 and e_2 of round 2."""
    round_0 = found(
        r"round 0 entropy: `e_1` = `([0-9a-f]+)` \(supervisor\),\s+`e_2` = `([0-9a-f]+)`", EXAMPLE
    )
    replacements = re.findall(r"round \d places are\s.*?`e_\d` = `([0-9a-f]+)`", EXAMPLE, re.S)
    return [round_0[1], round_0[2]], replacements


def _declines() -> list[list[str]]:
    """The ids declining after round 0 and after round 1, as the example says."""
    return [
        re.findall(r"`([A-Z]\d+)`", found(r"after round 0, (.*?) decline;", EXAMPLE)[1]),
        re.findall(r"`([A-Z]\d+)`", found(r"after round 1, (.*?) declines;", EXAMPLE)[1]),
    ]


def _commit_entry() -> bytes:
    block = found(r"- commit entry:.*?\n  ```\n  (\{.*?\})\n  ```", EXAMPLE)[1]
    return block.encode()


def _transcript() -> Transcript:
    """The example's draw, recomputed with the platform's own steps."""
    seed, pools = _seed(), _pools()
    commit = prepare_commit(
        draw_id=_value("draw_id"), categories=_categories(), pools=pools, platform_seed=seed
    )
    t = start_transcript(commit, derive.leaf_hash(canonical_json(commit.entry_fields())))
    round_0, replacements = _round_entropy()
    roles = (ContributorRole.SUPERVISOR, ContributorRole.TENDERER)
    t = draw_first_round(
        t,
        pools=pools,
        platform_seed=seed,
        contributions=[
            EntropyContribution(role=r, entropy=e) for r, e in zip(roles, round_0, strict=True)
        ],
    )
    for declined, entropy in zip(_declines(), replacements, strict=True):
        t = record_declines(t, declined)
        t = draw_replacement_round(
            t,
            pools=pools,
            platform_seed=seed,
            contribution=EntropyContribution(role=ContributorRole.SUPERVISOR, entropy=entropy),
        )
    return reveal_seed(t, seed)


def test_draw_md_seed_commitment_and_pool_digests_are_recomputed() -> None:
    assert derive.seed_commitment(_seed()) == _value("seed_commitment")
    stated = dict(re.findall(r"`([^`]+@[^`]+)` → `([0-9a-f]{64})`", EXAMPLE))
    assert stated == {label: derive.pool_digest(ids) for label, ids in _pools().items()}


def test_draw_md_commit_entry_and_commit_hash_are_recomputed() -> None:
    commit = prepare_commit(
        draw_id=_value("draw_id"), categories=_categories(), pools=_pools(), platform_seed=_seed()
    )
    assert canonical_json(commit.entry_fields()) == _commit_entry()
    assert derive.leaf_hash(_commit_entry()) == _value("commit_hash")


def test_draw_md_round_keys_are_recomputed() -> None:
    round_0, replacements = _round_entropy()
    key_0 = derive_key_0(
        draw_id=_value("draw_id"),
        commit_hash=_value("commit_hash"),
        platform_seed=_seed(),
        entropy=round_0,
    )
    assert key_0.hex() == _value("key_0")
    assert [derive_key_r(key_0, r, e).hex() for r, e in enumerate(replacements, 1)] == [
        _value("key_1"),
        _value("key_2"),
    ]


def test_draw_md_replacement_places_are_recomputed() -> None:
    t = _transcript()
    stated = re.findall(r"round (\d) places are\s+`(\[.*?\])`", EXAMPLE, re.S)
    assert len(stated) == 2
    for r, places in stated:
        assert [list(p) for p in draw.refill_places(t.categories, t.rounds[: int(r)])] == (
            json.loads(places)
        )


def test_draw_md_selection_table_is_recomputed() -> None:
    t = _transcript()
    keys = {0: bytes.fromhex(_value("key_0")), 1: bytes.fromhex(_value("key_1"))}
    keys[2] = bytes.fromhex(_value("key_2"))
    pools = _pools()
    rows = re.findall(
        r"^\| (\d) \| (\d) \| (\S+) \| (\d+) \| `([0-9a-f]{64})` \| (\d+) \| (\S+) \|$",
        EXAMPLE,
        re.M,
    )
    expected = []
    taken: list[str] = []
    for rd in t.rounds:
        for p in rd.picks:
            remaining = [x for x in pools[p.label] if x not in taken]
            h = index_hash(keys[rd.r], p.i)
            expected.append(
                (
                    str(rd.r),
                    str(p.i),
                    p.label,
                    str(len(remaining)),
                    f"{h:064x}",
                    str(h % len(remaining)),
                    p.expert_id,
                )
            )
            taken.append(p.expert_id)
    assert rows == expected


def test_draw_md_seated_committee_is_recomputed() -> None:
    stated = found(r"The seated committee is (.*?)\.\n", EXAMPLE)[1]
    parts = re.findall(r"`([^`]+)`: ([A-Z0-9, ]+)", stated)
    assert {label: tuple(ids.split(", ")) for label, ids in parts} == draw.seated(_transcript())


def test_draw_md_transcript_example_is_recomputed() -> None:
    block = code_blocks(DOC.split("<!-- worked-example-transcript -->", 1)[1], "json")[0]
    assert json.loads(block) == _transcript().to_dict()
    assert Transcript.from_json(block) == _transcript()


def test_draw_md_shell_recipe_uses_the_example_inputs() -> None:
    """The sh recipe hashes the same inputs and states which number it gives."""
    recipe = code_blocks(EXAMPLE, "sh")[0]
    args = re.findall(r"\blp ([0-9A-Za-z-]+)", recipe)
    round_0, _ = _round_entropy()
    assert args == [
        transcript.ALGORITHM,
        _value("draw_id"),
        _value("commit_hash"),
        _seed().hex(),
        *round_0,
    ]
    assert found(r"printf ([0-9a-f]{64}) \| xxd", recipe)[1] == _value("key_0")
    first, last = found(r"printf 'E%s\\n' \$\(seq (\d+) (\d+)\)", recipe).groups()
    assert [f"E{n}" for n in range(int(first), int(last) + 1)] == _pools()["A08@local"]


def test_draw_md_round_picks_commitment_value_is_rfc8785() -> None:
    """§2.1's example value of `picks` is the RFC 8785 form of round 0's first picks."""
    stated = found(r"in pick order, e\.g\. `(\[\[.*?\]\])`", DOC)[1]
    picks = [[p.i, p.label, p.expert_id] for p in _transcript().rounds[0].picks]
    assert canonical_json(json.loads(stated)) == stated.encode()
    assert json.loads(stated) == picks[: len(json.loads(stated))]


def test_draw_md_policy_defaults_and_entropy_bounds_are_the_codes() -> None:
    ratio = found(r"`min_pool_ratio × count` ids \(policy, default (\d+)\)", DOC)[1]
    cap = found(r"At most `round_cap` replacement\s+rounds are drawn \(policy, default (\d+);", DOC)
    policy = rules.DrawPolicy()
    assert (int(ratio), int(cap[1])) == (policy.min_pool_ratio, policy.round_cap)
    bits, low, high = found(
        r"at least (\d+) bits \((\d+) hex characters\), at most (\d+) hex characters", DOC
    ).groups()
    assert int(bits) == 4 * int(low)
    assert (int(low), int(high)) == (rules.MIN_ENTROPY_HEX, rules.MAX_ENTROPY_HEX)
    assert rules.validate_entropy("ab" * (int(high) // 2)) == "ab" * (int(high) // 2)
    low_bits, high_bits = found(r"lowercase hex of (\d+)–(\d+) bits", DOC).groups()
    assert (int(low_bits), int(high_bits)) == (4 * int(low), 4 * int(high))


def test_draw_md_error_codes_are_the_packages() -> None:
    """§12's codes are codes of signing.draw.errors (the draw's formats) or expert_pool.errors
    (the service's own are in api docs)."""
    documented = re.findall(r"^\| `(\w+)` \|", section(DOC, "## 12. Error codes"), re.M)
    codes = {
        getattr(cls, "code", None)
        for module in (errors, draw_errors)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__
    }
    assert documented
    assert set(documented) <= codes


def test_draw_md_shell_recipe_prints_the_stated_numbers() -> None:
    """Run the recipe as published (bash, xxd, sha256sum): its three hashes are the
    pool digest of A08@local, key_0 and the table's h for round 0, i = 0."""
    # scripts/install --dev installs xxd; the rest are coreutils and bash.
    assert all(shutil.which(tool) for tool in ("bash", "xxd", "sha256sum", "seq", "head"))
    recipe = code_blocks(EXAMPLE, "sh")[0]
    run = subprocess.run(
        ["bash", "-c", recipe], capture_output=True, text=True, check=True, timeout=30
    )
    printed = [line.split()[0] for line in run.stdout.splitlines()]
    first_row = found(r"^\| 0 \| 0 \| \S+ \| \d+ \| `([0-9a-f]{64})` \|", EXAMPLE, re.M)[1]
    assert printed == [derive.pool_digest(_pools()["A08@local"]), _value("key_0"), first_row]
