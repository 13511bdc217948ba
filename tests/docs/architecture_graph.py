"""The import graph of docs/architecture.md ("The graph today"), printed from the code.

    .venv/bin/python -m tests.docs.architecture_graph

prints the section's text; tests/docs/test_architecture_md.py checks the doc holds it
byte for byte, so the map of the house cannot drift from the house.
"""

from __future__ import annotations

from collections import defaultdict

from tests.packages import OURS
from tests.test_layering import GRAPH, MODULES, cycles

FLOORS = (
    "web", "tender", "evaluation", "expert_pool", "supervision", "listing", "live", "accounts",
    "audit", "signing", "client",
)  # fmt: skip


def unit(module: str) -> str:
    """A module's place on the map: its package, or its feature sub-package."""
    parts = module.split(".")
    path = MODULES[module]
    if len(parts) >= 3 or (len(parts) == 2 and path.name == "__init__.py"):
        return ".".join(parts[:2])
    return parts[0]


def render() -> str:
    arrows: dict[str, set[str]] = defaultdict(set)
    for module, imports in GRAPH.items():
        for name in imports:
            if name.split(".")[0] != module.split(".")[0]:
                arrows[module.split(".")[0]].add(name.split(".")[0])
    inner: dict[str, set[str]] = defaultdict(set)
    for module, imports in GRAPH.items():
        here = unit(module)
        for name in imports:
            there = unit(name)
            if there != here and there.split(".")[0] == here.split(".")[0]:
                inner[here].add(there)
    modules = len(GRAPH)
    edges = sum(len(v) for v in GRAPH.values())
    lines = [
        f"{modules} modules, {edges} imports between them, "
        f"{len(cycles(GRAPH))} cycles (tests/test_layering.py).",
        "",
        "Packages, top floor first, and the packages each imports:",
        "",
        "```",
    ]
    assert sorted(FLOORS) == sorted(OURS)  # every package of ours is on the map
    for package in FLOORS:
        names = ", ".join(sorted(arrows.get(package, set()))) or "—"
        lines.append(f"{package + '/':13} → {names}")
    lines += [
        "```",
        "",
        "Inside each package, its feature sub-packages and the sibling features each imports",
        "(besides its package's core):",
        "",
        "```",
    ]
    features = sorted({unit(m) for m in GRAPH if "." in unit(m)})
    for feature in features:
        names = sorted(n.split(".")[1] for n in inner.get(feature, set()) if "." in n)
        shown = ", ".join(names) if names else "—"
        lines.append(f"{feature.replace('.', '/') + '/':26} → {shown}")
    lines.append("```")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
