"""Running ``etender`` as a child process beside a live server (the CLI's HTTP client
is synchronous: in the test's process it would block the loop the server runs in)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.accounts.factory import PASSWORD


async def etender(
    *args: str, config: Path, stdin: bytes | None = None, umask: int | None = None
) -> tuple[int, str, str]:
    """``etender`` in a child process with its own XDG_CONFIG_HOME and no ETENDER_TOKEN;
    stdin is a pipe (not a terminal) when given, else /dev/null."""
    env = {k: v for k, v in os.environ.items() if k != "ETENDER_TOKEN"}
    env["XDG_CONFIG_HOME"] = str(config)

    def before() -> None:
        if umask is not None:
            os.umask(umask)

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *args, env=env,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        preexec_fn=before if umask is not None else None,
    )  # fmt: skip
    out, err = await process.communicate(stdin)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def login(server: str, config: Path, password: str = PASSWORD) -> tuple[int, str, str]:
    return await etender(
        "login", "--server", server, "--username", "bidder1", "--password-stdin",
        config=config, stdin=f"{password}\n".encode(),
    )  # fmt: skip
