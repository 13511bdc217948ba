"""docs/formats/upload.md's message shapes (§2.1, §3.1, §3.3, §4, §5) are the code's.

The receipt example is rebuilt from its own values with tender.receipts (the signed
fields, their canonical order, the time format); the freeze list's members are those
tender.freeze writes; the JSON bodies' members are the API structs' fields. The
example's credit code satisfies GB 32100-2015.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import msgspec
import pytest

from signing.canonical import canonical_json
from signing.certs import validate_credit_code
from signing.statements.bid import STATEMENT_COMMIT_LABEL
from tender.errors import TenderError
from tender.policy import upload_limits
from tender.submission import upload_queries
from tender.submission.freeze import freeze_json
from tender.submission.limits import check_upload_limits
from tender.submission.model import BidPart, FreezeEntry, VersionKind
from tender.submission.receipts import receipt_bytes, receipt_json
from tests.docs.markdown import code_blocks, found, read, section
from web.settings import Settings
from web.submission.routes import (
    CreateUploadBody,
    FreezeEntryBody,
    FreezeLineBody,
    ReceiptBody,
    StatementBody,
    UploadBody,
    VersionBody,
)

DOC = read("formats/upload.md")
RECEIPT = section(DOC, "## 4. Receipt")


def _members(text: str) -> list[str]:
    """The member names of a JSON example (`"name": value`), in order, nested included."""
    return re.findall(r'"(\w+)"\s*:', text)


def _names(text: str) -> list[str]:
    """The names of a shape written `{"a", "b", …}` (every quoted lowercase name)."""
    return re.findall(r'"([a-z_][a-z0-9_]*)"', text)


def _fields(struct: type[msgspec.Struct]) -> list[str]:
    return list(struct.__struct_fields__)


def test_upload_md_create_and_upload_bodies_are_the_api_structs() -> None:
    create = section(DOC, "### 2.1 Create")
    request, answer = code_blocks(create, "json")[:2]
    assert list(json.loads(request)) == _fields(CreateUploadBody)
    assert list(json.loads(answer)) == _fields(UploadBody)


def test_upload_md_submit_body_is_the_api_struct() -> None:
    body = code_blocks(section(DOC, "### 3.1 Submit statement"), "json")[1]
    documented = set(_members(body)) | {"consortium"}  # optional, "may still be sent"
    assert documented == set(_fields(StatementBody))


def test_upload_md_reading_bodies_are_the_api_structs() -> None:
    reading = section(DOC, "### 3.3 Reading")
    versions = re.search(r'"versions": \[\{(.*?)\}\]', reading)
    assert versions is not None
    assert _names(versions[1]) == _fields(VersionBody)
    freeze = re.search(r"freeze-entry` → after the deadline: `(\{.*?\})`", reading, re.S)
    assert freeze is not None
    top = re.sub(r"\{[^{}]*\}", "", freeze[1][1:])
    assert _names(top) == _fields(FreezeEntryBody)
    assert _names(re.findall(r"null \| (\{[^{}]*\})", freeze[1])[0]) == _fields(FreezeLineBody)


def test_upload_md_receipt_envelope_is_the_api_struct() -> None:
    envelope = code_blocks(RECEIPT, "json")[0]
    assert _members(re.sub(r"\{…[^}]*\}", "", envelope)) == _fields(ReceiptBody)


def test_upload_md_receipt_example_is_recomputed() -> None:
    """The signed receipt fields, from the example's own values, in canonical order."""
    stated: dict[str, Any] = json.loads(code_blocks(RECEIPT, "json")[1])
    assert list(stated) == sorted(stated)  # RFC 8785 order of these ASCII keys
    received_at = dt.datetime.strptime(stated["received_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    fields = receipt_json(
        tender_code=stated["tender"],
        tender_id=stated["tender_id"],
        lot=stated["lot"],
        bidder=stated["bidder"],
        version=stated["version"],
        kind=VersionKind(stated["kind"]),
        parts=[BidPart(**p) for p in stated["parts"]],
        statement_sha256=stated["statement_sha256"],
        received_at=received_at.replace(tzinfo=dt.UTC),
        log_index=stated["log_index"],
    )
    assert fields == stated
    assert receipt_bytes(fields) == canonical_json(stated)
    envelope_index = re.search(r'"log_index": (\d+)', code_blocks(RECEIPT, "json")[0])
    assert envelope_index is not None
    assert stated["log_index"] == int(envelope_index[1])
    assert validate_credit_code(stated["bidder"]) == stated["bidder"]


def test_upload_md_entry_data_is_the_audit_log_examples() -> None:
    """§5's `data` of a format-2 bid entry has the members of docs/audit-log.md §1.2's
    example entry (recomputed there), in its canonical order; no plain statement hash."""
    secrecy = section(DOC, "## 5. Secrecy and the freeze list")
    block = next(b for b in code_blocks(secrecy, "json") if '"format": 2' in b)
    salted = section(read("audit-log.md"), "### 1.2 Salted")
    example = json.loads(next(b for b in code_blocks(salted) if b.startswith("{")))
    data = example["data"]
    assert _members(block) == list(data)
    assert _names(found(r"\[(\{[^{}]*\})\]", block)[1]) == list(data["parts"][0])
    assert "statement_sha256" not in _members(block)
    formula = found(
        r"commit_statement\(h, salt\) = hex\( SHA-256\( lp\(\"([a-z0-9-]+)\"\)", secrecy
    )
    assert formula[1].encode() == STATEMENT_COMMIT_LABEL


def test_upload_md_freeze_list_members_are_the_logged_ones() -> None:
    secrecy = section(DOC, "## 5. Secrecy and the freeze list")
    block = next(b for b in code_blocks(secrecy, "json") if "etender.freeze-list" in b)
    part = BidPart(label="main", sha256="0" * 64, size=1)
    entry = FreezeEntry(
        bid_id=UUID(int=1),
        bidder_id=UUID(int=2),
        bidder_credit_code="91341800MA2N0X0X1Q",
        version=4,
        parts=(part,),
    )
    tender: Any = SimpleNamespace(code="XC-2026-GC-000123", id=UUID(int=3))
    logged = freeze_json(
        tender, "1", dt.datetime(2026, 11, 26, tzinfo=dt.UTC), [(entry, [(4, bytes(32), "0" * 64)])]
    )
    bid = logged["bids"][0]
    expected = [*list(logged)[:-1], "bids", *bid]
    expected[expected.index("parts") + 1 : expected.index("parts") + 1] = list(bid["parts"][0])
    expected += list(bid["version_salts"][0])
    assert _names(block) == expected
    assert logged["type"] == json.loads(block.split(",", 1)[0] + "}")["type"]


def _refusal(opened: int, staged: int, size: int) -> TenderError:
    """What tender.upload_limits answers, with the default caps, to an organisation
    holding `opened` open uploads in the lot and `staged` bytes in no bid."""
    limits = upload_limits({}, max_part_bytes=Settings().max_part_bytes)
    ids = [UUID(int=i) for i in range(opened)]

    async def open_in_lot(*_: object) -> list[UUID]:
        return ids

    async def staged_bytes(*_: object) -> int:
        return staged

    conn: Any = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(upload_queries, "open_in_lot", open_in_lot)
        patch.setattr(upload_queries, "staged_bytes", staged_bytes)
        with pytest.raises(TenderError) as refused:
            asyncio.run(
                check_upload_limits(
                    conn, limits, lot_id=UUID(int=0), bidder_id=UUID(int=0), size=size
                )
            )
    return refused.value


def test_upload_md_cap_refusal_examples_are_recomputed() -> None:
    """§2.5: each row's `details` example is what the default caps answer to it."""
    caps = section(DOC, "### 2.5 Caps per bidder")
    open_row = found(
        r"^\| `bid_upload_open_limit_conflict` \|.*default `(\d+)`.*\| `(\{.*?\})`", caps, re.M
    )
    limit = int(open_row[1])
    assert found(r'"limit": (\d+)', open_row[2])[1] == str(limit)
    refused = _refusal(opened=limit, staged=0, size=1)
    assert refused.code == "bid_upload_open_limit_conflict"
    assert refused.details == {"limit": limit, "open": [str(UUID(int=i)) for i in range(limit)]}
    staged_row = found(r"^\| `bid_upload_staged_limit_conflict` \|.*\| `(\{.*?\})` \|$", caps, re.M)
    stated = json.loads(staged_row[1])
    refused = _refusal(opened=0, staged=stated["staged_bytes"], size=stated["declared_size"])
    assert refused.code == "bid_upload_staged_limit_conflict"
    assert refused.details == stated
    assert found(r"`ETENDER_MAX_PART_BYTES`: (\d+) GiB by default", caps)[1] == str(
        stated["limit_bytes"] >> 30
    )
