"""client/bid/commitment.py: the bidder's check of its entry's commitment
(docs/formats/upload.md §4.2 step 2; docs/cli.md "The receipt's salt")."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from client.bid.commitment import check_receipt, save_salt
from client.errors import CommandError
from signing.log.entry import commit

CODE = "91341800MA2N0X0X1Q"
SALT = bytes(range(32))
PARTS = [{"label": "main", "sha256": "ab" * 32, "size": 10}]


def _receipt(*, bidder: str = CODE, kind: str = "tender.bid_submitted",
             statement: str = "cd" * 32) -> dict[str, object]:  # fmt: skip
    data = {"bidder": commit(bidder, SALT), "parts": PARTS, "statement_sha256": statement}
    entry = json.dumps({"kind": kind, "data": data}).encode()
    return {
        "receipt_json": {"parts": PARTS, "statement_sha256": "cd" * 32},
        "entry": base64.b64encode(entry).decode(),
        "bidder_salt": SALT.hex(),
    }


def test_the_salt_that_opens_the_entrys_commitment_is_saved_beside_the_receipt(
    tmp_path: Path,
) -> None:
    salt = check_receipt(_receipt(), CODE)
    assert save_salt(tmp_path / "receipt-T-1-v1", salt).read_text() == SALT.hex() + "\n"


@pytest.mark.parametrize(
    ("receipt", "says"),
    [
        (_receipt(bidder="91000000000000000X"), "does not commit to your credit code"),
        (_receipt(kind="tender.document_downloaded"), "'tender.document_downloaded' entry"),
        (_receipt(statement="ef" * 32), "other statement_sha256"),
        ({**_receipt(), "bidder_salt": "zz"}, "no readable entry or bidder_salt"),
    ],
)
def test_an_entry_that_is_not_this_bidders_version_is_refused(
    receipt: dict[str, object], says: str
) -> None:
    with pytest.raises(CommandError, match=says):
        check_receipt(receipt, CODE)
