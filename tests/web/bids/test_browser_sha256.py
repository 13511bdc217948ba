"""The lot page's incremental SHA-256 (web/static/js/bids-sha256.js) of a file picked from
disk is hashlib's, at the block and padding edges and across its read slices (a part
must be hashed without sitting whole in page memory; issue 16 item 4)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.conftest import LiveServer

SLICE = 4 * 1024 * 1024  # bids-sha256.js SLICE
SIZES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 65536, SLICE - 1, SLICE, SLICE + 1]

# Evaluated through the DevTools protocol (the page's CSP concerns its own code).
HASH = """async (sizes) => {
  const { sha256OfBlob } = await import("/static/js/bids-sha256.js");
  const out = [];
  for (const n of sizes) {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) bytes[i] = (i * 31 + 7) & 255;
    out.push(await sha256OfBlob(new Blob([bytes])));
  }
  return out;
}"""


def pattern(n: int) -> bytes:
    return bytes((i * 31 + 7) & 255 for i in range(n))


@pytest.mark.browser
async def test_the_pages_sha256_of_a_blob_is_hashlibs_at_every_edge(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{live_server.url}/login")
    found = await page.evaluate(HASH, SIZES)
    assert found == [hashlib.sha256(pattern(n)).hexdigest() for n in SIZES]
    await context.close()
