"""docs/formats/opening.md's message shapes (§2–§7) are the code's.

The opening record example (§7) is rebuilt from its own values with
tender.opening_record (member order, party at fault, sorted officials); the release
batch, the share release and self-key bodies, the progress body and the hall's events
have the members the code reads and writes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from uuid import UUID

import msgspec
import pytest

from tender.opening import session as live_opening
from tender.opening.model import Cause, Outcome, fault_of, outcome_of
from tender.opening.progress import LotProgress, PartStatus
from tender.opening.record import OpeningRecord, RecordEntry
from tender.opening.release import ReleaseBatch
from tender.submission.model import BidPart, FreezeEntry
from tests.docs.markdown import code_blocks, found, read, section
from web.opening import bodies as opening_bodies

DOC = read("formats/opening.md")


def _names(text: str) -> list[str]:
    """The member names of a shape, in order, nested ones included: every quoted
    lowercase name that is not a value (`{"a": 1}` and `{"a", "b"}` alike)."""
    return re.findall(r'(?<!:)(?<!: )"([a-z_][a-z0-9_]*)"(?=\s*[:,}])', text)


def _flat(value: object) -> list[str]:
    """The member names of a JSON value, in order, nested ones included (first item of
    each array)."""
    if isinstance(value, dict):
        return [name for key, item in value.items() for name in (key, *_flat(item))]
    if isinstance(value, list) and value:
        return _flat(value[0])
    return []


def _fields(struct: type[msgspec.Struct]) -> list[str]:
    return list(struct.__struct_fields__)


def _time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def test_opening_md_record_example_is_recomputed() -> None:
    """§7: the record's members, in order, from the example's own values."""
    stated: dict[str, Any] = json.loads(
        code_blocks(section(DOC, "## 7. Opening record"), "json")[0]
    )
    settled_at = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)  # the example elides it: "…Z"
    received_at = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)  # likewise
    entries = tuple(
        RecordEntry(
            bidder=e["bidder"],
            bidder_name=e["bidder_name"],
            consortium=tuple(e["consortium"]),
            version=e["version"],
            received_at=received_at,
            parts={p["label"]: p["sha256"] for p in e["parts"]},
            outcome=Outcome(e["outcome"]),
            cause=None if e["cause"] is None else Cause(e["cause"]),
            opened_by=e["opened_by"],
            fields=e["fields"],
        )
        for e in stated["entries"]
    )
    record = OpeningRecord(
        tender_id=stated["tender_id"],
        tender_code=stated["tender"],
        title=stated["title"],
        lot=stated["lot"],
        part=stated["part"],
        deadline=_time(stated["deadline"]),
        settled_at=settled_at,
        policy=stated["policy"],
        committee_fingerprint=stated["committee_fingerprint"],
        freeze_list_sha256=stated["freeze_list_sha256"],
        officials_released=tuple(stated["officials_released"]),
        entries=entries,
        not_opened_reason=stated["not_opened_reason"],
    )
    built = record.to_json()
    built["settled_at"] = stated["settled_at"]
    for entry in built["entries"]:
        entry["received_at"] = stated["entries"][0]["received_at"]
    assert built == stated
    assert list(built) == list(stated)
    assert [list(e) for e in built["entries"]] == [list(e) for e in stated["entries"]]


def _batch(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """batch_json of a one-bid lot; the committee file itself is docs/formats/sealed-bid.md's."""
    monkeypatch.setattr(opening_bodies, "dump_committee", lambda committee: b"{}")
    entry = FreezeEntry(
        bid_id=UUID(int=1),
        bidder_id=UUID(int=2),
        bidder_credit_code="91341800MA2N0X0X1Q",
        version=1,
        parts=(BidPart(label="main", sha256="0" * 64, size=1),),
    )
    committee: Any = None
    batch = ReleaseBatch(
        tender_code="XC-2026-GC-000001", lot="1", committee=committee, entries=(entry,)
    )
    return opening_bodies.batch_json(batch)


def test_opening_md_release_batch_members_are_the_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    block = code_blocks(section(DOC, "## 2. Release batch"), "json")[0]
    documented = re.sub(r"\{ …[^}]*\}", "{}", block)
    assert _names(documented) == _flat({"tender": "", "lots": [_batch(monkeypatch)]})


def test_opening_md_share_release_and_self_key_bodies_are_the_api_structs() -> None:
    block = code_blocks(section(DOC, "## 3. Releasing shares"), "json")[0]
    names = _names(block)
    assert names[:2] == _fields(opening_bodies.ReleaseBody)
    assert set(names[2:]) == set(_fields(opening_bodies.ReleaseItem))
    self_key = found(r"`(\{\"part\".*?\})`", section(DOC, "## 4. Self-decryption"))[1]
    assert _names(self_key) == _fields(opening_bodies.SelfKeyBody)


def test_opening_md_progress_body_is_the_api_struct() -> None:
    block = code_blocks(section(DOC, "## 5. Progress"), "json")[0]
    status = PartStatus(
        bid_id=UUID(int=1),
        bidder="91341800MA2N0X0X1Q",
        part="main",
        outcome=Outcome.PENDING,
        cause=None,
    )
    body = msgspec.to_builtins(
        opening_bodies.progress_body(LotProgress(statuses=(status,), record=None))
    )
    assert _names(block) == ["statuses", *body["statuses"][0], "record"]
    assert list(body) == ["statuses", "record"]
    outcomes = found(r'"outcome": "([a-z|]+)"', block)[1].split("|")
    assert outcomes == [str(o) for o in Outcome]


def test_opening_md_hall_events_carry_the_codes_members() -> None:
    hall = section(DOC, "## 6. Opening hall")
    status = PartStatus(
        bid_id=UUID(int=1),
        bidder="91341800MA2N0X0X1Q",
        part="main",
        outcome=Outcome.PENDING,
        cause=None,
    )
    progress = LotProgress(statuses=(status,), record=None)
    lot_status = found(r"\| `lot\.status` \| all \| `(\{.*?\})`", hall)[1]
    assert _names(lot_status) == list(live_opening.status_data(progress))
    assert (
        list(live_opening.progress_data(progress)["statuses"][0])
        == _names(code_blocks(section(DOC, "## 5. Progress"), "json")[0])[1:-1]
    )


def test_opening_md_cause_table_is_the_codes() -> None:
    """§5: each cause's party at fault and outcome are tender.opening's, every cause once."""
    causes = section(DOC, "## 5. Progress")
    rows = re.findall(r"^\| `(\w+)` — .* \| (\w+) \| (\w+)", causes, re.M)
    assert [cause for cause, _, _ in rows] == [str(c) for c in Cause]
    for cause, party, outcome in rows:
        assert str(fault_of(Cause(cause))) == party, cause
        assert str(outcome_of(Cause(cause))) == outcome, cause
