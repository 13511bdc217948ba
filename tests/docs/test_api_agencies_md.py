"""docs/api-agencies.md and docs/statistics.md say what the code does: the shipped
formula, the fact catalogue, the error codes with their statuses, the charts and their
CSV columns."""

from __future__ import annotations

import json
import re
from types import ModuleType

from signing.errors import EtenderError
from supervision.agencies import errors as agency_errors
from supervision.agencies.formula import FACTS, SHIPPED
from supervision.statistics import errors as statistics_errors
from supervision.statistics import model
from tests.docs.markdown import code_blocks, read, section


def error_table(doc: str) -> dict[str, int]:
    rows = re.findall(r"^\| `([a-z_]+)` \| ([0-9]{3}) \|", section(doc, "## Error codes"), re.M)
    return {code: int(status) for code, status in rows}


def codes_of(module: ModuleType) -> dict[str, int]:
    return {
        cls.code: cls.status
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, EtenderError)
        and cls.__module__ == module.__name__
        and cls.code not in ("agency_error", "statistics_error")
    }


def test_the_documented_formula_is_the_shipped_one() -> None:
    """The formula printed in the doc is assessment.json, value for value."""
    doc = read("api-agencies.md")
    [printed] = code_blocks(section(doc, "### The formula (policy data)"), "json")
    assert json.loads(printed) == json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_the_documented_facts_are_the_catalogue() -> None:
    """Every fact of the catalogue has its row in the facts table, and no other."""
    table = section(read("api-agencies.md"), "### The facts")
    named = re.findall(
        r"`([a-z_]+)`",
        "\n".join(row.split("|")[1] for row in table.splitlines() if row.startswith("| `")),
    )
    assert sorted(named) == sorted(FACTS)


def test_the_documented_error_codes_are_the_classes() -> None:
    """Each code of errors.py is in its doc's table with its status."""
    agencies = error_table(read("api-agencies.md"))
    assert agencies == codes_of(agency_errors)
    statistics = error_table(read("statistics.md"))
    del statistics["request_invalid"]
    assert statistics == codes_of(statistics_errors)


def test_the_documented_charts_and_columns_are_the_models() -> None:
    """Every chart is documented with its CSV columns in order."""
    doc = read("statistics.md")
    headings = re.findall(r"^### `([a-z-]+)` ", doc, re.M)
    assert tuple(headings) == model.CHARTS
    charts = {
        c.key: c.columns
        for c in (
            model.volume_by_category([]), model.volume_by_county([]), model.savings([]),
            model.durations([]), model.remote_share(0, 0), model.expert_usage([]),
            model.agency_scores([]),
        )
    }  # fmt: skip
    for key, columns in charts.items():
        text = section(doc, f"### `{key}`")
        listed = re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)? \|", text, re.M)
        flat = tuple(c for pair in listed for c in pair if c)
        if not flat:  # charts whose columns are named in the prose
            flat = tuple(re.findall(r"`([a-z_]+)`", text.split("Columns ", 1)[1].split(";")[0]))
        assert flat == columns, key
