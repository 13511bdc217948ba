"""docs/formats/draw.md §4.2's release-round example is true to the bytes.

Every number is read from the doc and recomputed with signing.draw, continuing §10's
worked example (its transcript block): the round seed's commitment, key_3 and the
ordinary key it is not, the selection row, the shell recipe (run as published), and
round 3's transcript object — which then verifies, and fails with a forged seed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace

from signing.draw import derive
from signing.draw.algorithm import (
    draw_replacement_round,
    record_declines,
    reveal_round_seed,
    reveal_seed,
)
from signing.draw.rules import ContributorRole, EntropyContribution
from signing.draw.transcript import Round, Transcript
from signing.draw.verify import DiscrepancyKind, verify_transcript
from tests.docs.markdown import code_blocks, found, read, section

DOC = read("formats/draw.md")
EXAMPLE = section(DOC, "### 4.2 Release rounds")
WORKED = section(DOC, "## 10. Worked example")


def _value(name: str, text: str = EXAMPLE) -> str:
    return found(rf"`{re.escape(name)}` = `([^`]+)`", text)[1]


def _round_seed() -> bytes:
    first, second, third, last = (
        int(b, 16)
        for b in found(
            r"`round_seed` = bytes `([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) … ([0-9a-f]{2})`",
            EXAMPLE,
        ).groups()
    )
    assert (second, third) == (first + 1, first + 2)
    return bytes(range(first, last + 1))


def _worked() -> Transcript:
    block = code_blocks(DOC.split("<!-- worked-example-transcript -->", 1)[1], "json")[0]
    return Transcript.from_json(block)


def _pools() -> dict[str, list[str]]:
    return {
        "A08@local": [f"E{n}" for n in range(1001, 1013)],
        "C01@remote": [f"R{n}" for n in range(2001, 2008)],
    }


def _released() -> tuple[Transcript, bytes]:
    """§10's transcript, E1001 released, round 3 drawn as a release round and revealed."""
    worked = _worked()
    assert worked.platform_seed is not None
    seed = bytes.fromhex(worked.platform_seed)
    leaving = found(r"Centre staff release `([A-Z]\d+)`", EXAMPLE)[1]
    t = record_declines(replace(worked, platform_seed=None), [leaving])
    t = draw_replacement_round(
        t,
        pools=_pools(),
        platform_seed=seed,
        contribution=EntropyContribution(role=ContributorRole.SUPERVISOR, entropy=_value("e_3")),
        round_seed=_round_seed(),
    )
    return reveal_round_seed(reveal_seed(t, seed), 3, _round_seed()), seed


def test_release_example_commitment_and_places_are_recomputed() -> None:
    assert derive.seed_commitment(_round_seed()) == _value("seed_commitment")
    t, _ = _released()
    assert t.rounds[2].declined == ("E1001",)
    places = json.loads(found(r"has the places `(\[\[.*?\]\])`", EXAMPLE)[1])
    assert [[p.label, 1] for p in t.rounds[3].picks] == places


def test_release_example_key_is_the_release_key_not_the_ordinary_one() -> None:
    _, seed = _released()
    worked = _worked()
    key_0 = derive.derive_key_0(
        draw_id=worked.draw_id,
        commit_hash=worked.commit_hash,
        platform_seed=seed,
        entropy=worked.rounds[0].entropy,
    )
    assert key_0.hex() == _value("key_0", WORKED)
    key_3 = derive.derive_release_key_r(key_0, 3, _round_seed(), _value("e_3"))
    assert key_3.hex() == _value("key_3")
    ordinary = found(r"would be `([0-9a-f]{64})`", EXAMPLE)[1]
    assert derive.derive_key_r(key_0, 3, _value("e_3")).hex() == ordinary != key_3.hex()


def test_release_example_selection_row_is_recomputed() -> None:
    t, _ = _released()
    [row] = re.findall(
        r"^\| (\d) \| (\d) \| (\S+) \| (\d+) \| `([0-9a-f]{64})` \| (\d+) \| (\S+) \|$",
        EXAMPLE,
        re.M,
    )
    [pick] = t.rounds[3].picks
    taken = {p.expert_id for rd in t.rounds[:3] for p in rd.picks}
    remaining = [x for x in _pools()[pick.label] if x not in taken]
    h = derive.index_hash(bytes.fromhex(_value("key_3")), pick.i)
    assert row == (
        "3",
        str(pick.i),
        pick.label,
        str(len(remaining)),
        f"{h:064x}",
        str(h % len(remaining)),
        pick.expert_id,
    )


def test_release_example_round_object_is_recomputed_and_verifies() -> None:
    t, _ = _released()
    block = code_blocks(DOC.split("<!-- worked-example-release-round -->", 1)[1], "json")[0]
    assert json.loads(block) == json.loads(t.to_json())["rounds"][3]
    assert verify_transcript(Transcript.from_json(t.to_json()), _pools()) == []
    forged: Round = replace(t.rounds[3], round_seed="00" * 32)
    found_ = verify_transcript(replace(t, rounds=(*t.rounds[:3], forged)), _pools())
    assert [d.kind for d in found_] == [DiscrepancyKind.ROUND_SEED_COMMITMENT_MISMATCH]


def test_release_example_shell_recipe_prints_key_3() -> None:
    assert all(shutil.which(tool) for tool in ("bash", "xxd", "sha256sum"))
    recipe = code_blocks(EXAMPLE, "sh")[0]
    assert _round_seed().hex() in recipe
    assert _value("e_3") in recipe
    assert _value("key_0", WORKED) in recipe
    run = subprocess.run(
        ["bash", "-c", recipe], capture_output=True, text=True, check=True, timeout=30
    )
    assert [line.split()[0] for line in run.stdout.splitlines()] == [_value("key_3")]
