"""The browser verifier of the audit pages (web/static/js/auditlog-verify.js) agrees
with RFC 9162 as tests/rfc9162.py writes it out: every inclusion and consistency proof
of trees up to 12 leaves verifies, and every proof with one bit flipped, or checked at
the wrong index or size, does not. Run in a real Chromium's WebCrypto."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests import rfc9162
from tests.conftest import LiveServer

SIZES = range(1, 13)
LEAVES = [f"entry {n}".encode() for n in range(max(SIZES) + 1)]

# The page's own CSP forbids evaluating strings; the test context bypasses it only to
# import the module and call it (the pages load it as a file, web/http.py's CSP).
CHECK = """async (cases) => {
  const v = await import("/static/js/auditlog-verify.js");
  const b = (list) => list.map(v.fromBase64);
  const out = [];
  for (const c of cases) {
    if (c.kind === "inclusion") {
      const leaf = await v.leafHash(v.fromBase64(c.entry));
      const root = await v.rootFromInclusion(leaf, c.index, c.size, b(c.proof));
      out.push(root !== null && v.equal(root, v.fromBase64(c.root)));
    } else {
      out.push(await v.consistent(c.first, c.second, v.fromBase64(c.firstRoot),
                                  v.fromBase64(c.secondRoot), b(c.proof)));
    }
  }
  return out;
}"""


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def flipped(proof: list[bytes], at: int) -> list[str]:
    changed = [bytearray(h) for h in proof]
    changed[at][at % 32] ^= 0x80
    return [b64(bytes(h)) for h in changed]


def cases() -> tuple[list[dict[str, Any]], list[bool]]:
    """Every proof of every size, as it is and spoiled, with the answer RFC 9162 gives."""
    found: list[dict[str, Any]] = []
    expected: list[bool] = []
    for size in SIZES:
        leaves = LEAVES[:size]
        root = b64(rfc9162.mth(leaves))
        for index in range(size):
            proof = rfc9162.path(index, leaves)
            base = {"kind": "inclusion", "entry": b64(leaves[index]), "size": size, "root": root}
            found.append({**base, "index": index, "proof": [b64(h) for h in proof]})
            expected.append(True)
            for at in range(len(proof)):
                found.append({**base, "index": index, "proof": flipped(proof, at)})
                expected.append(False)
            if size > 1:  # the same proof at another index
                found.append({**base, "index": (index + 1) % size,
                              "proof": [b64(h) for h in proof]})  # fmt: skip
                expected.append(False)
        for first in range(1, size + 1):
            proof = rfc9162.proof(first, leaves)
            base = {"kind": "consistency", "first": first, "second": size,
                    "firstRoot": b64(rfc9162.mth(leaves[:first])), "secondRoot": root}  # fmt: skip
            found.append({**base, "proof": [b64(h) for h in proof]})
            expected.append(True)
            for at in range(len(proof)):
                found.append({**base, "proof": flipped(proof, at)})
                expected.append(False)
        # docs/audit-log.md §2: from size 0 the proof is empty and the first root is
        # MTH({}); from n to n it is empty and the roots are equal.
        empty = b64(rfc9162.mth([]))
        other = b64(rfc9162.mth(LEAVES[: size + 1]))
        zero = {"kind": "consistency", "first": 0, "second": size, "secondRoot": root, "proof": []}
        same = {"kind": "consistency", "first": size, "second": size, "firstRoot": root,
                "proof": []}  # fmt: skip
        found += [{**zero, "firstRoot": empty}, {**zero, "firstRoot": root},
                  {**same, "secondRoot": other}]  # fmt: skip
        expected += [True, False, False]
    return found, expected


@pytest.mark.browser
async def test_the_browser_verifier_agrees_with_rfc_9162(
    browser: Any, live_server: LiveServer
) -> None:
    """Hundreds of proofs, right and spoiled: the browser gives RFC 9162's answer."""
    found, expected = cases()
    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        got = await page.evaluate(CHECK, found)
    finally:
        await context.close()
    wrong = [(c, e) for c, g, e in zip(found, got, expected, strict=True) if g != e]
    assert wrong == []
    assert len(found) > 500
