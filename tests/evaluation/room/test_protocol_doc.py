"""docs/formats/evaluation-session.md is the code's: its commands, events, audiences,
error codes and statuses (a client is written from the doc)."""

from __future__ import annotations

import re

import asyncpg

from evaluation.errors import EvaluationError
from evaluation.model import DEFAULT_POLICY, Phase
from evaluation.room.session import NAMED
from evaluation.sessions import commands, errors
from evaluation.sessions.model import phase_minutes
from live.model import EVERYONE
from tests.docs.markdown import read, section
from tests.evaluation.kit import Template, events
from tests.evaluation.room.test_visibility import _busy_session

DOC = read("formats/evaluation-session.md")


def _rows(title: str) -> list[list[str]]:
    """The cells of every table row of a section (header and rule rows left out)."""
    rows = []
    for line in section(DOC, title).splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows[1:] if rows else rows


def _code(cell: str) -> str:
    return cell.split("`")[1] if "`" in cell else cell


def test_every_core_command_is_documented() -> None:
    """§4's table lists exactly the core's commands."""
    documented = {_code(r[0]) for r in _rows("## 4. Commands of the core")}
    assert documented == set(commands.HANDLERS)


def test_every_event_is_documented_with_its_audience() -> None:
    """§5's table lists exactly the core's events."""
    documented = {_code(r[0]) for r in _rows("## 5. Events")}
    assert documented == set(commands.EVENTS)


def test_the_named_audiences_are_the_rooms() -> None:
    """§6 names the room's audiences."""
    named = {_code(r[0]) for r in _rows("## 6. Audiences, client ids, acknowledgements, sequence")}
    assert NAMED | {EVERYONE} <= named


def test_every_core_error_code_is_documented_with_its_status() -> None:
    """§8's table: each class of evaluation/sessions/errors.py, code and status."""
    classes = [
        c for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, EvaluationError)
        and c.__module__ == errors.__name__
    ]  # fmt: skip
    table = {_code(r[0]): int(r[1]) for r in _rows("## 8. Error codes of the core")}
    general = section(DOC, "## 8. Error codes of the core").split("| code |")[0]
    for cls in classes:
        if cls.code in table:
            assert table[cls.code] == cls.status, cls.code
        else:
            assert re.search(rf"`{cls.code}` \({cls.status}", general), cls.code


def test_the_phase_deadlines_are_the_policys() -> None:
    """§2: the defaults stated for each phase with a time limit."""
    stated = {}
    for phase_cell, limit in _rows("## 2. Phases"):
        match = re.search(r"\((?:default )?(\d+)\)", limit)
        if match:
            for name in re.findall(r"`([a-z_*]+)`", phase_cell):
                stated[name] = int(match.group(1))
    assert stated["qualification"] == phase_minutes(Phase.QUALIFICATION, DEFAULT_POLICY)
    assert stated["scoring"] == phase_minutes(Phase.SCORING, DEFAULT_POLICY)
    assert stated["adjustment"] == phase_minutes(Phase.ADJUSTMENT, DEFAULT_POLICY)
    assert stated["*_reveal"] == DEFAULT_POLICY.reveal_minutes


async def test_each_event_goes_to_the_documented_audience(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A busy session's events: each kind reached the audience §5 states."""
    stated = {_code(r[0]): _code(r[1]) for r in _rows("## 5. Events")}
    stated = {k: {"staff": "role:staff", "committee": "role:committee"}.get(v, v)
              for k, v in stated.items()}  # fmt: skip
    w = await _busy_session(conn, evaluation_template)
    seen: dict[str, set[str]] = {}
    for event in await events(conn, w):
        seen.setdefault(event.kind, set()).add(event.audience)
    for kind, audiences in seen.items():
        expected = stated[kind]
        if expected.startswith("user:"):
            assert all(a.startswith("user:") for a in audiences)
        else:
            assert audiences == {expected}, kind
    assert len(seen) >= 15


def test_the_docs_say_one_thing_about_who_knows_whom() -> None:
    """Issue 11, item 3 and the one-room rule: committee members may know each other
    (revealed signatures embed certificates, to role:panel only); the names are kept
    from the bidders, the agency, the tenderer and the public — both docs say so."""
    rule = " ".join(section(DOC, "## 3. Seats, members and who sees names").split())
    assert "its members may know each other" in rule
    assert "the bidders, the agency, the tenderer and the public, not from one another" in rule
    assert "never `all`, a log entry or the report's public view" in rule
    sheet = read("formats/evaluation-sheet.md")
    signature = " ".join(section(sheet, "## 4. Signature").split())
    assert "Members of the committee may therefore know each other" in signature
    assert "`sheet.opened`, to `role:panel`" in signature
    assert '"Who knows whom"' in signature
    report = read("formats/evaluation-report.md")
    public = next(line for line in report.splitlines() if line.startswith("| the tender's agency"))
    assert "no signature, no name" in public
