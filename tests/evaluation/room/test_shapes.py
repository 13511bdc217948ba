"""Every command's ``data`` keys: one table (evaluation/room/shapes.py), the docs' tables
say the same, and a key a command does not take is refused before anything is read."""

from __future__ import annotations

import json
import re

import asyncpg
import pytest

from evaluation.errors import EvaluationCommandInvalid
from evaluation.room.session import EvaluationRoom
from evaluation.room.shapes import DATA_KEYS
from tests.docs.markdown import code_blocks, read, section
from tests.evaluation.kit import Template, refuse, session_world

DOC = read("formats/evaluation-session.md")
TABLES = (
    "## 4. Commands of the core",
    "## 9. Sheets",
    "## 10. Report",
    "## 11. Clarifications and supervisors' notes",
)


def _documented() -> dict[str, frozenset[str]]:
    """Each command's data keys as the doc's tables state them (`"key"` in the data cell)."""
    found: dict[str, frozenset[str]] = {}
    for title in TABLES:
        for line in section(DOC, title).splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if len(cells) < 2 or not cells[0].startswith("`") or not cells[1].startswith("`{"):
                continue
            shape = cells[1].split("`")[1]
            found[cells[0].strip("`")] = frozenset(
                re.findall(r'"([a-z_0-9]+)"(?=\s*[:,}?])', shape)
            )
    return found


def test_the_table_names_every_command_of_the_room() -> None:
    """One place holds every command's keys, no more and no fewer commands."""
    room = EvaluationRoom(trust=lambda: pytest.fail("no trust needed"))
    assert set(DATA_KEYS) == set(room.commands)


def test_the_docs_list_each_commands_exact_data_keys() -> None:
    """docs/formats/evaluation-session.md §§4, 9–11: the keys a client may send."""
    assert _documented() == dict(DATA_KEYS)


async def test_an_unknown_data_key_is_refused_for_every_command(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """evaluation_command_invalid naming the key, for each command, whoever sends it;
    nothing is written (the check runs before the session is read)."""
    w = await session_world(conn, evaluation_template)
    for command, keys in DATA_KEYS.items():
        data: dict[str, object] = {k: None for k in keys} | {"explaination": "typo"}
        for actor in (w.staff, w.member(1)):
            error = await refuse(conn, w, actor, command, data, EvaluationCommandInvalid)
            assert error.details == {"field": "explaination"}, command
            assert "'explaination' is not a field of" in error.message


async def test_a_declaration_with_a_misspelt_explanation_is_not_stored_without_it(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The case the rule is for: {"conflict": false, "explaination": …} used to be
    stored as a declaration with no explanation; it is refused instead."""
    w = await session_world(conn, evaluation_template)
    data = {"conflict": False, "explaination": "I advised bidder 2 last year"}
    error = await refuse(conn, w, w.member(1), "declare", data, EvaluationCommandInvalid)
    assert error.details == {"field": "explaination"}


def test_the_sheet_and_report_docs_show_the_same_keys() -> None:
    """docs/formats/evaluation-sheet.md §5 (each command's example frame data) and
    docs/formats/evaluation-report.md §7 (its table) agree with the one table."""
    sheet = read("formats/evaluation-sheet.md")
    for command in ("submit_sheet", "reveal", "explain", "revise", "record_error"):
        part = section(sheet, f"### `{command}`")
        [block] = code_blocks(part, "json")
        shown = json.loads(re.sub(r'"<[^"]*>"', '""', block))
        assert set(shown) == DATA_KEYS[command], command
    assert "`{}`" in section(sheet, "### `close_phase`")
    assert not DATA_KEYS["close_phase"]
    report = read("formats/evaluation-report.md")
    for line in section(report, "## 7. Commands, events and log entries").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) > 1 and cells[0].startswith("`") and cells[1].startswith("`{"):
            command = cells[0].split("`")[1]
            keys = set(re.findall(r'"([a-z_0-9]+)"', cells[1]))
            assert keys == DATA_KEYS[command], command
