"""A tender's OCDS releases, one per stage, and the packages and record they go in.

Release ids (docs/open-data.md, "Release ids"): ``<tender code>-<stage>``, stable (built
from facts that never change) and unique within the tender's ocid; a code is unique, so
an id is unique across the platform too. A release's ``date`` is when its fact became
public; its content is everything public at that date (``Disclosure.as_of``), so a
release never carries a later stage's data. The record's ``compiledRelease`` is the
state now; its ``releases`` link to the release package by ``#<release id>``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from signing.log.entry import format_time
from tender.disclosure.facts import Disclosure
from tender.disclosure.ocds import EXTENSIONS, OCDS_VERSION, Site, ocid, release_body

_AWARD_TAGS = {"award": "award", "drop_out": "awardCancellation", "retender": "awardUpdate"}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Stage:
    """One release of a tender: its id suffix, date and tags (the releaseTag codelist)."""

    suffix: str
    date: datetime
    tag: tuple[str, ...]


def _stamp(at: datetime) -> str:
    return format_time(at).replace("-", "").replace(":", "").replace(".", "")


def stages(d: Disclosure) -> list[Stage]:
    """Every release of the tender, oldest first (equal dates: by id)."""
    t = d.tender
    assert t.published_at is not None
    found = [Stage(suffix="tender", date=t.published_at, tag=("tender",))]
    found += [
        Stage(suffix=f"amendment-{c.number}", date=c.issued_at, tag=("tenderAmendment",))
        for c in d.clarifications
    ]
    found += [
        Stage(suffix=f"opening-{o.lot}-{o.part}", date=o.published_at, tag=("tenderUpdate",))
        for o in d.openings
    ]
    for c in d.candidates:
        if c.qualification is not None:
            found.append(
                Stage(suffix=f"qualification-{c.lot}", date=c.published_at, tag=("tenderUpdate",))
            )
        found.append(Stage(suffix=f"candidates-{c.lot}", date=c.published_at, tag=("award",)))
    found += [
        Stage(suffix=f"award-{a.lot}-{a.step}", date=a.decided_at, tag=(_AWARD_TAGS[a.kind],))
        for a in d.awards
    ]
    if d.closure is not None:
        cancelled = d.closure.status == "cancelled"
        tag = "tenderCancellation" if cancelled else "tenderUpdate"
        found.append(Stage(suffix=d.closure.status, date=d.closure.at, tag=(tag,)))
    for k in d.contracts.contracts:
        found.append(Stage(suffix=f"contract-{k.id}", date=k.recorded_at, tag=("contract",)))
        found += [
            Stage(
                suffix=f"contract-{k.id}-amendment-{x.number}",
                date=x.recorded_at,
                tag=("contractAmendment",),
            )
            for x in k.changes
        ]
    found += [
        Stage(
            suffix=f"milestone-{m.id}-{_stamp(m.recorded_at)}",
            date=m.recorded_at,
            tag=("implementation",),
        )
        for m in d.contracts.milestones
    ]
    found += [
        Stage(suffix=f"transaction-{x.id}", date=x.recorded_at, tag=("implementation",))
        for x in d.contracts.transactions
    ]
    # The feed's order too (service.feed_page): by date, then by id for equal dates.
    return sorted(found, key=lambda s: (s.date, s.suffix))


def release_id(d: Disclosure, stage: Stage) -> str:
    """The release's id: the tender's code and the stage."""
    return f"{d.tender.code}-{stage.suffix}"


def release(d: Disclosure, stage: Stage, site: Site) -> dict[str, Any]:
    """The release of one stage: what was public at its date."""
    head = {
        "ocid": ocid(site, d.tender),
        "id": release_id(d, stage),
        "date": format_time(stage.date),
        "tag": list(stage.tag),
    }
    return head | release_body(d.as_of(stage.date), site)


def package_uri(d: Disclosure, site: Site) -> str:
    """Where the tender's release package is served."""
    return f"{site.base_url}/api/v1/tenders/{d.tender.id}/ocds"


def package(uri: str, releases: list[dict[str, Any]], site: Site) -> dict[str, Any]:
    """A release package of ``releases`` (the package schema wants at least one)."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": max(r["date"] for r in releases),
        "publisher": {"name": site.publisher},
        "releases": releases,
    }


def release_package(d: Disclosure, site: Site) -> dict[str, Any]:
    """Every release of the tender (``d``: its facts as public now)."""
    return package(package_uri(d, site), [release(d, s, site) for s in stages(d)], site)


def compiled_release(d: Disclosure, site: Site) -> dict[str, Any]:
    """The tender's state now: every public fact merged (tag ``compiled``)."""
    latest = stages(d)[-1]
    head = {
        "ocid": ocid(site, d.tender),
        "id": f"{release_id(d, latest)}-compiled",
        "date": format_time(latest.date),
        "tag": ["compiled"],
    }
    return head | release_body(d, site)


def record_package(d: Disclosure, site: Site) -> dict[str, Any]:
    """The tender's record: its releases linked into the release package, compiled."""
    packaged = package_uri(d, site)
    found = stages(d)
    return {
        "uri": f"{packaged}/record",
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publisher": {"name": site.publisher},
        "publishedDate": format_time(found[-1].date),
        "packages": [packaged],
        "records": [
            {
                "ocid": ocid(site, d.tender),
                "releases": [
                    {
                        "url": f"{packaged}#{release_id(d, s)}",
                        "date": format_time(s.date),
                        "tag": list(s.tag),
                    }
                    for s in found
                ],
                "compiledRelease": compiled_release(d, site),
            }
        ],
    }
