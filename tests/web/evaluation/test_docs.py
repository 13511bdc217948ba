"""docs/api-evaluation.md is exact: its signed forms are the bytes the server rebuilds,
and the openssl command it gives makes a signature the server accepts."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import uuid
from pathlib import Path

from evaluation.clarifications.model import Clarification, answer_form, question_sha256
from evaluation.notes.model import note_form
from signing.certs import dump_pem_certificate, dump_pem_private_key
from signing.cms import verify_detached
from signing.demo_ca import issue_identity
from tests.tender.world import live_ca

DOC = (Path(__file__).parents[3] / "docs" / "api-evaluation.md").read_text(encoding="utf-8")
SESSION = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _block_starting(prefix: str) -> bytes:
    found = re.findall(r"```\n(" + re.escape(prefix) + r"[^\n]*)\n```", DOC)
    (line,) = [f for f in found if "<" not in f]
    return str(line).encode("utf-8")


def _example_clarification() -> Clarification:
    question = "工期依据？"
    return Clarification(
        id=uuid.UUID("00000000-0000-4000-8000-000000000002"),
        session_id=SESSION,
        bid_id=uuid.uuid4(),
        bidder="91341800MA2N00000X",
        question=question,
        question_sha256=question_sha256(question),
        asked_seat=1,
        asked_at=dt.datetime.now(dt.UTC),
    )


def test_the_answer_example_is_the_canonical_form() -> None:
    """The documented bytes for the example answer are answer_form's, to the byte."""
    example = _example_clarification()
    assert _block_starting('{"answer":') == answer_form(SESSION, example, "按365日历天计。")


def test_the_note_example_is_the_canonical_form() -> None:
    """The documented bytes for the example note are note_form's, to the byte."""
    note = uuid.UUID("00000000-0000-4000-8000-00000000000a")
    text = "14:05 副场网络中断3分钟，已恢复。"
    assert _block_starting('{"format":"etender-supervision-note-v1"') == note_form(
        SESSION, note, text
    )


def test_the_documented_openssl_command_signs_an_accepted_answer(tmp_path: Path) -> None:
    """openssl cms -sign -binary -md sha256 -outform DER over the form verifies."""
    ca = live_ca()
    who = issue_identity(ca, name="投标人", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    form = answer_form(SESSION, _example_clarification(), "按365日历天计。")
    (tmp_path / "answer.json").write_bytes(form)
    (tmp_path / "cert.pem").write_bytes(dump_pem_certificate(who.certificate))
    (tmp_path / "key.pem").write_bytes(dump_pem_private_key(who.key))
    subprocess.run(
        ["openssl", "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER",
         "-signer", "cert.pem", "-inkey", "key.pem", "-in", "answer.json", "-out", "answer.p7s"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    signature = (tmp_path / "answer.p7s").read_bytes()
    signer = verify_detached(form, signature, ca.trust_store(), dt.datetime.now(dt.UTC))
    assert signer.certificate == who.certificate
