"""The architecture of DESIGN.md ("Architecture"), checked from the imports.

    web  →  tender, evaluation, expert_pool, supervision  →  live, accounts  →  audit  →  signing
    supervision.alerts sits between: every domain package raises alerts through it, and
    it imports only accounts, audit and signing (issue 14: supervision owns every alert)
    client  →  signing   (the users' programs: never server code)

Checked here, from every import statement (those inside functions and under
``TYPE_CHECKING`` too — an import moved into a function to dodge a cycle is still one):

1. packages point down only: no package imports one above it, nor a peer it is not
   allowed to use; nothing imports ``web``; ``client`` imports only ``signing``;
2. no cycles anywhere, between packages or between any two modules (so inside ``web/``
   no arrow climbs back up: the modules have an order with every import pointing down);
3. inside ``web/``, a feature's pages never import its routes nor the reverse, and no
   feature imports the app or the place that collects the features;
4. pure modules do no I/O, by role: every ``model.py`` and ``rules.py``, and all of
   ``signing/``, import no database, web or network library.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packages import OURS

ROOT = Path(__file__).resolve().parents[1]
LAYER = {
    "signing": 0,
    "audit": 1,
    "accounts": 2,
    "live": 2,
    "tender": 3,
    "evaluation": 3,
    "expert_pool": 3,
    "supervision": 3,
    "listing": 3,
    "web": 4,
}
# A sub-package on a floor of its own: the platform's alert store, below every domain
# package that raises alerts (issue 14), above accounts and audit; with it the root of
# supervision's errors, which its errors derive from.
SUBFLOOR = {"supervision.alerts": 2.5, "supervision.errors": 2.4}
CLIENT = "client"  # beside the floors: imports signing/ only, imported by web/ only
# A domain package may use these peers' services (DESIGN.md: through their service or
# query functions, never their tables); anything else on the same floor is refused.
PEERS: dict[str, set[str]] = {
    "live": {"accounts"},  # the engine knows actors; accounts never imports live
    "evaluation": {"tender", "expert_pool"},
    "supervision": {"tender", "expert_pool", "evaluation"},
    "listing": {"tender", "supervision"},  # committees, sealed bids, the parties registry
}
IO_LIBRARIES = {"asyncpg", "starlette", "uvicorn", "httpx", "websockets", "web", "live"}
PURE_ROLES = {"model.py", "rules.py"}


def test_every_package_has_its_place() -> None:
    """A new top-level package gets a floor (or is the client) before anything else."""
    assert set(OURS) == {*LAYER, CLIENT}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_files() -> list[Path]:
    return sorted(p for package in OURS for p in (ROOT / package).rglob("*.py"))


MODULES = {module_name(p): p for p in our_files()}


def imported(path: Path) -> Iterator[str]:
    """Every module of ours one file imports (a name imported from a package that is a
    module of its own counts as that module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _ours(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    yield f"{base}.{alias.name}"
                else:
                    yield from _ours(base)


def _ours(name: str) -> Iterator[str]:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    if name:
        yield name


GRAPH = {name: sorted(set(imported(path)) - {name}) for name, path in MODULES.items()}


def top(module: str) -> str:
    return module.split(".")[0]


def place(module: str) -> str:
    """The floor's name: a sub-floor's sub-package, else the top package."""
    for name in SUBFLOOR:
        if module == name or module.startswith(f"{name}."):
            return name
    return top(module)


def floor(name: str) -> float:
    return SUBFLOOR.get(name, LAYER.get(name, 0))


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_packages_point_down_only(module: str) -> None:
    """No module imports a package above its own, nor an unrelated peer; client/ only
    signing/; nothing but web/ imports client/."""
    package = place(module)
    wrong = []
    for name in {place(m) for m in GRAPH[module]} - {package}:
        if CLIENT in (package, name):
            allowed = name == "signing" or (name == CLIENT and package == "web")
        else:
            above = floor(name) > floor(package)
            peer = floor(name) == floor(package) and name not in PEERS.get(package, set())
            allowed = not (above or peer)
        if not allowed:
            wrong.append(name)
    assert wrong == []


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_cycles_anywhere() -> None:
    """No two modules import each other, however indirectly (DESIGN.md: arrows point
    down only, with no cycles, inside web/ too)."""
    assert cycles(GRAPH) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check itself: a loop of three is found, a chain is not."""
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []


def web_feature(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "web" and (ROOT / "web" / parts[1]).is_dir():
        return parts[1]
    return None


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if web_feature(m)))
def test_web_features_keep_their_roles(module: str) -> None:
    """A feature's pages never import routes and its routes never import pages; no
    feature imports the app or the place that collects the features."""
    role = module.rpartition(".")[2]
    wrong = []
    for name in GRAPH[module]:
        other = name.rpartition(".")[2]
        if name in ("web.app", "web.asgi", "web.features") or (
            web_feature(name) and {role, other} == {"routes", "pages"}
        ):
            wrong.append(name)
    assert wrong == []


@pytest.mark.parametrize(
    "module",
    sorted(m for m, p in MODULES.items() if p.name in PURE_ROLES or top(m) == "signing"),
)
def test_pure_modules_do_no_io(module: str) -> None:
    """A model (dataclasses and rules, time passed in) and signing/ import no database,
    web or network library (STYLE.md, point 1), judged by role, not by package."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    assert names & IO_LIBRARIES == set()


def test_no_module_over_400_lines() -> None:
    """A module that grew past 400 lines holds more than one responsibility (issue 10)."""
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


# The two places that touch Starlette's state: the factory stores the Services there,
# and the one typed accessor reads them (DESIGN.md: nothing discovered lazily).
STATE_HOLDERS = {"web.app", "web.services", "web.submission.upload_app"}  # the two factories


APP_STATE = re.compile(r"\bapp\.state\b|getattr\([\w.]*\.state\b")


def test_only_the_factory_and_the_accessor_touch_app_state() -> None:
    """No module reaches ``app.state`` (nor ``getattr`` on any ``.state``) but
    web/app.py (stores the Services) and web/services.py (``services()``)."""
    touching = sorted(
        name
        for name, path in MODULES.items()
        if name not in STATE_HOLDERS and APP_STATE.search(path.read_text(encoding="utf-8"))
    )
    assert touching == []


def test_the_app_state_check_finds_a_lazy_lookup() -> None:
    """The pattern sees the two spellings the issue removed (a vacuous check passes)."""
    assert APP_STATE.search('cached = getattr(app.state, "opening", None)')
    assert APP_STATE.search("pool = request.app.state.pool")
    assert not APP_STATE.search("request.state.actor = actor")
