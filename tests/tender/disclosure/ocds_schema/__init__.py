"""The official OCDS 1.1.5 schemas with the bids and lots extensions, vendored (SOURCES.md
says where each file came from), and a validator that uses them offline.

The extensions' ``release-schema.json`` files are JSON Merge Patches (RFC 7386) over the
core release schema, applied in the order the platform's packages declare them (lots,
bids; tender/disclosure/ocds.py ``EXTENSIONS``). The package schemas ``$ref`` the core
release schema by its URL; a local registry maps that URL to the patched schema, so
nothing is fetched (CI starts from a clean clone with no network access to rely on).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

HERE = Path(__file__).parent
BASE = "https://standard.open-contracting.org/schema/1__1__5/"
EXTENSIONS = ("lots", "bids")  # the order of ocds.EXTENSIONS


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 §2: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _load(*parts: str) -> Any:
    return json.loads((HERE.joinpath(*parts)).read_text(encoding="utf-8"))


@functools.cache
def release_schema() -> dict[str, Any]:
    """The core release schema with every declared extension's patch applied."""
    schema = _load("1.1.5", "release-schema.json")
    for name in EXTENSIONS:
        schema = merge_patch(schema, _load("extensions", name, "release-schema.json"))
    return dict(schema)


@functools.cache
def _registry() -> Registry:
    resources = [
        (BASE + "release-schema.json", release_schema()),
        (BASE + "release-package-schema.json", _load("1.1.5", "release-package-schema.json")),
        (BASE + "record-package-schema.json", _load("1.1.5", "record-package-schema.json")),
    ]
    # No retrieve function: an unknown URL is an error, never a download.
    return Registry().with_resources(
        (uri, Resource.from_contents(body, default_specification=DRAFT4)) for uri, body in resources
    )


# jsonschema checks "date-time" and "uri" only with optional packages; these two are
# checked here, strictly enough for what the platform writes (RFC 3339 §5.6; RFC 3986).
_RFC3339 = re.compile(
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("date-time")(
    lambda value: not isinstance(value, str) or bool(_RFC3339.fullmatch(value))
)
FORMATS.checks("uri")(
    lambda value: (
        not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)
    )
)


def _validator(name: str) -> jsonschema.Draft4Validator:
    schema = _registry().contents(BASE + name)
    return jsonschema.Draft4Validator(schema, registry=_registry(), format_checker=FORMATS)


def errors(package: dict[str, Any], name: str) -> list[str]:
    """Every violation of ``name`` (a package schema) by ``package``, as readable lines."""
    found = _validator(name).iter_errors(package)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found)


def _check(value: dict[str, Any], name: str) -> None:
    found = errors(value, name)
    assert not found, f"{name}: {found}"  # this module is not assertion-rewritten


def assert_release_package(package: dict[str, Any]) -> None:
    """The package validates against the release package schema (core + lots + bids)."""
    _check(package, "release-package-schema.json")
    for release in package["releases"]:
        _check(release, "release-schema.json")


def assert_record_package(package: dict[str, Any]) -> None:
    """The package validates against the record package schema; so does each release."""
    _check(package, "record-package-schema.json")
    for record in package["records"]:
        _check(record["compiledRelease"], "release-schema.json")
        for release in record["releases"]:
            if "ocid" in release:  # embedded, not linked
                _check(release, "release-schema.json")
