"""Sealing a member's findings into a ``submit_sheet`` on the member's machine.

DESIGN.md, "Blind scoring"; signing/sheets.py has the bytes. A fresh salt, key and nonce
per version; the sheet record (sheet bytes, key, nonce: records.py) is fsynced BEFORE
the command is stored, and the command before it is sent, so whatever the moment of a
crash the member can still reveal what the server may have received — and nothing the
server never received is revealed. Running ``score`` again with the same findings
resends the stored frame (same id, same bytes: the server answers as the first time);
other findings under a version already sent are refused unless ``--new-version``
resubmits them as the next version (before the phase closes; earlier ones are kept).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from client.session.entries import Findings
from client.session.errors import SheetAlreadySubmitted, SheetInputInvalid
from client.session.records import SheetRecord, load_sheets, save_sheet
from client.session.state import StateStore, StoredCommand
from signing import sheets


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Signer:
    """The member's registered certificate, its chain and private key (never sent)."""

    cert: x509.Certificate
    key: PrivateKeyTypes
    chain: Sequence[x509.Certificate] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Sealed:
    """A sheet ready to go: its record, its stored command, and whether it was sent before."""

    record: SheetRecord
    command: StoredCommand
    again: bool


def seal_findings(
    store: StateStore,
    phase: str,
    findings: Findings,
    signer: Signer,
    *,
    seat: int | None = None,
    generation: int | None = None,
    new_version: bool = False,
) -> Sealed:
    """The sheet of ``findings`` sealed, signed, kept and stored as a command."""
    seat = _one(findings.seat, seat, "seat")
    generation = _one(findings.generation, generation, "generation") or 1
    if seat is None:
        raise SheetInputInvalid('name your seat: --seat N, or "seat" in the findings file')
    records = load_sheets(store, phase)
    version = 1
    if records:
        latest = records[-1]
        stored = store.load().by_purpose(latest.purpose)
        version = latest.parsed.version + (1 if new_version and stored is not None else 0)
        if stored is not None and not new_version:
            if not _same(latest.parsed, findings.entries, seat, generation):
                raise SheetAlreadySubmitted(
                    f"version {version} of your {phase} sheet was sent with other findings; "
                    "pass --new-version to resubmit (before the phase closes)"
                )
            return Sealed(record=latest, command=stored, again=True)
    sheet = sheets.build_sheet(
        sheets.Sheet(
            session=store.session, phase=phase, seat=seat, generation=generation,
            version=version, salt=sheets.new_salt(), entries=findings.entries,
        )
    )  # fmt: skip
    record = SheetRecord(sheet=sheet, key=sheets.new_key(), nonce=sheets.new_nonce())
    sealed = sheets.seal_and_sign(
        sheet, record.key, record.nonce, signer.cert, signer.key, chain=signer.chain
    )
    save_sheet(store, record)  # the key is on disk before anything about it leaves
    command = store.command(record.purpose, "submit_sheet", sealed.submit_data())
    return Sealed(record=record, command=command, again=False)


def _one(in_file: int | None, given: int | None, name: str) -> int | None:
    if in_file is not None and given is not None and in_file != given:
        raise SheetInputInvalid(f"the findings file says {name} {in_file}, --{name} {given}")
    return given if given is not None else in_file


def _same(sheet: sheets.Sheet, entries: Sequence[sheets.Entry], seat: int, generation: int) -> bool:
    def key(entry: sheets.Entry) -> tuple[str, str]:
        return (str(entry.bid), entry.item)

    mine = sorted(entries, key=key)
    return (sheet.seat, sheet.generation, list(sheet.entries)) == (seat, generation, mine)
