"""The bidder's own check of its log entry's commitments (docs/formats/upload.md §4.2
step 2, docs/audit-log.md §1.2), and the salt file it keeps beside the receipt.

The entry in the public log names the bidder only as ``commit(credit code, salt)`` and,
from entry format 2 on, its statement only as ``statement_commitment(statement hash,
salt)`` (signing.statements.bid) — never the plain hash, from which anyone could name
the bidder by hashing each credit code. The receipt carries the salt, unsigned, for
its own bidder alone. The check proves the entry is this bidder's version and that the
salt opens it; the salt is saved so the bidder can check the freeze list's reveal
(upload.md §5) against it later without asking the platform.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from client.errors import CommandError
from signing.log.entry import reveal_matches
from signing.statements.bid import STATEMENT_COMMIT_LABEL

ENTRY_KINDS = frozenset({"tender.bid_submitted", "tender.bid_withdrawn"})
# upload.md §5: format 2 commits to the statement's hash; format 1 (no `format` key,
# entries logged before it) carries the plain hash and is checked as it was.
COMMITTED_STATEMENT = 2


def _check_statement(
    entry: dict[str, object], data: dict[str, object], sha256: str, salt: bytes
) -> None:
    if "format" not in data and "statement_sha256" in data:  # format 1
        if data["statement_sha256"] != sha256:
            raise CommandError(
                "the receipt's log entry names other statement_sha256 than the receipt"
            )
        return
    commitments = entry.get("commitments")
    if data.get("format") != COMMITTED_STATEMENT or not (
        isinstance(commitments, list) and "statement" in commitments
    ):
        raise CommandError(f"the receipt's log entry has an unknown format {data.get('format')!r}")
    if not reveal_matches(str(data.get("statement")), sha256, salt, label=STATEMENT_COMMIT_LABEL):
        raise CommandError(
            "the receipt's log entry does not commit to the receipt's statement_sha256 with "
            "the receipt's bidder_salt (docs/formats/upload.md §4.2 step 2)"
        )


def check_receipt(receipt: dict[str, object], credit_code: str) -> bytes:
    """The receipt's salt, once its entry is checked to be this bidder's version: the
    right kind, lot, version and parts, ``data.bidder`` opened by ``commit(credit_code,
    bidder_salt)`` and ``data.statement`` by the receipt's statement hash under the same
    salt (format 1: ``data.statement_sha256`` equal to it). Raises CommandError naming
    what differs."""
    fields = receipt.get("receipt_json")
    try:
        entry = json.loads(base64.b64decode(str(receipt["entry"]), validate=True))
        salt = bytes.fromhex(str(receipt["bidder_salt"]))
    except (KeyError, ValueError, binascii.Error) as exc:
        raise CommandError(f"the receipt carries no readable entry or bidder_salt ({exc})") from exc
    data = entry.get("data") if isinstance(entry, dict) else None
    if not isinstance(fields, dict) or not isinstance(data, dict):
        raise CommandError("the receipt's log entry is not a bid entry")
    if entry.get("kind") not in ENTRY_KINDS:
        raise CommandError(f"the receipt's log entry is a {entry.get('kind')!r} entry")
    for name in ("lot", "version", "parts"):
        if data.get(name) != fields.get(name):
            raise CommandError(f"the receipt's log entry names other {name} than the receipt")
    if not reveal_matches(str(data.get("bidder")), credit_code, salt):
        raise CommandError(
            "the receipt's log entry does not commit to your credit code with the "
            "receipt's bidder_salt (docs/formats/upload.md §4.2 step 2)"
        )
    _check_statement(entry, data, str(fields.get("statement_sha256")), salt)
    return salt


def save_salt(stem: Path, salt: bytes) -> Path:
    """``<stem>.salt``: the salt's hex and a newline (the freeze list reveals the same)."""
    path = Path(f"{stem}.salt")
    path.write_text(salt.hex() + "\n", encoding="ascii")
    return path
