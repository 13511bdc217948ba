"""C2SP signed notes: the spec's and the Go reference's vectors, strict parsing, verification."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing.log.errors import KeyMalformed, NoteMalformed, NoteSignatureInvalid, NoteUnverified
from signing.log.note import (
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteSignature,
    add_signatures,
    compute_key_id,
    decode_vkey,
    parse_note,
    parse_signature_line,
    sign_note,
    verify_note,
)

# c2sp.org/signed-note, "Example".
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1E"
    "RYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# golang.org/x/mod/sumdb/note, package documentation.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_PETER = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
    "KvqfqdngotpRZb6KE6RyyBwJnAM="
)
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_ENOCH = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01"
    "oOTGwnWLox33WWd1RvMc+QQ="
)
# transparency-dev/formats note tests: a type 0x01 vkey whose base64 contains '+'.
PLUS_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"


def test_the_spec_example_note_verifies_with_the_spec_key() -> None:
    """The signed-note example opens with its vkey and re-serialises byte for byte."""
    note = parse_note(SPEC_NOTE.encode())
    verified = verify_note(note, [Ed25519Verifier.from_vkey(SPEC_VKEY)])
    assert [s.name for s in verified] == ["example.com/foo"]
    assert note.text == "This is an example message.\n"
    assert note.to_text() == SPEC_NOTE


def test_signing_reproduces_the_go_reference_note_byte_for_byte() -> None:
    """Ed25519 is deterministic: the Go example key signs the Go example text identically."""
    signer = Ed25519Signer.from_skey(GO_SKEY)
    assert signer.verifier().to_vkey() == GO_VKEY
    assert signer.to_skey() == GO_SKEY
    assert sign_note(GO_TEXT, [signer]).to_text() == f"{GO_TEXT}\n{GO_PETER}\n"


def test_a_doubly_signed_note_verifies_with_each_key() -> None:
    """The Go example with PeterNeumann's and EnochRoot's signatures checks against both."""
    note = parse_note(f"{GO_TEXT}\n{GO_PETER}\n{GO_ENOCH}\n")
    verifiers = [Ed25519Verifier.from_vkey(GO_VKEY), Ed25519Verifier.from_vkey(ENOCH_VKEY)]
    assert [s.name for s in verify_note(note, verifiers)] == ["PeterNeumann", "EnochRoot"]


def test_key_ids_follow_the_signed_note_formula() -> None:
    """Key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], as each vkey states."""
    for vkey in (SPEC_VKEY, GO_VKEY, ENOCH_VKEY, PLUS_VKEY):
        name, sig_type, public_key = decode_vkey(vkey)
        digest = hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()
        assert sig_type == 0x01
        assert digest[:4].hex() == vkey.split("+")[1]
        assert compute_key_id(name, 1, public_key) == digest[:4]
        assert Ed25519Verifier.from_vkey(vkey).to_vkey() == vkey


def test_unknown_keys_are_ignored_but_one_known_signature_is_needed() -> None:
    """Signatures by keys we do not know are skipped; none known rejects the note."""
    note = parse_note(f"{GO_TEXT}\n{GO_ENOCH}\n{GO_PETER}\n")
    assert len(verify_note(note, [Ed25519Verifier.from_vkey(GO_VKEY)])) == 1
    with pytest.raises(NoteUnverified) as caught:
        verify_note(note, [Ed25519Verifier.from_vkey(SPEC_VKEY)])
    assert caught.value.code == "log_note_unverified"


def test_a_known_keys_bad_signature_rejects_the_note() -> None:
    """A signature by a known name and key ID that fails to verify rejects everything."""
    note = parse_note(f"{GO_TEXT.replace('problem', 'trouble', 1)}\n{GO_PETER}\n")
    with pytest.raises(NoteSignatureInvalid):
        verify_note(note, [Ed25519Verifier.from_vkey(GO_VKEY)])


def test_a_bad_second_signature_by_a_known_key_rejects_the_note() -> None:
    """Every line from a known key is verified, not only the first (signed-note MUST)."""
    peter = Ed25519Signer.from_skey(GO_SKEY)
    good = peter.sign(GO_TEXT)
    bad = NoteSignature(name=good.name, key_id=good.key_id, signature=bytes(64))
    with pytest.raises(NoteSignatureInvalid):
        verify_note(Note(text=GO_TEXT, signatures=(good, bad)), [peter.verifier()])
    twice = Note(text=GO_TEXT, signatures=(good, good))
    assert verify_note(twice, [peter.verifier()]) == (good,)


def test_a_wrong_key_with_the_same_name_is_not_trusted() -> None:
    """Another key under the signer's name has another key ID: the note is unverified."""
    impostor = Ed25519Signer(name="PeterNeumann", private_key=Ed25519PrivateKey.generate())
    note = parse_note(f"{GO_TEXT}\n{GO_PETER}\n")
    with pytest.raises(NoteUnverified):
        verify_note(note, [impostor.verifier()])


