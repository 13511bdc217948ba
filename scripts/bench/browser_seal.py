"""Benchmark: a 500 MB bid sealed in the page (issue 16, "Must show"), against the CLI.

Starts `etender serve` (one worker, embedded PostgreSQL) in a throwaway data dir, signs a
bidder in through the login form in headless Chromium (Debian's, as the tests use), makes
its browser key and a demo-CA certificate, then seals one file picked through an
`<input type=file>` (a disk-backed File: the page never holds it) with `bid.seal` — the
dedicated Worker streaming into OPFS, as a bidder's page does. Meanwhile it samples the
RSS of the page's renderer process (the Worker runs in it) from /proc every 50 ms.

In the same run, on the same file, `etender bid seal` seals it to the same committee
(5 officials, k = 3): the page's rate is reported as a ratio to the CLI's.

    .venv/bin/python scripts/bench/browser_seal.py [--size-mb 500] [--repeat 2]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
from cryptography import x509

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from harness import data_dir, start_server, stop_server  # noqa: E402
from limits import MB, free_port  # noqa: E402

from accounts.model import OrgKind, Role  # noqa: E402
from signing.age import X25519Identity  # noqa: E402
from signing.certs import dump_pem_certificate, dump_pem_private_key  # noqa: E402
from signing.demo_ca import create_demo_ca, issue_certificate, issue_identity  # noqa: E402
from tests.accounts.factory import PASSWORD, make_organisation, make_user  # noqa: E402
from tests.web.signing_js.seal_kit import make_committee  # noqa: E402
from web.db.embedded import SUPERUSER, EmbeddedPostgres  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
CA = create_demo_ca(now=NOW)
KIT = make_committee(CA, k=3, n=5)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        out += kids
        todo += kids
    return out


def _cmdline(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes()).replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _browser_pid(profile: Path) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            line = _cmdline(int(entry.name))
            if f"--user-data-dir={profile}" in line and "--type=" not in line:
                return int(entry.name)
    raise SystemExit("the Chromium process was not found")


def renderer_pids(browser_pid: int) -> list[int]:
    """The browser's renderer processes (the page, and its Workers in the same process)."""
    return [p for p in _descendants(browser_pid) if "--type=renderer" in _cmdline(p)]


def rss_kib(pids: list[int]) -> int:
    """Their summed RSS (found once per seal: walking /proc every sample costs CPU)."""
    return sum(_rss_kib(p) for p in pids)


async def _make_bidder(data: Path) -> None:
    conn = await asyncpg.connect(EmbeddedPostgres.in_data_dir(data).dsn(user=SUPERUSER))
    try:
        org = await make_organisation(conn, OrgKind.BIDDER)
        await make_user(conn, org, Role.BIDDER, username="bench-bidder", password=PASSWORD)
    finally:
        await conn.close()


SEAL = """async (arg) => {
  const sign = await import(arg.bundle);
  const file = document.getElementById("bench-file").files[0];
  const made = await sign.bid.identity.generate();
  const start = performance.now();
  const sealed = await sign.bid.seal({committee: arg.committee, part: "main", bidder: "bench",
    fields: {price: 1}, files: [file], recipient: made.recipient, roots: arg.root});
  const seconds = (performance.now() - start) / 1000;
  await sign.bid.sealed.remove(sealed.name);
  return {seconds, size: sealed.size, input: file.size};
}"""

KEY = """async (arg) => {
  const sign = await import(arg.bundle);
  const me = await (await fetch("/api/v1/me")).json();
  const made = await sign.keys.create(me.user_id, {label: "bench"});
  return {user: me.user_id, id: made.record.id, csr: made.csrPem};
}"""

ATTACH = """async (arg) => {
  const sign = await import(arg.bundle);
  await sign.keys.attachCertificate(arg.user, arg.id, arg.pem);
  const input = document.createElement("input");
  input.type = "file";
  input.id = "bench-file";
  document.body.append(input);
}"""


