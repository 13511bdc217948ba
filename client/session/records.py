"""What the member's client keeps besides state.json: sealed sheets and signed reports.

``sheets/<phase>-v<version>.json`` is written (fsynced) BEFORE its ``submit_sheet`` is
stored or sent, so a crash at any point after sending still leaves the key to reveal
(DESIGN.md, "Blind scoring": the key exists only on the member's machine):

    {"format": "etender-session-sheet-v1", "sheet": "<the sheet's exact bytes>",
     "key": "<32 bytes>", "nonce": "<12 bytes>"}

binary values in base64url without padding; the salt, seat, generation and version are
inside the sheet bytes (etender-sheet-v1, signing/sheets.py). ``reports/<sha256>.json``
and ``reports/<sha256>.p7s`` keep the report bytes a member signed and the signature.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from client.session.errors import SessionStateCorrupt
from client.session.files import make_private_dir, read_private, write_atomic
from client.session.state import StateStore, StoredCommand
from signing import sheets
from signing.errors import SigningError

SHEET_FORMAT = "etender-session-sheet-v1"
SHEETS_DIR = "sheets"
REPORTS_DIR = "reports"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SheetRecord:
    """A sheet sealed by this client: its bytes and the key and nonce that sealed it."""

    sheet: bytes
    key: bytes
    nonce: bytes

    @property
    def parsed(self) -> sheets.Sheet:
        return sheets.parse_sheet(self.sheet)

    @property
    def purpose(self) -> str:
        parsed = self.parsed
        return sheet_purpose(parsed.phase, parsed.version)

    def to_bytes(self) -> bytes:
        body = {
            "format": SHEET_FORMAT, "sheet": sheets.b64url_encode(self.sheet),
            "key": sheets.b64url_encode(self.key), "nonce": sheets.b64url_encode(self.nonce),
        }  # fmt: skip
        return json.dumps(body, indent=1).encode() + b"\n"


def sheet_purpose(phase: str, version: int) -> str:
    """The purpose of a sheet's ``submit_sheet`` in state.json."""
    return f"submit_sheet:{phase}:{version}"


def _sheet_path(store: StateStore, phase: str, version: int) -> Path:
    return store.directory / SHEETS_DIR / f"{phase}-v{version}.json"


def save_sheet(store: StateStore, record: SheetRecord) -> None:
    """Keep the sheet, its key and nonce (before anything about it is sent)."""
    parsed = record.parsed
    make_private_dir(store.directory / SHEETS_DIR)
    write_atomic(_sheet_path(store, parsed.phase, parsed.version), record.to_bytes())


def load_sheets(store: StateStore, phase: str) -> list[SheetRecord]:
    """The sheets of ``phase`` sealed from this directory, by version."""
    folder = store.directory / SHEETS_DIR
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob(f"{phase}-v*.json")):
        record = _parse_record(path, read_private(path) or b"")
        parsed = record.parsed
        if path.name != f"{parsed.phase}-v{parsed.version}.json" or parsed.session != store.session:
            raise SessionStateCorrupt(f"{path} holds the sheet of another session or version")
        found.append(record)
    return sorted(found, key=lambda r: r.parsed.version)


def _parse_record(path: Path, data: bytes) -> SheetRecord:
    try:
        body = json.loads(data)
        if not isinstance(body, dict) or set(body) != {"format", "sheet", "key", "nonce"}:
            raise ValueError("not a sheet record")
        if body["format"] != SHEET_FORMAT:
            raise ValueError(f"format is not {SHEET_FORMAT}")
        limit = sheets.MAX_SHEET
        record = SheetRecord(
            sheet=sheets.b64url_decode(body["sheet"], field="sheet", limit=limit),
            key=sheets.b64url_decode(body["key"], field="key", size=sheets.KEY_SIZE, limit=32),
            nonce=sheets.b64url_decode(
                body["nonce"], field="nonce", size=sheets.NONCE_SIZE, limit=sheets.NONCE_SIZE
            ),
        )
        record.parsed  # noqa: B018 — strict: the sheet bytes must be etender-sheet-v1
        return record
    except (ValueError, TypeError, SigningError) as exc:
        raise SessionStateCorrupt(f"{path} cannot be trusted: {exc}") from exc


def check_sealed(record: SheetRecord, stored: StoredCommand) -> None:
    """The stored ``submit_sheet`` seals exactly this sheet with this key: revealing the
    key then opens what the server holds, and nothing else."""
    try:
        data = json.loads(stored.frame)["data"]
        committed = sheets.b64url_decode(data["commitment"], field="commitment", size=32, limit=32)
        ciphertext = sheets.b64url_decode(
            data["ciphertext"], field="ciphertext", limit=sheets.MAX_CIPHERTEXT
        )
        nonce = sheets.b64url_decode(data["nonce"], field="nonce", size=12, limit=12)
        opened = sheets.open_sheet(ciphertext, record.key, nonce, committed)
    except (ValueError, KeyError, TypeError, SigningError) as exc:
        raise SessionStateCorrupt(
            f"the stored submit_sheet {stored.id} does not match its sheet record: {exc}"
        ) from exc
    if opened != record.sheet:
        raise SessionStateCorrupt(f"the stored submit_sheet {stored.id} seals another sheet")


def save_report(store: StateStore, sha256: str, report: bytes, signature: bytes) -> Path:
    """Keep the report bytes signed and the signature (the member's own copy)."""
    folder = store.directory / REPORTS_DIR
    make_private_dir(folder)
    write_atomic(folder / f"{sha256}.json", report)
    write_atomic(folder / f"{sha256}.p7s", signature)
    return folder / f"{sha256}.p7s"
