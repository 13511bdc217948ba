"""The signing bundle's `bid.hashBlob` (web/js/src/hasher.js; docs/browser-signing.md §2),
the lot page's SHA-256 of a part picked from disk, is hashlib's: at SHA-256's block and
padding edges, across its 2 MiB read slices and past the 8 MiB it lets wait for the
hashing Worker, in the Worker and inline (a part must be hashed by slices, never whole
in page memory, with an audited library: issue 16 items 2 and 4)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.web.signing_js.kit import JsError, run_js

SLICE = 2 * 1024 * 1024  # hasher.js HASH_SLICE: bytes per Blob.slice read
MIB = 1024 * 1024
SIZES = [
    0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 65536,
    SLICE - 1, SLICE, SLICE + 1, 2 * SLICE - 64, 2 * SLICE + 63, 5 * MIB + 3,
    12 * MIB + 1,  # more than the 8 MiB hashBlob lets wait for its hashing Worker
]  # fmt: skip

# Each size's bytes are made in the page (nothing megabytes-long crosses the protocol);
# `arg.inline` hides Worker so that fileHasher() hashes on the page's own thread.
HASH = """
const Worker0 = globalThis.Worker;
if (arg.inline) globalThis.Worker = undefined;
try {
  const out = [];
  for (const n of arg.sizes) {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) bytes[i] = (i * 31 + 7) & 255;
    const seen = [];
    const hex = await sign.bid.hashBlob(new Blob([bytes]), { onProgress: (p) => seen.push(p) });
    out.push({ hex, seen });
  }
  return out;
} finally {
  globalThis.Worker = Worker0;
}
"""


def pattern(n: int) -> bytes:
    period = bytes((i * 31 + 7) & 255 for i in range(256))
    return (period * (n // 256 + 1))[:n]


def progress(n: int) -> list[dict[str, Any]]:
    """One report after each slice, in bytes read so far."""
    ends = [min(at + SLICE, n) for at in range(0, n, SLICE)]
    return [{"phase": "hashing", "done": end, "total": n} for end in ends]


# A file input on the login page (the DOM, not a script: the page's CSP still holds).
PICKER = """const input = document.createElement("input");
input.type = "file"; input.id = "picked"; document.body.append(input);"""


async def login_page(browser: Any, url: str) -> tuple[Any, Any]:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{url}/login")  # the bundle needs no signed-in member to hash
    return context, page


@pytest.mark.browser
@pytest.mark.parametrize("inline", [False, True], ids=["worker", "inline"])
async def test_hash_blob_is_hashlibs_sha256_at_every_edge_and_reports_each_slice(
    browser: Any, live_server: LiveServer, inline: bool
) -> None:
    context, page = await login_page(browser, live_server.url)
    found = await run_js(page, HASH, {"sizes": SIZES, "inline": inline})
    await context.close()
    assert [f["hex"] for f in found] == [hashlib.sha256(pattern(n)).hexdigest() for n in SIZES]
    assert [f["seen"] for f in found] == [progress(n) for n in SIZES]


@pytest.mark.browser
async def test_hash_blob_of_a_picked_file_is_its_sha256sum(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    """A `File` from an `<input type=file>`, as the lot page's "pick a sealed part"."""
    body = hashlib.shake_256(b"a part sealed by etender bid seal").digest(3 * SLICE + 17)
    path = tmp_path / "main.age"
    path.write_bytes(body)
    context, page = await login_page(browser, live_server.url)
    await run_js(page, PICKER)
    await page.set_input_files("#picked", str(path))
    found = await run_js(
        page, 'return await sign.bid.hashBlob(document.getElementById("picked").files[0]);'
    )
    # Changed on disk since it was picked: Chromium refuses the read, and so do we.
    path.write_bytes(body + b"!")
    later = path.stat().st_mtime + 10
    os.utime(path, (later, later))
    with pytest.raises(JsError) as changed:
        await run_js(
            page, 'return await sign.bid.hashBlob(document.getElementById("picked").files[0]);'
        )
    await context.close()
    assert found == hashlib.sha256(body).hexdigest()
    assert changed.value.code == "bid_input_invalid"


STOPPED = """
const stop = new AbortController();
const seen = [];
const blob = new Blob([new Uint8Array(4 * 1024 * 1024 + 1)]);
try {
  const onProgress = (p) => { seen.push(p.done); stop.abort(); };
  await sign.bid.hashBlob(blob, { signal: stop.signal, onProgress });
  return { code: null, seen };
} catch (err) {
  return { code: err.code, seen };
}
"""


@pytest.mark.browser
async def test_an_aborted_signal_stops_it_between_slices_and_a_non_blob_is_refused(
    browser: Any, live_server: LiveServer
) -> None:
    context, page = await login_page(browser, live_server.url)
    stopped = await run_js(page, STOPPED)
    before = await run_js(
        page,
        """const stop = new AbortController(); stop.abort();
        try { await sign.bid.hashBlob(new Blob([]), { signal: stop.signal }); return null; }
        catch (err) { return err.code; }""",
    )
    refused = []
    for value in ["new Uint8Array(3)", '"text"', "null", "undefined"]:
        with pytest.raises(JsError) as error:
            await run_js(page, f"return await sign.bid.hashBlob({value});")
        refused.append(error.value.code)
    await context.close()
    assert stopped == {"code": "aborted", "seen": [SLICE]}
    assert before == "aborted"
    assert refused == ["bytes_invalid"] * 4
