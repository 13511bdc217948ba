"""The member's state directory (client/session/state.py, files.py): private, replaced
atomically, locked, and refused rather than trusted when it is not what we wrote."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from client.session import files
from client.session.errors import SessionStateCorrupt, SessionStateInsecure
from client.session.protocol import frame_id
from client.session.state import STATE_FILE, StateStore

SESSION = UUID("7d4f0a52-3c1b-4e8e-9b1a-0f2f5d6c7e81")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_state_directory_is_0700_and_its_files_0600_whatever_the_umask(
    tmp_path: Path,
) -> None:
    """Sheet keys live here until the reveal: nobody else may read them."""
    old = os.umask(0o002)
    try:
        store = StateStore(tmp_path / "home" / ".etender" / "sessions" / str(SESSION), SESSION)
        store.command(None, "snapshot", {})
    finally:
        os.umask(old)
    assert mode(store.directory) == 0o700
    assert mode(store.directory.parent) == 0o700  # the parents it had to create
    assert {p.name: mode(p) for p in store.directory.iterdir()} == {
        STATE_FILE: 0o600,
        files.LOCK_FILE: 0o600,
    }


def test_a_state_directory_others_may_read_is_refused(tmp_path: Path) -> None:
    """A directory or file readable by the group is refused, never silently fixed."""
    directory = tmp_path / "state"
    StateStore(directory, SESSION)
    os.chmod(directory, 0o750)
    with pytest.raises(SessionStateInsecure, match="chmod 0o700"):
        StateStore(directory, SESSION)
    os.chmod(directory, 0o700)
    os.chmod(directory / STATE_FILE, 0o644)
    with pytest.raises(SessionStateInsecure, match="chmod 0o600"):
        StateStore(directory, SESSION)


def test_a_symbolic_link_in_place_of_the_state_file_is_refused(tmp_path: Path) -> None:
    """O_NOFOLLOW: the client never reads or replaces a file through a link."""
    directory = tmp_path / "state"
    StateStore(directory, SESSION)
    (directory / STATE_FILE).unlink()
    (directory / STATE_FILE).symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(SessionStateInsecure):
        StateStore(directory, SESSION)


def test_a_write_replaces_the_file_and_a_failed_one_leaves_the_old_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new inode each time (write, fsync, rename); a crash before the rename leaves
    the old state and no temporary file behind."""
    store = StateStore(tmp_path / "state", SESSION)
    before = store.path.stat().st_ino
    store.advance_seq(5)
    assert store.path.stat().st_ino != before
    saved = store.path.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        store.advance_seq(9)
    monkeypatch.undo()
    assert store.path.read_bytes() == saved
    assert store.load().seq == 5
    assert sorted(p.name for p in store.directory.iterdir()) == [files.LOCK_FILE, STATE_FILE]


def test_a_corrupted_state_file_is_a_clear_error_and_nothing_is_sent(tmp_path: Path) -> None:
    """Truncated JSON: the error names the file and how to start afresh."""
    store = StateStore(tmp_path / "state", SESSION)
    store.path.write_bytes(store.path.read_bytes()[:20])
    with pytest.raises(SessionStateCorrupt) as corrupt:
        StateStore(store.directory, SESSION)
    assert str(store.path) in corrupt.value.message
    assert "move it away" in corrupt.value.message


def test_an_edited_frame_is_refused_rather_than_resent(tmp_path: Path) -> None:
    """A frame changed by hand (another body under an id the server may have applied)
    fails its SHA-256; a frame moved under another id fails the id check."""
    store = StateStore(tmp_path / "state", SESSION)
    store.command("reveal:scoring:1", "reveal", {"phase": "scoring", "key": "AAAA"})
    body = json.loads(store.path.read_bytes())
    original = json.dumps(body)
    body["commands"][0]["frame"] = body["commands"][0]["frame"].replace("AAAA", "BBBB")
    store.path.write_text(json.dumps(body))
    with pytest.raises(SessionStateCorrupt, match="is not the one stored"):
        store.load()
    body = json.loads(original)
    body["commands"][0]["id"] = "other-1"
    store.path.write_text(json.dumps(body))
    with pytest.raises(SessionStateCorrupt, match="carries another id"):
        store.load()


def test_the_state_of_another_session_is_refused(tmp_path: Path) -> None:
    """A state directory copied under another session's id is not used for it."""
    store = StateStore(tmp_path / "a", SESSION)
    other = tmp_path / "b"
    other.mkdir(mode=0o700)
    (other / STATE_FILE).write_bytes(store.path.read_bytes())
    os.chmod(other / STATE_FILE, 0o600)
    with pytest.raises(SessionStateCorrupt, match="not"):
        StateStore(other, uuid4())


def test_a_command_is_stored_before_it_is_returned_and_its_purpose_reuses_it(
    tmp_path: Path,
) -> None:
    """The same step run again gets the same id and bytes; a refused one a new id."""
    store = StateStore(tmp_path / "state", SESSION)
    first = store.command("reveal:scoring:1", "reveal", {"phase": "scoring", "key": "k"})
    assert store.load().unanswered() == (first,)
    again = StateStore(store.directory, SESSION).command("reveal:scoring:1", "reveal", {"x": 1})
    assert again == first
    store.answer(first.id, {"error": "phase_wrong"})
    rebuilt = store.command("reveal:scoring:1", "reveal", {"phase": "scoring", "key": "k"})
    assert rebuilt.id != first.id
    assert [c.id for c in store.load().commands] == [rebuilt.id]


def test_two_copies_of_a_state_never_give_one_id_two_bodies(tmp_path: Path) -> None:
    """Each run draws its own id prefix: a copied directory's next ids differ."""
    store = StateStore(tmp_path / "a", SESSION)
    copy = tmp_path / "b"
    copy.mkdir(mode=0o700)
    (copy / STATE_FILE).write_bytes(store.path.read_bytes())
    os.chmod(copy / STATE_FILE, 0o600)
    one = store.command(None, "say", {"text": "one"})
    two = StateStore(copy, SESSION).command(None, "say", {"text": "two"})
    assert one.id != two.id
    assert one.id.endswith("-1")
    assert two.id.endswith("-1")
    assert frame_id(one.frame) == one.id


def test_answers_are_recorded_and_answered_snapshots_dropped(tmp_path: Path) -> None:
    """An ack stands once given; a command without a purpose leaves when answered."""
    store = StateStore(tmp_path / "state", SESSION)
    snapshot = store.command(None, "snapshot", {})
    sheet = store.command("submit_sheet:scoring:1", "submit_sheet", {})
    store.answer(snapshot.id, {"seq": 4})
    store.answer(sheet.id, {"seq": 5})
    store.answer(sheet.id, {"error": "late"})
    assert [(c.id, c.answer) for c in store.load().commands] == [(sheet.id, {"seq": 5})]


def test_two_clients_of_one_member_do_not_lose_each_others_commands(tmp_path: Path) -> None:
    """The directory's lock serialises read-change-write (join beside score)."""
    stores = [StateStore(tmp_path / "state", SESSION) for _ in range(2)]

    def add(store: StateStore) -> None:
        for n in range(40):
            store.command(f"{store.prefix}:{n}", "say", {"n": n})

    threads = [threading.Thread(target=add, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state = stores[0].load()
    assert state.counter == 80
    assert len(state.commands) == 80
