"""scripts/synthetic_history.py computes its precision/recall table from the detectors'
findings on the generated history (nothing in it is written by hand), and the table in
docs/monitoring.md is the script's output on the report seed."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from scripts import synthetic_history as script
from supervision.monitoring.defaults import default_rules
from supervision.monitoring.detectors import DETECTORS
from supervision.monitoring.synthetic import case_key, generate

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "scripts/synthetic_history.py", *args],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_scripts_table_is_computed_from_the_detectors_on_the_history() -> None:
    printed = json.loads(_run("--seed", "7", "--tenders", "80", "--json"))
    history = generate(7, 80)
    assert printed["seed"] == 7
    for row in printed["rules"]:
        rule = default_rules()[row["rule"]]
        found = {case_key(f) for f in DETECTORS[rule.operator](rule, history.facts)}
        labels = history.labels.get(rule.name, set())
        assert (row["labelled"], row["found"], row["true_positives"]) == (
            len(labels), len(found), len(found & labels),
        )  # fmt: skip
        if row["found"]:
            assert row["precision"] == row["true_positives"] / row["found"]
        if row["labelled"]:
            assert row["recall"] == row["true_positives"] / row["labelled"]
    other = json.loads(_run("--seed", "8", "--tenders", "80", "--json"))
    assert [r["labelled"] for r in other["rules"]] != [r["labelled"] for r in printed["rules"]]


def test_a_detector_that_finds_nothing_scores_zero_recall_on_labelled_cases() -> None:
    history = generate(3, 120)
    rule = default_rules()["parts_identical"]
    silenced = dataclasses.replace(rule, params={**rule.params, "min_bidders": 100})
    scored = script.score(silenced, history)
    assert scored.labelled > 0
    assert (scored.found, scored.recall) == (0, 0.0)


def test_the_table_in_the_docs_is_the_scripts_output_on_the_report_seed() -> None:
    printed = _run()
    assert f"Seed {script.REPORT_SEED}, {script.TENDERS} tenders." in printed
    assert printed.strip() in (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8")