def test_a_forged_signature_under_a_known_key_id_is_rejected() -> None:
    """Signature bytes from another key, labelled with the known key ID, fail."""
    peter = Ed25519Signer.from_skey(GO_SKEY)
    other = Ed25519Signer(name="PeterNeumann", private_key=Ed25519PrivateKey.generate())
    forged = NoteSignature(
        name="PeterNeumann", key_id=peter.key_id, signature=other.sign(GO_TEXT).signature
    )
    with pytest.raises(NoteSignatureInvalid):
        verify_note(Note(text=GO_TEXT, signatures=(forged,)), [peter.verifier()])


def test_adding_signatures_keeps_others_and_replaces_the_same_key() -> None:
    """A new signature by an existing key replaces it; other signatures stay first."""
    peter = Ed25519Signer.from_skey(GO_SKEY)
    enoch_line = parse_signature_line(GO_ENOCH)
    note = add_signatures(parse_note(f"{GO_TEXT}\n{GO_PETER}\n"), [enoch_line])
    assert note.to_text() == f"{GO_TEXT}\n{GO_PETER}\n{GO_ENOCH}\n"
    again = add_signatures(note, [peter.sign(GO_TEXT)])
    assert again.to_text() == f"{GO_TEXT}\n{GO_ENOCH}\n{GO_PETER}\n"


def test_text_may_contain_blank_lines_and_splits_at_the_last_one() -> None:
    """The note text ends at the last empty line (signed-note, Format)."""
    signer = Ed25519Signer.from_skey(GO_SKEY)
    text = "a\n\nb\n"
    parsed = parse_note(sign_note(text, [signer]).to_bytes())
    assert parsed.text == text
    assert verify_note(parsed, [signer.verifier()])


@pytest.mark.parametrize(
    "data",
    [
        b"no blank line\n\xe2\x80\x94 x AAAAAAA=\n",
        f"{GO_TEXT}\n{GO_PETER}".encode(),  # no final newline
        f"{GO_TEXT}\n".encode(),  # no signature
        f"{GO_TEXT}\n{GO_PETER}\n\n".encode(),  # blank line after the signatures
        f"{GO_TEXT}\n- PeterNeumann AAAAAAA=\n".encode(),  # hyphen, not em dash
        f"{GO_TEXT}\n— PeterNeumann  AAAAAAA=\n".encode(),  # two spaces
        f"{GO_TEXT}\n— PeterNeumann AAAA\n".encode(),  # only a key ID
        f"{GO_TEXT}\n— PeterNeumann AAAAAAA\n".encode(),  # unpadded base64
        f"{GO_TEXT}\n— PeterNeumann AAAAAAB=\n".encode(),  # non-canonical base64
        f"{GO_TEXT}\n— Peter+Neumann AAAAAAA=\n".encode(),  # '+' in the name
        f"tab\there\n\n{GO_PETER}\n".encode(),  # control character
        f"cr\r\n\n{GO_PETER}\n".encode(),
        b"\xff\xfe\n\n" + GO_PETER.encode() + b"\n",  # not UTF-8
        (GO_TEXT + "\n" + (GO_PETER + "\n") * 101).encode(),  # too many signatures
    ],
)
def test_malformed_notes_are_refused(data: bytes) -> None:
    """Every deviation from the signed-note format is refused with log_note_malformed."""
    with pytest.raises(NoteMalformed) as caught:
        parse_note(data)
    assert caught.value.code == "log_note_malformed"


def test_sixteen_signatures_are_accepted() -> None:
    """signed-note: verifiers MUST accept at least 16 signatures."""
    signers = [
        Ed25519Signer(name=f"k{i}", private_key=Ed25519PrivateKey.generate()) for i in range(16)
    ]
    note = parse_note(sign_note(GO_TEXT, signers).to_text())
    assert len(verify_note(note, [s.verifier() for s in signers])) == 16


def test_text_without_a_final_newline_cannot_be_signed() -> None:
    """A note text ends in a newline."""
    with pytest.raises(NoteMalformed):
        Ed25519Signer.from_skey(GO_SKEY).sign("no newline")


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # short key ID
        "PeterNeumann+c74f20a3",  # no key
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # bad base64
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",  # length
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # type 0x65
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # space
    ],
)
def test_malformed_verifier_keys_are_refused(vkey: str) -> None:
    """Bad vkeys (the Go reference's rejects among them) raise log_key_malformed."""
    with pytest.raises(KeyMalformed) as caught:
        Ed25519Verifier.from_vkey(vkey)
    assert caught.value.code == "log_key_malformed"


def test_a_signer_key_with_a_wrong_key_id_is_refused() -> None:
    """The signer key's key ID must match the key it holds."""
    with pytest.raises(KeyMalformed):
        Ed25519Signer.from_skey(GO_SKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(KeyMalformed):
        Ed25519Signer.from_skey(GO_SKEY.removeprefix("PRIVATE+"))