async def browser_runs(url: str, bundle: str, source: Path, repeat: int) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    profile = Path(tempfile.mkdtemp(prefix="etender-bench-chromium-", dir="/var/tmp"))
    results = []
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )  # fmt: skip
        try:
            page = await context.new_page()
            await page.goto(f"{url}/login")
            await page.fill("#username", "bench-bidder")
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{url}/home")
            made = await page.evaluate(KEY, {"bundle": bundle})
            csr = x509.load_pem_x509_csr(made["csr"].encode())
            cert = issue_certificate(CA, name="bench", public_key=csr.public_key(), now=NOW,  # type: ignore[arg-type]
                                     org_credit_code=None, browser_key=True)  # fmt: skip
            chain = b"".join(dump_pem_certificate(c) for c in (cert, CA.issuing_cert))
            await page.evaluate(ATTACH, {"bundle": bundle, **made, "pem": chain.decode()})
            await page.set_input_files("#bench-file", str(source))
            browser_pid = _browser_pid(profile)
            for _ in range(repeat):
                await asyncio.sleep(1)  # settle: the idle figure is taken before each seal
                pids = renderer_pids(browser_pid)
                idle = rss_kib(pids)
                peak = idle
                arg = {"bundle": bundle, "committee": KIT.file.decode(),
                       "root": dump_pem_certificate(CA.root_cert).decode()}  # fmt: skip
                task = asyncio.ensure_future(page.evaluate(SEAL, arg))
                while not task.done():
                    peak = max(peak, rss_kib(pids))
                    await asyncio.sleep(0.05)
                out = task.result()
                if renderer_pids(browser_pid) != pids:
                    raise SystemExit("a renderer process came or went during the seal")
                results.append({**out, "idle_kib": idle, "peak_kib": peak})
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
    return results


def cli_run(directory: Path, source: Path) -> float:
    """`etender bid seal` on the same file to the same committee: wall seconds."""
    person = issue_identity(CA, name="bench", now=NOW)
    (directory / "committee.json").write_bytes(KIT.file)
    (directory / "root.pem").write_bytes(dump_pem_certificate(CA.root_cert))
    (directory / "bidder.crt").write_bytes(
        dump_pem_certificate(person.certificate) + dump_pem_certificate(person.chain[0])
    )
    (directory / "bidder.key").write_bytes(dump_pem_private_key(person.key))
    (directory / "bidder.agekey").write_text(X25519Identity.generate().encode() + "\n")
    out = directory / "out"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        str(Path(sys.executable).parent / "etender"), "bid", "seal",
        "--committee", str(directory / "committee.json"), "--trust", str(directory / "root.pem"),
        "--cert", str(directory / "bidder.crt"), "--key", str(directory / "bidder.key"),
        "--identity", str(directory / "bidder.agekey"), "--tender", KIT.committee.tender,
        "--lot", "1", "--bidder", "bench", "--field", "price=1", "--file", str(source),
        "--out-dir", str(out), "--no-progress",
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from web.jsbundle import BUNDLE

    work = Path(tempfile.mkdtemp(prefix="etender-bench-seal-", dir="/var/tmp"))
    source = work / "bid.bin"
    with source.open("wb") as out:
        for _ in range(args.size_mb):
            out.write(os.urandom(MB))
    size = args.size_mb * MB
    data = data_dir("etender-bench-browser-", CA)
    port = free_port()
    proc = start_server(data, port)
    try:
        asyncio.run(_make_bidder(data))
        cli = [cli_run(work, source) for _ in range(args.repeat)]
        page = asyncio.run(
            browser_runs(f"http://127.0.0.1:{port}", BUNDLE.url, source, args.repeat)
        )
        cli += [cli_run(work, source) for _ in range(args.repeat)]  # before and after
    finally:
        stop_server(proc, data)
        shutil.rmtree(work, ignore_errors=True)
    best_cli = min(cli)
    best_page = min(r["seconds"] for r in page)
    report = {
        "size_mb": args.size_mb,
        "load_average": os.getloadavg(),
        "cli_seconds": [round(s, 2) for s in cli],
        "cli_mb_s": round(size / best_cli / MB, 1),
        "page_seconds": [round(r["seconds"], 2) for r in page],
        "page_mb_s": round(size / best_page / MB, 1),
        "page_to_cli": round(best_cli / best_page, 3),
        "renderer_idle_mb": [round(r["idle_kib"] / 1024, 1) for r in page],
        "renderer_peak_above_idle_mb": [
            round((r["peak_kib"] - r["idle_kib"]) / 1024, 1) for r in page
        ],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
