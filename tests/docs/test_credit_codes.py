"""Every unified social credit code in the docs has its GB 32100-2015 check character.

A statement signed over a malformed code is refused (docs/formats/signatures.md,
``credit_code_invalid``): an example carrying one teaches a client to build bytes the
platform refuses (the outside tester's finding 12). Every 18-character string of the
code's shape in every doc under docs/ is checked with the platform's own validator; the
only other thing of that shape is a resident identity card number (GB 11643-1999, all
digits but a final X), which must then be a valid one.
"""

from __future__ import annotations

import re

from accounts.credit_code import is_valid
from expert_pool.errors import IdCardInvalid
from expert_pool.id_card import validate_id_card
from tests.docs.markdown import DOCS

# The code's shape (accounts/credit_code.py): registration authority and type, a six-digit
# region, then ten characters of the 31-character alphabet; not inside a longer word.
SHAPE = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)


def _identity_card(text: str) -> bool:
    try:
        validate_id_card(text)
    except IdCardInvalid:
        return False
    return True


def test_every_credit_code_in_every_doc_has_its_check_character() -> None:
    wrong: list[str] = []
    seen = 0
    for path in sorted(DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in SHAPE.finditer(text):
            seen += 1
            if not (is_valid(match[0]) or _identity_card(match[0])):
                line = text.count("\n", 0, match.start()) + 1
                wrong.append(f"{path.relative_to(DOCS)}:{line} {match[0]}")
    assert seen >= 10  # the shape still finds the docs' codes
    assert wrong == []
