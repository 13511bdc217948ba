"""What the platform's alerts hold, read from the code that raises them: every rule
(the alert kinds of tender, expert_pool and evaluation) and every evidence key (the
dict literals that reach ``raise_alert`` through the raising helpers), so the alert
page's labels are checked against what is really raised, not against a copy."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from evaluation.sessions.no_shows import SIGN_IN_ALERT
from evaluation.venues.model import OVERDUE_ALERT
from expert_pool.model import AlertKind as PoolAlertKind
from tender.events import AlertKind as TenderAlertKind

ROOT = Path(__file__).resolve().parents[4]
PACKAGES = ("tender", "evaluation", "expert_pool", "supervision")
# The store itself and the pool's helper, which adds ``expert_id`` (expert_pool/alerting.py).
STORE = ROOT / "supervision" / "alerts"
ADDED = {"expert_id"}


def rules() -> set[str]:
    """Every rule an alert of the platform may carry."""
    kinds = {str(k) for k in TenderAlertKind} | {str(k) for k in PoolAlertKind}
    return kinds | {SIGN_IN_ALERT, OVERDUE_ALERT}


def _modules() -> Iterator[ast.Module]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if STORE not in path.parents:
                yield ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _argument(call: ast.Call, where: tuple[int, str]) -> ast.expr | None:
    index, keyword = where
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if index < len(call.args) else None


def _functions() -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for module in _modules():
        found += [
            n for n in ast.walk(module) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
    return found


def _targets(functions: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> dict[str, tuple[int, str]]:
    """The functions that raise an alert and where each takes its evidence: the store's
    and the helpers', then every function passing one of its own parameters on."""
    targets = {
        "raise_alert": (99, "evidence"),
        "raise_tender_alert": (4, "evidence"),
        "raise_pool_alert": (99, "data"),
        "Finding": (4, "evidence"),  # supervision/monitoring's findings become alerts
    }
    grown = True
    while grown:
        grown = False
        for fn in functions:
            params = [a.arg for a in fn.args.args]
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                where = targets.get(_name(call) or "")
                arg = _argument(call, where) if where else None
                if isinstance(arg, ast.Name) and arg.id in params and fn.name not in targets:
                    targets[fn.name] = (params.index(arg.id), arg.id)
                    grown = True
    return targets


def _dict_keys(node: ast.expr | None) -> set[str]:
    if isinstance(node, ast.Dict):
        return {
            k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }
    if isinstance(node, ast.BinOp):
        return _dict_keys(node.left) | _dict_keys(node.right)
    return set()


def _keys_of(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> set[str]:
    """The keys a function gives the dict held by ``name``."""
    keys: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    keys |= _dict_keys(node.value)
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                    and isinstance(target.slice, ast.Constant)
                    and isinstance(target.slice.value, str)
                ):
                    keys.add(target.slice.value)
    return keys


def evidence_keys() -> set[str]:
    """Every key of an alert's evidence the platform writes."""
    functions = _functions()
    targets = _targets(functions)
    keys = set(ADDED)
    for fn in functions:
        for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
            where = targets.get(_name(call) or "")
            if where is None:
                continue
            arg = _argument(call, where)
            keys |= _dict_keys(arg)
            if isinstance(arg, ast.Name):
                keys |= _keys_of(fn, arg.id)
    return keys
