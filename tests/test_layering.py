"""The dependency direction of DESIGN.md ("Architecture"), checked from the imports.

    web  →  tender, evaluation, expert_pool, supervision  →  accounts  →  audit  →  signing

    client  →  signing          (the users' programs: signing/ and the HTTP API only)

Arrows point down only: nothing imports web; signing imports nothing of ours; client
imports nothing of ours but signing, and only web imports client (to register its
commands); a model.py (pure rules) and signing/ import no I/O library (STYLE.md, point 1).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = (
    "web", "tender", "evaluation", "expert_pool", "supervision", "accounts", "audit", "signing",
    "client",
)  # fmt: skip
LAYER = {
    "signing": 0,
    "audit": 1,
    "accounts": 2,
    "tender": 3,
    "evaluation": 3,
    "expert_pool": 3,
    "supervision": 3,
    "web": 4,
}
# The users' programs stand beside the server: they may import signing (and third-party
# libraries such as httpx), and only web may import them.
CLIENT_MAY_IMPORT = {"signing"}
CLIENT_IMPORTED_BY = {"web"}
# A domain package may use these peers' services (DESIGN.md: through their service or
# query functions, never their tables); anything else at the same layer is refused.
PEERS: dict[str, set[str]] = {
    "evaluation": {"tender", "expert_pool"},
    "supervision": {"tender", "expert_pool", "evaluation"},
    "tender": set(),
    "expert_pool": set(),
}
IO_LIBRARIES = {"asyncpg", "starlette", "uvicorn", "httpx", "websockets", "web"}


def imports_of(path: Path) -> set[str]:
    """Top-level names of every module a file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def package_files() -> list[tuple[str, Path]]:
    return [(package, path) for package in OURS for path in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize(
    ("package", "path"), package_files(), ids=lambda v: str(v).removeprefix(str(ROOT) + "/")
)
def test_imports_point_down_only(package: str, path: Path) -> None:
    """No module imports a package above its own, nor an unrelated peer."""
    wrong = []
    for name in imports_of(path) & set(OURS):
        if name == package:
            continue
        if package == "client" or name == "client":
            allowed = name in CLIENT_MAY_IMPORT or package in CLIENT_IMPORTED_BY
            if not allowed:
                wrong.append(name)
            continue
        above = LAYER[name] > LAYER[package]
        stranger = LAYER[name] == LAYER[package] and name not in PEERS.get(package, set())
        if above or stranger:
            wrong.append(name)
    assert wrong == []


@pytest.mark.parametrize(
    "path",
    [p for pkg, p in package_files() if p.name == "model.py" or pkg == "signing"],
    ids=lambda p: str(p).removeprefix(str(ROOT) + "/"),
)
def test_models_and_signing_do_no_io(path: Path) -> None:
    """Pure modules import no database, web or network library."""
    assert imports_of(path) & IO_LIBRARIES == set()
