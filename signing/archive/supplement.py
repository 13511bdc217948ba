"""A signed supplement to an archive package: records added after it (performance).

DOMAIN.md "Records" and issue 13, item 7: the package is made when the procedure ends;
performance records come later, as a second file that names the package's SHA-256 and
that the platform signs. The supplement is a ustar file of the package's layout
(signing/archive/package.py) holding exactly ``supplement.json`` — RFC 8785 JSON::

    {"format": "etender-archive-supplement-v1", "tender_id": "…",
     "package_sha256": "<hex SHA-256 of the package file>",
     "added_at": "2026-…Z", "records": {…}}

— and ``supplement.json.p7s``, its CMS detached signature by the platform, checked as
of ``added_at`` against the package's platform CA (docs/formats/archive.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from signing.archive.errors import ArchiveUnreadable
from signing.archive.package import (
    MANIFEST,
    load_json,
    parse_manifest,
    read_package,
    shown,
    write_package,
)
from signing.archive.verify import Problem, invalid, platform_store
from signing.canonical import canonical_json, sha256_hex
from signing.cms import verify_detached
from signing.errors import EtenderError
from signing.log.entry import format_time, parse_time

SUPPLEMENT_FORMAT = "etender-archive-supplement-v1"
SUPPLEMENT = "supplement.json"
SUPPLEMENT_SIGNATURE = "supplement.json.p7s"
HEAD = (SUPPLEMENT, SUPPLEMENT_SIGNATURE)
_KEYS = {"format", "tender_id", "package_sha256", "added_at", "records"}


def supplement_bytes(
    *,
    tender_id: str,
    package_sha256: str,
    added_at: datetime,
    records: Mapping[str, Any],
    sign: Callable[[bytes], bytes],
) -> bytes:
    """The supplement file: its JSON and the platform's signature over it (``sign``)."""
    body = canonical_json({
        "format": SUPPLEMENT_FORMAT, "tender_id": tender_id, "package_sha256": package_sha256,
        "added_at": format_time(added_at), "records": dict(records),
    })  # fmt: skip
    return write_package({SUPPLEMENT: body, SUPPLEMENT_SIGNATURE: sign(body)}, HEAD)


def verify_supplement(package: bytes, supplement: bytes, name: str) -> dict[str, Any]:
    """Check that ``supplement`` (file ``name``) names ``package`` and the platform signed it."""
    members = read_package(supplement, HEAD)
    if set(members) != set(HEAD):
        raise invalid([Problem(name, f"a supplement holds exactly {SUPPLEMENT} and its .p7s")])
    body = members[SUPPLEMENT]
    value = load_json(body, f"{name}: {SUPPLEMENT}")
    if not isinstance(value, dict) or set(value) != _KEYS or value["format"] != SUPPLEMENT_FORMAT:
        raise invalid([Problem(name, f"{SUPPLEMENT} is not an {SUPPLEMENT_FORMAT} document")])
    for key in ("tender_id", "package_sha256", "added_at"):
        if not isinstance(value[key], str):
            raise ArchiveUnreadable(f"{name}: {SUPPLEMENT}: {key}: expected a string")
    if not isinstance(value["records"], dict):
        raise ArchiveUnreadable(f"{name}: {SUPPLEMENT}: records: expected an object")
    try:
        parse_time(value["added_at"])
    except EtenderError:
        raise ArchiveUnreadable(
            f"{name}: {SUPPLEMENT}: added_at: '{shown(value['added_at'])}' is not a time "
            "YYYY-MM-DDTHH:MM:SS.ffffffZ"
        ) from None
    problems = []
    if value["package_sha256"] != sha256_hex(package):
        problems.append(Problem(name, "names another package (package_sha256 differs)"))
    try:
        tender = parse_manifest(read_package(package)[MANIFEST]).tender.get("id")
        if value["tender_id"] != tender:
            problems.append(
                Problem(name, f"is about tender {shown(value['tender_id'])}, not {tender}")
            )
        store = platform_store(package)
        verify_detached(body, members[SUPPLEMENT_SIGNATURE], store, parse_time(value["added_at"]))
    except EtenderError as exc:
        problems.append(Problem(name, f"the platform's signature fails: {exc.code}: {exc.message}"))
    if problems:
        raise invalid(problems)
    return value
