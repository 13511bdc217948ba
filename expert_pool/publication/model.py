"""What the award makes public of a draw, as one canonical document (pure: no I/O).

The holes issue: a draw is secret until the award, and the award is the only way it
becomes public. Published: the transcript with its platform seed and the release
rounds' own seeds (so the picks can be recomputed, docs/formats/draw.md §8), the
committed pool digests and sizes (in the transcript), and the names of the seated
experts. Not published: the pools themselves (which experts were eligible stay with
the supervisors), nor the names of those who declined, timed out or were released.
The document is RFC 8785 JSON (docs/formats/draw.md §13), so its SHA-256, logged,
names exactly the bytes served.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from expert_pool.draws.model import seated_experts
from expert_pool.model import require_aware
from signing.canonical import canonical_json, sha256_hex
from signing.draw.transcript import Transcript
from signing.log.entry import format_time

PUBLICATION_TYPE = "etender.draw-publication"
PUBLICATION_FORMAT = 1


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SeatedMember:
    """A seated expert as the public sees it after the award."""

    expert_id: str
    name: str
    label: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Publication:
    """A stored publication: its exact bytes and their SHA-256."""

    draw_id: str
    tender_id: str
    body: bytes
    sha256: str
    published_at: datetime


def seated_members(transcript: Transcript, names: Mapping[str, str]) -> list[SeatedMember]:
    """The seated experts (picked, never declined, timed out or released), in pick order."""
    seated = set(seated_experts(transcript))
    return [
        SeatedMember(expert_id=p.expert_id, name=names.get(p.expert_id, ""), label=p.label)
        for rd in transcript.rounds
        for p in rd.picks
        if p.expert_id in seated
    ]


def publication_body(
    *,
    draw_id: str,
    tender_id: str,
    lot: str,
    purpose: str,
    transcript: Transcript,
    members: Sequence[SeatedMember],
    published_at: datetime,
) -> bytes:
    """The document's exact bytes (docs/formats/draw.md §13)."""
    if transcript.platform_seed is None:
        raise ValueError("a draw is published with its seed revealed")
    document: dict[str, Any] = {
        "type": PUBLICATION_TYPE,
        "format": PUBLICATION_FORMAT,
        "draw_id": draw_id,
        "tender_id": tender_id,
        "lot": lot,
        "purpose": purpose,
        "published_at": format_time(require_aware(published_at, what="published_at")),
        "transcript": json.loads(transcript.to_json()),
        "members": [dataclasses.asdict(m) for m in members],
    }
    return canonical_json(document)


def publication(
    *, draw_id: str, tender_id: str, body: bytes, published_at: datetime
) -> Publication:
    """A publication from its stored bytes."""
    return Publication(
        draw_id=draw_id, tender_id=tender_id, body=body, sha256=sha256_hex(body),
        published_at=published_at,
    )  # fmt: skip
