"""docs/formats/evaluation-sheet.md is true to the bytes: §9's worked example is
recomputed with signing.sheets, and §10 lists every sheet error with its status."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from evaluation.sheets import errors as evaluation_errors
from signing import sheets
from signing.errors import EtenderError
from signing.sheets import errors as format_errors
from tests.docs.markdown import code_blocks, found, read, section

DOC = read("formats/evaluation-sheet.md")
EXAMPLE = section(DOC, "## 9. Worked example")
ROOT = Path(__file__).resolve().parents[2]
KEY = bytes(range(0x40, 0x60))
NONCE = bytes(range(0xA0, 0xAC))


def _blocks() -> tuple[bytes, dict[str, str], dict[str, str]]:
    sheet, submit, reveal = code_blocks(EXAMPLE, "json")
    return sheet.encode(), json.loads(submit), json.loads(reveal)


def test_the_example_sheet_is_canonical_and_its_stated_size() -> None:
    """§9's sheet parses strictly, re-encodes to the same bytes, is as long as stated,
    and carries the stated salt."""
    data, _, _ = _blocks()
    sheet = sheets.parse_sheet(data)
    assert sheets.build_sheet(sheet) == data
    assert f"The sheet ({len(data)} bytes)" in EXAMPLE
    assert sheet.salt == bytes(range(32))
    assert str(sheet.session) in EXAMPLE.split("```")[0]


def test_the_example_commitment_is_the_sheets_sha256() -> None:
    """The stated hex and the submit data's base64url are SHA-256 of the sheet bytes."""
    data, submit, _ = _blocks()
    stated = found(r"Its commitment \(SHA-256, hex\) is\n`([0-9a-f]{64})`", EXAMPLE)[1]
    assert stated == hashlib.sha256(data).hexdigest()
    assert sheets.b64url_decode(submit["commitment"], field="c", size=32, limit=32).hex() == stated


def test_the_example_ciphertext_is_the_seal_with_the_stated_key_and_nonce() -> None:
    """ChaCha20-Poly1305 of the sheet, AAD = commitment, with §9's key and nonce; the
    reveal's key opens it."""
    data, submit, reveal = _blocks()
    ciphertext = sheets.b64url_decode(submit["ciphertext"], field="c", limit=sheets.MAX_CIPHERTEXT)
    assert ciphertext == sheets.seal(data, KEY, NONCE)
    assert f"the {len(ciphertext)}-byte ciphertext" in EXAMPLE
    assert sheets.b64url_decode(submit["nonce"], field="n", size=12, limit=12) == NONCE
    assert reveal == sheets.reveal_data("scoring", KEY)
    assert sheets.open_sheet(ciphertext, KEY, NONCE, sheets.commitment(data)) == data
    assert set(submit) == {"phase", "commitment", "ciphertext", "nonce", "signature"}


def _sheet_errors() -> list[type[EtenderError]]:
    found_classes: list[type[EtenderError]] = []
    for module in (format_errors, evaluation_errors):
        found_classes += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, EtenderError)
            and value.__module__ == module.__name__
            and value.code.startswith("sheet_")
            and value.code != "sheet_error"
        ]
    return found_classes


def test_every_sheet_error_is_in_the_table_with_its_status_and_in_its_tree() -> None:
    """§10 lists each code with the class's HTTP status; each errors.py draws it."""
    table = section(DOC, "## 10. Error codes")
    listed = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", table, re.M))
    classes = _sheet_errors()
    assert {c.code: str(c.status) for c in classes} == listed
    for cls in classes:
        path = ROOT / Path(*cls.__module__.split(".")).with_suffix(".py")
        assert re.search(rf"{cls.__name__}\s+{cls.code}\b", path.read_text(encoding="utf-8"))
