"""The findings file and sealing on the member's machine (client/session/entries.py,
sealing.py, records.py): strict input, the key kept before the command, and a stored
command that does not seal the stored sheet refused before any key leaves."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest

from client.session.commands.reveal import latest_sent
from client.session.entries import parse_findings, read_findings
from client.session.errors import SessionStateCorrupt, SheetInputInvalid, SheetNotSealed
from client.session.records import SheetRecord, load_sheets, save_sheet
from client.session.sealing import Signer, seal_findings
from client.session.state import StateStore
from signing import sheets
from signing.certs import Identity

SESSION = UUID("5b0c3a9e-1d2f-4a6b-8c7d-9e0f1a2b3c4d")
BID = "00000000-0000-0000-0000-00000000b1d1"


def signer(member: Identity) -> Signer:
    return Signer(cert=member.certificate, key=member.key, chain=member.chain)


def test_findings_are_a_list_or_an_object_naming_seat_and_generation() -> None:
    """Both forms; the entries become signing.sheets entries."""
    entry = {"bid": BID, "item": "1.1", "points": 850}
    assert parse_findings([entry], "scoring").seat is None
    found = parse_findings({"seat": 3, "generation": 2, "entries": [entry]}, "scoring")
    assert (found.seat, found.generation) == (3, 2)
    assert found.entries == (sheets.ScoreEntry(bid=UUID(BID), item="1.1", points=850),)


@pytest.mark.parametrize(
    ("body", "phase", "says"),
    [
        ([{"bid": BID, "item": "1.1", "point": 850}], "scoring", "exactly"),
        ([{"bid": BID, "item": "1.1", "points": 8.5}], "scoring", "whole numbers"),
        ([{"bid": "b1", "item": "1.1", "points": 850}], "scoring", "UUID"),
        ({"phase": "adjustment", "entries": []}, "scoring", "for phase"),
        ({"entries": [], "session": "x"}, "scoring", "object with"),
        ([{"bid": BID, "item": "q1", "pass": False}], "qualification", "exactly"),
        ([{"bid": BID, "item": "q1", "pass": "no", "reason": "r", "explanation": "e"}],
         "qualification", "true or false"),
        ({"seat": 0, "entries": []}, "scoring", "'seat'"),
    ],
)  # fmt: skip
def test_a_findings_file_that_is_not_exactly_the_format_is_refused(
    tmp_path: Path, body: object, phase: str, says: str
) -> None:
    """A mistyped key, a fraction, another phase's file: refused with the file's name."""
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(body))
    with pytest.raises(SheetInputInvalid, match=says) as refused:
        read_findings(path, phase)
    assert str(path) in refused.value.message


def test_a_failed_qualification_item_carries_its_reason_and_explanation() -> None:
    """Reg. 51: a refusal names its reason code and the member's words."""
    found = parse_findings(
        [{"bid": BID, "item": "q1", "pass": False, "reason": "not_responsive",
          "explanation": "投标有效期不足"}],
        "qualification",
    )  # fmt: skip
    [entry] = found.entries
    assert entry == sheets.QualificationEntry(
        bid=UUID(BID),
        item="q1",
        passed=False,
        reason="not_responsive",
        explanation="投标有效期不足",
    )


def test_the_key_is_kept_before_the_command_is_stored(tmp_path: Path, member: Identity) -> None:
    """sheets/scoring-v1.json (0600) holds the sheet, key and nonce; the stored
    submit_sheet seals exactly that sheet and carries neither the sheet nor the key."""
    store = StateStore(tmp_path / "state", SESSION)
    findings = parse_findings([{"bid": BID, "item": "1.1", "points": 850}], "scoring")
    sealed = seal_findings(store, "scoring", findings, signer(member), seat=3)
    path = store.directory / "sheets" / "scoring-v1.json"
    assert path.stat().st_mode & 0o777 == 0o600
    [record] = load_sheets(store, "scoring")
    assert record == sealed.record
    parsed = record.parsed
    assert (parsed.seat, parsed.generation, parsed.version) == (3, 1, 1)
    frame = sealed.command.frame
    assert sheets.b64url_encode(record.key) not in frame
    assert sheets.b64url_encode(record.sheet) not in frame
    assert latest_sent(store, "scoring") == (record, sealed.command)


def test_a_sheet_record_that_does_not_open_the_stored_submission_is_refused(
    tmp_path: Path, member: Identity
) -> None:
    """Another key in the record (tampered, or copied from elsewhere): the reveal stops
    before sending anything, naming the stored command."""
    store = StateStore(tmp_path / "state", SESSION)
    findings = parse_findings([{"bid": BID, "item": "1.1", "points": 850}], "scoring")
    sealed = seal_findings(store, "scoring", findings, signer(member), seat=3)
    save_sheet(store, SheetRecord(sheet=sealed.record.sheet, key=sheets.new_key(),
                                  nonce=sealed.record.nonce))  # fmt: skip
    with pytest.raises(SessionStateCorrupt, match=sealed.command.id):
        latest_sent(store, "scoring")


def test_nothing_sealed_means_nothing_to_reveal(tmp_path: Path) -> None:
    """No sheet of the phase in this state directory: a clear refusal."""
    store = StateStore(tmp_path / "state", SESSION)
    with pytest.raises(SheetNotSealed, match="no adjustment sheet"):
        latest_sent(store, "adjustment")


def test_a_seat_is_needed_and_must_agree_with_the_file(tmp_path: Path, member: Identity) -> None:
    """--seat or "seat" in the file, and not two different ones."""
    store = StateStore(tmp_path / "state", SESSION)
    with pytest.raises(SheetInputInvalid, match="name your seat"):
        seal_findings(store, "scoring", parse_findings([], "scoring"), signer(member))
    named = parse_findings({"seat": 2, "entries": []}, "scoring")
    with pytest.raises(SheetInputInvalid, match="seat 2, --seat 3"):
        seal_findings(store, "scoring", named, signer(member), seat=3)
