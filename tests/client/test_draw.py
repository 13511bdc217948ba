"""`etender draw verify` run as a separate process, as an outside verifier would."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from signing.certs import cert_sha256, dump_pem_certificate, dump_pem_private_key
from signing.demo_ca import DemoCA, issue_identity
from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    record_declines,
    reveal_round_seed,
    reveal_seed,
)
from signing.draw.response import Decision, DrawResponse, verify_response
from signing.draw.transcript import Transcript
from tests.signing.draw.kit import (
    POOLS,
    ROUND_E,
    SEED,
    SUPERVISOR_E,
    TENDERER_E,
    DrawInputs,
    supervisor,
)

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


def _verify(*args: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PYTHON), "-m", "web.cli.main", "draw", "verify", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _declined_twice(d: DrawInputs) -> Transcript:
    """Round 0, two declines, round 1, one more decline, round 2; seed revealed."""
    contributions = [supervisor(SUPERVISOR_E), supervisor(TENDERER_E)]
    t = draw_first_round(d.transcript, pools=POOLS, platform_seed=SEED, contributions=contributions)
    t = record_declines(t, [t.rounds[0].picks[0].expert_id, t.rounds[0].picks[3].expert_id])
    t = draw_replacement_round(
        t, pools=POOLS, platform_seed=SEED, contribution=supervisor(ROUND_E[0])
    )
    t = record_declines(t, [t.rounds[1].picks[0].expert_id])
    t = draw_replacement_round(
        t, pools=POOLS, platform_seed=SEED, contribution=supervisor(ROUND_E[1])
    )
    return reveal_seed(t, SEED)


def _files(
    tmp_path: Path, t: Transcript, pools: Mapping[str, Sequence[str]] = POOLS
) -> tuple[Path, Path]:
    transcript = tmp_path / "transcript.json"
    transcript.write_text(t.to_json(), encoding="utf-8")
    pools_file = tmp_path / "pools.json"
    pools_file.write_text(json.dumps({k: list(v) for k, v in pools.items()}), encoding="utf-8")
    return transcript, pools_file


def test_draw_with_two_replacement_rounds_verifies(tmp_path: Path, fresh_draw: DrawInputs) -> None:
    """All three rounds recompute: exit 0 and a one-line summary."""
    t = _declined_twice(fresh_draw)
    assert len(t.rounds) == 3
    result = _verify(*_files(tmp_path, t))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        f"draw {t.draw_id}: 3 round(s), 8 pick(s) recomputed from 2 pool(s): all match"
    )


def test_pools_exactly_as_the_api_serves_them_verify(
    tmp_path: Path, fresh_draw: DrawInputs
) -> None:
    """`GET …/pools` answers {"pools": {…}}: saved as is, it verifies (issue 9, item 20)."""
    t = _declined_twice(fresh_draw)
    transcript, _ = _files(tmp_path, t)
    served = tmp_path / "served.json"
    served.write_text(json.dumps({"pools": {k: list(v) for k, v in POOLS.items()}}))
    result = _verify(transcript, served)
    assert result.returncode == 0, result.stdout + result.stderr


def test_commit_entry_is_checked_when_given(tmp_path: Path, fresh_draw: DrawInputs) -> None:
    """The entry the commit hash was made from passes; another entry fails."""
    t = _declined_twice(fresh_draw)
    files = _files(tmp_path, t)
    entry = tmp_path / "entry.json"
    fields: dict[str, Any] = {
        "algorithm": t.algorithm,
        "draw_id": t.draw_id,
        "categories": [[c.label, c.count] for c in t.categories],
        "pool_digests": dict(t.pool_digests),
        "pool_sizes": dict(t.pool_sizes),
        "seed_commitment": t.seed_commitment,
    }
    entry.write_bytes(rfc8785.dumps(fields))
    assert _verify(*files, "--commit-entry", entry).returncode == 0
    entry.write_bytes(b"{}")
    result = _verify(*files, "--commit-entry", entry)
    assert result.returncode == 1
    assert "commit_hash_mismatch" in result.stdout


def test_forged_replacement_pick_exits_1_and_prints_it(
    tmp_path: Path, fresh_draw: DrawInputs
) -> None:
    """A replacement pick swapped for another pool member is printed; exit status 1."""
    t = _declined_twice(fresh_draw)
    second = t.rounds[2]
    picked = {p.expert_id for rd in t.rounds for p in rd.picks}
    label = second.picks[0].label
    other = next(x for x in POOLS[label] if x not in picked)
    forged = replace(second, picks=(replace(second.picks[0], expert_id=other),))
    result = _verify(*_files(tmp_path, replace(t, rounds=(*t.rounds[:2], forged))))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"pick_mismatch round 2 {label}: pick 0: recomputed i=0 {label} "
        f"{second.picks[0].expert_id}, transcript has i=0 {label} {other}"
    ]


def test_other_pools_exit_1(tmp_path: Path, fresh_draw: DrawInputs) -> None:
    """Pools that are not the committed ones are reported."""
    pools = {**POOLS, "A08@local": POOLS["A08@local"][1:]}
    result = _verify(*_files(tmp_path, _declined_twice(fresh_draw), pools))
    assert result.returncode == 1
    assert "pool_digest_mismatch round" not in result.stdout
    assert "pool_digest_mismatch A08@local" in result.stdout


def test_unreadable_input_exits_2(tmp_path: Path, fresh_draw: DrawInputs) -> None:
    """A missing file, broken JSON or a schema violation exits 2."""
    transcript, pools = _files(tmp_path, _declined_twice(fresh_draw))
    assert _verify(tmp_path / "missing.json", pools).returncode == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert _verify(broken, pools).returncode == 2
    assert _verify(transcript, broken).returncode == 2
    doc = json.loads(transcript.read_text(encoding="utf-8"))
    doc["extra"] = True
    broken.write_text(json.dumps(doc), encoding="utf-8")
    result = _verify(broken, pools)
    assert result.returncode == 2
    assert "unreadable input" in result.stderr


def _etender(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PYTHON), "-m", "web.cli.main", "draw", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        input=stdin,
    )


@pytest.mark.slow
def test_entropy_is_generated_on_this_machine_as_lowercase_hex() -> None:
    """256 bits by default, different every time; fewer than 128 bits is refused."""
    first, second = _etender("entropy"), _etender("entropy")
    assert first.returncode == 0
    value = first.stdout.strip()
    assert len(value) == 64
    assert value == value.lower()
    int(value, 16)
    assert value != second.stdout.strip()
    assert _etender("entropy", "--bytes", "8").returncode == 2


def test_respond_signs_the_statement_with_the_experts_own_key(
    tmp_path: Path, pool_ca: DemoCA
) -> None:
    """The signature verifies against the registered certificate; a bad file exits 2."""
    now = dt.datetime.now(dt.UTC)
    me = issue_identity(pool_ca, name="专家丙", now=now - dt.timedelta(hours=1))
    (tmp_path / "me.crt").write_bytes(dump_pem_certificate(me.certificate))
    (tmp_path / "me.key").write_bytes(dump_pem_private_key(me.key))
    (tmp_path / "chain.crt").write_bytes(b"".join(dump_pem_certificate(c) for c in me.chain))
    statement = DrawResponse(
        draw_id="D-1", expert_id="E001", decision=Decision.CONFIRM, issued_at=now
    )
    (tmp_path / "s.json").write_bytes(statement.to_bytes())
    keys = ["--cert", str(tmp_path / "me.crt"), "--key", str(tmp_path / "me.key")]
    signed = _etender(
        "respond",
        "--statement",
        str(tmp_path / "s.json"),
        *keys,
        "--chain",
        str(tmp_path / "chain.crt"),
    )
    assert signed.returncode == 0, signed.stderr
    signature = base64.b64decode(signed.stdout.strip())
    verified = verify_response(
        statement.to_bytes(),
        signature,
        trust=pool_ca.trust_store(),
        at=now,
        registered_cert_sha256=cert_sha256(me.certificate),
    )
    assert verified == statement
    piped = _etender(
        "respond",
        "--statement",
        "-",
        *keys,
        stdin=base64.b64encode(statement.to_bytes()).decode(),
    )
    assert piped.returncode == 0
    (tmp_path / "bad.json").write_text('{"type":"other"}')
    assert _etender("respond", "--statement", str(tmp_path / "bad.json"), *keys).returncode == 2


def test_a_release_round_verifies_and_a_forged_round_seed_exits_1(
    tmp_path: Path, fresh_draw: DrawInputs
) -> None:
    """A round drawn after the seed was revealed recomputes with its own round seed
    (docs/formats/draw.md §4.2); a round seed other than the committed one is printed
    as round_seed_commitment_mismatch, and without the round seed nothing is guessed."""
    round_seed = bytes(range(32, 64))
    contributions = [supervisor(SUPERVISOR_E), supervisor(TENDERER_E)]
    t = draw_first_round(
        fresh_draw.transcript, pools=POOLS, platform_seed=SEED, contributions=contributions
    )
    t = record_declines(t, [t.rounds[0].picks[1].expert_id])
    t = draw_replacement_round(
        t,
        pools=POOLS,
        platform_seed=SEED,
        contribution=supervisor(ROUND_E[0]),
        round_seed=round_seed,
    )
    revealed = reveal_round_seed(reveal_seed(t, SEED), 1, round_seed)
    result = _verify(*_files(tmp_path, revealed))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 round(s), 6 pick(s)" in result.stdout
    forged = replace(revealed.rounds[1], round_seed=bytes(range(64, 96)).hex())
    result = _verify(*_files(tmp_path, replace(revealed, rounds=(revealed.rounds[0], forged))))
    assert result.returncode == 1
    assert result.stdout.startswith("round_seed_commitment_mismatch round 1:")
    result = _verify(*_files(tmp_path, reveal_seed(t, SEED)))
    assert result.returncode == 1
    assert result.stdout.startswith("round_seed_not_revealed round 1:")


def test_an_ordinary_transcript_published_before_release_rounds_verifies_unchanged(
    tmp_path: Path,
) -> None:
    """draw.md §10's transcript, exactly as published (ordinary rounds only, five
    members each), still reads, re-serialises byte for byte and verifies."""
    doc = (ROOT / "docs" / "formats" / "draw.md").read_text(encoding="utf-8")
    block = doc.split("<!-- worked-example-transcript -->", 1)[1].split("```json\n", 1)[1]
    text = block.split("\n```", 1)[0]
    parsed = Transcript.from_json(text)
    assert parsed.to_json() == json.dumps(json.loads(text), separators=(",", ":"))
    transcript = tmp_path / "published.json"
    transcript.write_text(text, encoding="utf-8")
    _, pools = _files(tmp_path, parsed)
    result = _verify(transcript, pools)
    assert result.returncode == 0, result.stdout + result.stderr
