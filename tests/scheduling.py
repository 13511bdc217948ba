"""Which worker runs which test (pytest-xdist), and in what order.

Registered by tests/conftest.py (``pytest_plugins``). scripts/test runs
``--dist loadgroup``, which this module implements itself: pytest-xdist's own loadgroup
renames each test's node id to carry its group (``item._nodeid``), and pytest 9 no
longer reads that attribute, so its groups were silently ignored.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The session templates whose build is mostly a real wait (a bid deadline bound into
# sealed parts): measured alone, the opened lot plus the closed tender took 47.7 s of
# setup for 6.5 s of CPU, the demo 34.6 s, the cross-city lot 50.1 s. Built once per
# worker, each worker that met one of their tests waited for it again (four times each
# in the last CI run). Every test that needs one runs on its group's worker, so each
# is built once per run; the most specific template names the group (a results test
# also needs the opened lot). The groups are handed out first, the largest first.
TEMPLATE_GROUPS = (
    ("evaluation_template", "evaluation"),
    ("results_template", "results"),
    ("cross_city_template", "cross_city"),
    ("demo_template", "demo"),
)
_SPECIFIC_FIRST = ("cross_city_template", "demo_template", "results_template")
_GROUPS_KEY = "etender_groups"  # workerinput: the file a worker writes the groups to


def _group(item: pytest.Item) -> str | None:
    needs = set(getattr(item, "fixturenames", ()))
    for fixture in (*_SPECIFIC_FIRST, "evaluation_template"):
        if fixture in needs:
            return dict(TEMPLATE_GROUPS)[fixture]
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups first (the largest first), then every other test, slow ones early; a
    worker writes each test's group for the controller's scheduler."""
    groups = {item.nodeid: g for item in items if (g := _group(item)) is not None}
    rank = {g: n for n, (_, g) in enumerate(TEMPLATE_GROUPS)}
    grouped = sorted((i for i in items if i.nodeid in groups), key=lambda i: rank[groups[i.nodeid]])
    rest = [i for i in items if i.nodeid not in groups]
    _slow_first(rest)
    items[:] = grouped + rest
    target = getattr(config, "workerinput", {}).get(_GROUPS_KEY)
    if target is not None:  # every worker collects the same tests: the last write wins
        fd, tmp = tempfile.mkstemp(dir=Path(target).parent)
        with os.fdopen(fd, "w") as out:
            json.dump(groups, out)
        os.replace(tmp, target)


def _slow_first(items: list[pytest.Item]) -> None:
    """Slow tests spread over the first quarter of the run, the longest wait first.

    Most of a slow test's time is a real wait (a bid deadline, a server's restart):
    started early, it overlaps the other workers' tests instead of being the last one
    left running. A worker is handed one module at a time (below), so slow tests all
    first would each pull their module early and leave the cheap ones for the end:
    they are spaced evenly through that quarter instead (with pytest-xdist's ``load``,
    eight minutes of them once ran on one of three workers).
    ``@pytest.mark.slow(wait=seconds)`` orders them.
    """

    def wait(item: pytest.Item) -> float:
        slow = item.get_closest_marker("slow")
        return float(slow.kwargs.get("wait", 0)) if slow else 0.0

    slow = sorted((i for i in items if i.get_closest_marker("slow")), key=wait, reverse=True)
    if not slow:
        return
    marked = {id(i) for i in slow}
    rest = [i for i in items if id(i) not in marked]
    step = max(len(items) // 4, len(slow)) / len(slow)
    spread: list[pytest.Item] = []
    for n, item in enumerate(slow):
        spread += rest[len(spread) - n : max(len(spread) - n, round(n * step) - n)]
        spread.append(item)
    spread += rest[len(spread) - len(slow) :]
    assert len(spread) == len(items)
    items[:] = spread


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("dist", "no") == "loadgroup" and not hasattr(config, "workerinput"):
        folder = Path(tempfile.mkdtemp(prefix="etender-groups-"))
        config.stash[_groups_file] = folder / "groups.json"


_groups_file = pytest.StashKey[Path]()


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hooks: absent with -p no:xdist
def pytest_configure_node(node: Any) -> None:
    """Tell each worker where to write the groups (pytest-xdist's hook)."""
    target = node.config.stash.get(_groups_file, None)
    if target is not None:
        node.workerinput[_GROUPS_KEY] = str(target)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup``: a template's group is one unit, every other module one unit,
    handed out in the order collected (above), one at a time as workers finish."""
    found = config.stash.get(_groups_file, None)
    if found is None:
        return None
    target: Path = found
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class TemplateGroups(LoadScopeScheduling):  # type: ignore[misc]
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                self.groups = json.loads(target.read_text())
            return self.groups.get(nodeid) or super()._split_scope(nodeid)

    config.option.loadscopereorder = False  # the order collected, not the largest first
    return TemplateGroups(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    target = config.stash.get(_groups_file, None)
    if target is not None:
        for leftover in target.parent.iterdir():
            leftover.unlink()
        target.parent.rmdir()
