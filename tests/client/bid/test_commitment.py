"""client/bid/commitment.py: the bidder's check of its entry's commitments
(docs/formats/upload.md §4.2 step 2, §5; docs/cli.md "The receipt's salt")."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from client.bid.commitment import check_receipt, save_salt
from client.errors import CommandError
from signing.log.entry import commit
from signing.statements.bid import statement_commitment

CODE = "91341800MA2N0X0X1Q"
SALT = bytes(range(32))
PARTS = [{"label": "main", "sha256": "ab" * 32, "size": 10}]
WHERE = {"lot": "1", "version": 2}
STATEMENT = "cd" * 32


def _receipt(*, bidder: str = CODE, kind: str = "tender.bid_submitted",
             statement: str = STATEMENT, salt: bytes = SALT) -> dict[str, object]:  # fmt: skip
    """A receipt answer whose entry is of format 2 (the statement committed)."""
    data = {"bidder": commit(bidder, salt), "format": 2, "parts": PARTS, **WHERE,
            "statement": statement_commitment(statement, salt)}  # fmt: skip
    entry = {"kind": kind, "data": data, "commitments": ["bidder", "statement"]}
    return _answer(entry)


def _answer(entry: dict[str, object], salt: bytes = SALT) -> dict[str, object]:
    return {
        "receipt_json": {"parts": PARTS, "statement_sha256": STATEMENT, **WHERE},
        "entry": base64.b64encode(json.dumps(entry).encode()).decode(),
        "bidder_salt": salt.hex(),
    }


def _format_1(statement: str = STATEMENT) -> dict[str, object]:
    """An entry logged before format 2: the plain hash, no `format`."""
    data = {"bidder": commit(CODE, SALT), "parts": PARTS, "statement_sha256": statement, **WHERE}
    return _answer({"kind": "tender.bid_withdrawn", "data": data, "commitments": ["bidder"]})


def test_the_salt_that_opens_the_entrys_commitments_is_saved_beside_the_receipt(
    tmp_path: Path,
) -> None:
    salt = check_receipt(_receipt(), CODE)
    assert save_salt(tmp_path / "receipt-T-1-v1", salt).read_text() == SALT.hex() + "\n"


def test_an_entry_of_format_1_with_the_plain_hash_still_checks() -> None:
    assert check_receipt(_format_1(), CODE) == SALT


@pytest.mark.parametrize(
    ("receipt", "says"),
    [
        (_receipt(bidder="91000000000000000X"), "does not commit to your credit code"),
        (_receipt(kind="tender.document_downloaded"), "'tender.document_downloaded' entry"),
        (_receipt(statement="ef" * 32), "does not commit to the receipt's statement_sha256"),
        ({**_receipt(), "bidder_salt": "zz"}, "no readable entry or bidder_salt"),
        # A receipt whose salt is not the entry's: the check fails, naming the salt.
        ({**_receipt(), "bidder_salt": bytes(32).hex()}, "with the receipt's bidder_salt"),
        # The statement committed under the bidder's label: the labels keep them apart.
        (
            _answer(
                {
                    "kind": "tender.bid_submitted",
                    "commitments": ["bidder", "statement"],
                    "data": {
                        "bidder": commit(CODE, SALT),
                        "format": 2,
                        "parts": PARTS,
                        **WHERE,
                        "statement": commit(STATEMENT, SALT),
                    },
                }
            ),
            "does not commit to the receipt's statement_sha256",
        ),
        (
            _answer(
                {
                    "kind": "tender.bid_submitted",
                    "commitments": ["bidder"],
                    "data": {"bidder": commit(CODE, SALT), "format": 3, "parts": PARTS, **WHERE},
                }
            ),
            "unknown format 3",
        ),
        (_format_1(statement="ef" * 32), "other statement_sha256"),
        (
            {
                **_receipt(),
                "receipt_json": {
                    "parts": PARTS,
                    "statement_sha256": STATEMENT,
                    "lot": "1",
                    "version": 1,
                },
            },
            "other version",
        ),
    ],
)
def test_an_entry_that_is_not_this_bidders_version_is_refused(
    receipt: dict[str, object], says: str
) -> None:
    with pytest.raises(CommandError, match=says):
        check_receipt(receipt, CODE)
