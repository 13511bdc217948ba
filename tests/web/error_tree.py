"""Every error class of the platform, found by importing every module of ours (tests
of web/errormap.py and the generator of docs/api-errors.md)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from tests.packages import OURS as PACKAGES


@cache
def error_classes() -> tuple[type[BaseException], ...]:
    """Every exception class defined in our packages that carries a ``code``, in a
    stable order (by code, then dotted name)."""
    found: set[type[BaseException]] = set()
    for package in PACKAGES:
        root = importlib.import_module(package)
        modules = [root] + [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(root.__path__, package + ".")
        ]
        for module in modules:
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseException)
                    and value.__module__ == module.__name__
                    and isinstance(getattr(value, "code", None), str)
                ):
                    found.add(value)
    return tuple(sorted(found, key=lambda cls: (cls.code, dotted(cls))))  # type: ignore[attr-defined]


def dotted(cls: type) -> str:
    """The class's dotted name: ``tender.errors.TenderNotFound``."""
    return f"{cls.__module__}.{cls.__qualname__}"


def instance(cls: type[BaseException]) -> BaseException:
    """An instance without running ``__init__`` (whose arguments differ by class)."""
    return cls.__new__(cls)
